"""Retrieve: the passages that may answer a question.

In: a `Question` and the served index. Out: a `Retrieval`, hybrid (dense and keyword) results fused
by rank, aware of companies and dates.
"""
