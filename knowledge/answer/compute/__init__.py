"""Computed figures (issue 19, item 4).

In: a question and the page tables stored at indexing for the filings retrieval found. Out:
figures computed with `Decimal` from one filing's rows (one basis, one unit, the right periods),
each with its formula and every input cited, put first in the answer.
"""
