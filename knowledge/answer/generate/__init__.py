"""Generate: the answer a configured model writes from numbered passages.

In: a `Question`, its `Retrieval` and a model endpoint. Out: the model's text, streamed, capped and
checked sentence by sentence; nothing when the model is down (the composer answers then).
"""
