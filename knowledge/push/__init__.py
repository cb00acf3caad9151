"""Pushing to chats that asked for it: watchlists, alerts and daily digests.

In: the catalog (new documents, price sessions, watchlists and chat preferences), the served index
(the sentences an alert quotes) and the answer engine's "why is it moving" explanation. Out: rows
in the outbox, one per message owed to a chat under a unique key, drained by one process at a time
through a `Deliver` the Telegram side hands in. Nothing here imports `telegram`.
"""
