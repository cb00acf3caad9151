"""Check: what every answer passes before it is shown.

In: a draft or a model's text with its sources. Out: the same answer with figures verified against
the cited passages, citations reconciled, no calls or price targets, and the disclaimer.
"""
