"""Answering: question -> retrieve -> compose or generate -> verify -> guard.

In: a question (and the index). Out: an `Answer` whose every sentence cites a source, checked
against the cited passages, with no buy/sell/hold call and a disclaimer (`record`: the `Answer`
and its `Citation`s).
"""
