"""The catalog: what is indexed and what happened, in SQLite or PostgreSQL (SQLModel).

In: rows from every stage (sources, documents, runs, questions, feedback). Out: the same rows,
read back by any process. Schema changes are versioned migrations (Alembic).
"""
