"""Compose: the offline answer written from the retrieved passages.

In: a `Question` and its `Retrieval` (and, for a move, the prices). Out: a `Draft`: a lead line that
answers, then supporting sentences and table rows, each quoted from its source and cited.

The flow: `pool` (the chunks and the lines read from them by `sentences` and `rows`) ->
`eligibility` (which lines may answer) -> `scoring` (how well) -> `selection` (which are shown,
in what order) -> `draft` (written out with citations); `composer` runs it, `extremes` answers a
superlative from a table, `evidence` weighs the lines by meaning, `movement` explains a price move.
"""
