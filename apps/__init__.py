"""One small app per role, over the shared core in `knowledge/` (the Telegram app is `bot/`):

- `cli`: the `investorbot` command (`python -m apps`), which also starts the other roles;
- `worker`: takes queued jobs and runs them (JOBS=queue);
- `scheduler`: the scheduled refresh, hosted by the worker or by the single-process bot.
"""
