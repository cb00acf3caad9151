"""Files under a folder source: every loadable file, and every place that could not be read.

Unreadable folders and symbolic-link loops are reported, not skipped silently; a path that
cannot be examined is never taken for a deleted one.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

SUPPORTED_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".html", ".htm", ".pdf"})


class Presence(Enum):
    PRESENT = "present"
    MISSING = "missing"
    UNREADABLE = "unreadable"


def presence(path: Path) -> tuple[Presence, str]:
    """Whether a path exists; a permission problem is "unreadable", never "missing"."""
    try:
        os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return Presence.MISSING, "no such file or folder"
    except OSError as error:
        return Presence.UNREADABLE, f"cannot read it ({error.strerror or error})"
    return Presence.PRESENT, ""


@dataclass
class Walk:
    """What a walk found: files to load and (path, reason) for what it could not read."""

    files: list[Path] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)


def discover(root: Path) -> Walk:
    """Every supported, non-hidden file at or below `root`, in a stable order."""
    walk = Walk()
    if root.is_file():
        walk.files.append(root)
        return walk
    walk.files.extend(_files(root, walk.problems))
    return walk


def _files(root: Path, problems: list[tuple[str, str]]) -> Iterator[Path]:
    visited: set[tuple[int, int]] = set()

    def failed(error: OSError) -> None:
        problems.append((str(error.filename or root), f"cannot read this folder ({error.strerror or error})"))

    for folder, folders, names in os.walk(root, onerror=failed, followlinks=True):
        try:
            status = os.stat(folder)
        except OSError as error:
            failed(error)
            folders[:] = []
            continue
        if (status.st_dev, status.st_ino) in visited:
            problems.append((folder, "skipped: a symbolic link loops back to a folder already read"))
            folders[:] = []
            continue
        visited.add((status.st_dev, status.st_ino))
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        for name in sorted(names):
            if not name.startswith(".") and Path(name).suffix.lower() in SUPPORTED_SUFFIXES:
                yield Path(folder) / name
