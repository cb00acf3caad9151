"""Wiring per role: each process builds only the side of `knowledge/` it uses.

In: the settings (and, in tests, a loaded embedder or a model client). Out: `Answering` (the served
index and the answer engine: what a bot replica needs), `Indexing` (the index writer, the librarian
and the price refresh: what a worker needs), `Local` (both on one catalog: the CLI and the
single-process bot), and the roles built from them: `bot_role` and `worker_role`.
"""
