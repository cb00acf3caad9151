"""Both sides in one process, on one catalog and one embedding model: the command line, and the bot
when it runs alone (JOBS=inline). What this process publishes it serves at once."""

from __future__ import annotations

from knowledge.answer.generate.generator import Generator
from knowledge.index.embedder import Embedder
from knowledge.settings import Settings
from knowledge.wiring.answering import Answering
from knowledge.wiring.core import Core
from knowledge.wiring.indexing import Indexing


class Local:
    """The answering and the indexing side over one `Core`."""

    def __init__(
        self,
        settings: Settings,
        embedder: Embedder | None = None,
        generator: Generator | None = None,
        answering: type[Answering] = Answering,
    ) -> None:
        self.core = Core(settings, embedder)
        self.answering = answering(self.core, generator)
        self.indexing = Indexing(self.core, on_publish=self._published)

    def _published(self, _generation: int) -> None:
        self.answering.serving.reload()  # this process wrote it: serve it now, not at the next poll

    def close(self) -> None:
        self.core.close()
