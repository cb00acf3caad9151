"""The scheduled refresh of every source and the prices: when it runs, and which process hosts it
(the workers with JOBS=queue, the single-process bot with JOBS=inline). What a tick does is the
`scheduled_refresh` job of `knowledge.jobs`."""
