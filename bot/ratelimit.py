"""A per-user limit on questions, so one user cannot flood the bot."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Callable


class RateLimiter:
    """At most `per_minute` questions per user in any sliding 60-second window."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._per_minute, self._clock = per_minute, clock
        self._asked: defaultdict[int, deque[float]] = defaultdict(deque)

    def wait_time(self, user_id: int) -> float:
        """0 if the user may ask now (and count it), else the seconds until they may."""
        now = self._clock()
        asked = self._asked[user_id]
        while asked and now - asked[0] >= 60:
            asked.popleft()
        if len(asked) >= self._per_minute:
            return 60 - (now - asked[0])
        asked.append(now)
        return 0.0
