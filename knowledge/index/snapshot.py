"""Keyword-index snapshots, one per index generation.

Each generation's BM25 index is saved in a folder of its own under DATA_DIR/keyword. When the
catalog is PostgreSQL, readers may run on other hosts without that folder, so the writer also
stores the snapshot in the catalog, in parts, and a reader downloads it once into its own folder.
Every reader of a generation thus searches exactly the same keyword index.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from sqlmodel import col, delete, select

from knowledge.catalog import Catalog
from knowledge.catalog.tables import KeywordSnapshot
from knowledge.index.keyword import KeywordIndex

log = logging.getLogger(__name__)

PART_BYTES = 8 * 1024 * 1024
KEEP_GENERATIONS = 3


class SnapshotShelf:
    """Where keyword snapshots are put by writers and found by readers."""

    def __init__(self, root: Path, catalog: Catalog, shared: bool) -> None:
        self._root, self._catalog, self._shared = root, catalog, shared

    def folder(self, generation: int) -> Path:
        return self._root / f"g{generation}"

    def put(self, generation: int, index: KeywordIndex) -> None:
        """Save the generation's index locally and, for other hosts, in the catalog."""
        folder = self.folder(generation)
        index.save(folder)
        if self._shared:
            self._upload(generation, folder)
        self._prune(generation)

    def get(self, generation: int) -> KeywordIndex | None:
        """The generation's index: the local copy, else downloaded from the catalog, else None."""
        folder = self.folder(generation)
        found = KeywordIndex.load(folder)
        if found is None and self._shared and self._download(generation, folder):
            found = KeywordIndex.load(folder)
        return found

    def _upload(self, generation: int, folder: Path) -> None:
        with self._catalog.session() as session:
            session.exec(delete(KeywordSnapshot).where(col(KeywordSnapshot.generation) == generation))
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                name = path.relative_to(folder).as_posix()
                with path.open("rb") as handle:
                    part = 0
                    while block := handle.read(PART_BYTES):
                        session.add(KeywordSnapshot(generation=generation, part=part, name=name, data=block))
                        session.flush()
                        session.expunge_all()  # keep at most one part in memory
                        part += 1
            session.commit()

    def _download(self, generation: int, folder: Path) -> bool:
        partial = folder.with_name(folder.name + ".download")
        shutil.rmtree(partial, ignore_errors=True)
        found = False
        with self._catalog.session() as session:
            query = (
                select(KeywordSnapshot)
                .where(KeywordSnapshot.generation == generation)
                .order_by(col(KeywordSnapshot.name), col(KeywordSnapshot.part))
            )
            for row in session.exec(query).yield_per(1):
                target = partial / row.name
                target.parent.mkdir(parents=True, exist_ok=True)
                with target.open("ab") as handle:
                    handle.write(row.data)
                session.expunge(row)
                found = True
        if not found:
            return False
        shutil.rmtree(folder, ignore_errors=True)
        partial.rename(folder)
        log.info("keyword index of generation %d downloaded from the catalog", generation)
        return True

    def _prune(self, newest: int) -> None:
        """Keep the last few generations: readers may still be on the previous one."""
        oldest_kept = newest - KEEP_GENERATIONS + 1
        if self._root.is_dir():
            for folder in self._root.glob("g*"):
                number = folder.name[1:].split(".")[0]
                if number.isdigit() and int(number) < oldest_kept:
                    shutil.rmtree(folder, ignore_errors=True)
        if self._shared:
            with self._catalog.session() as session:
                session.exec(delete(KeywordSnapshot).where(col(KeywordSnapshot.generation) < oldest_kept))
                session.commit()
