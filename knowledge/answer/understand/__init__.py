"""Understand: what a question asks, apart from how it is phrased.

In: the question's text (and the chat's last question). Out: a `Question` (company, period, kind,
focus), the search query, whether it asks for advice.
"""
