"""Compose: the offline answer written from the retrieved passages.

In: a `Question` and its `Retrieval` (and, for a move, the prices). Out: a `Draft`: a lead line that
answers, then supporting sentences and table rows, each quoted from its source and cited.
"""
