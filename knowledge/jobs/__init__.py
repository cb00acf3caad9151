"""Jobs that change the index or the prices: refresh, source removal, rebuild, price refresh, the
scheduled refresh.

In: a request from the bot, the scheduler or a worker (`Jobs`). Out: the job run by `Runner` on the
indexing side, and a message to the admin's chat. `InlineJobs` runs them in the process that asks
(JOBS=inline); `QueueJobs` puts them in PostgreSQL (procrastinate) for `investorbot worker`
(JOBS=queue).
"""
