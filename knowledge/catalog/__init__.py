"""The catalog: what is indexed and what happened, in SQLite or PostgreSQL (SQLModel).

In: rows from every stage (sources, documents, runs, questions, feedback, prices, conversation
state). Out: the same rows, read back by any process. Schema changes are versioned migrations
(Alembic) applied when a process opens the catalog.
"""

from knowledge.catalog.database import Catalog
from knowledge.catalog.tables import DocumentRow, Feedback, IndexRun, QuestionRow, Source, now

__all__ = ["Catalog", "DocumentRow", "Feedback", "IndexRun", "QuestionRow", "Source", "now"]
