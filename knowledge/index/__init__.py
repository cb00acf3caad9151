"""Indexing: clean -> chunk -> embed -> store, kept in step with the catalog.

In: `Document` records. Out: chunks with vectors in Chroma, a keyword (BM25) index over them,
and the catalog rows that say which version of each document is indexed.
"""
