"""A client-side rate limiter: at most ``budget`` requests in any ``window`` seconds, shared by
every thread of one :class:`~flowgraph.api.Client`, and a pause for all of them when the server
answers 429 with ``Retry-After``.

The Scenario API allows 100 requests a minute per project (``shared/reference/api.md``); a
history of hundreds of runs would hit that within seconds. A sliding-window log (the send times
of the last ``budget`` requests) rather than a token bucket: a bucket lets a full burst through
at the start of each window, so two bursts can land inside one server-side window. The window
is kept a little longer than asked (2 %, at least 50 ms, at most 1 s) so that jitter between
taking a slot and the request's arrival cannot put ``budget + 1`` requests in one of the
server's windows.

>>> now = [0.0]
>>> def sleep(seconds): now[0] += seconds
>>> limiter = RateLimiter(2, 1.0, clock=lambda: now[0], sleep=sleep)
>>> [limiter.acquire() for _ in range(3)], round(now[0], 2)
([True, True, True], 1.05)
>>> limiter.sent, round(limiter.waited, 2)
(3, 1.05)
>>> RateLimiter.from_env({"FLOWGRAPH_RATE_LIMIT": "40/2"})
RateLimiter(budget=40, window=2)
>>> RateLimiter.from_env({"FLOWGRAPH_RATE_LIMIT": "0"}) is None
True
"""

from __future__ import annotations

import collections
import os
import re
import threading
import time
from collections.abc import Callable, Mapping

from ..config import DEFAULT_RATE_LIMIT, ENV_RATE_LIMIT
from ..errors import ConfigurationError

__all__ = ["RateLimiter", "Stopped"]

_SPEC = re.compile(r"\s*(\d+)\s*/\s*(\d+(?:\.\d*)?|\.\d+)\s*s?\s*\Z")


class Stopped(Exception):
    """Raised in a thread whose request was waiting when the limiter was closed (Ctrl-C)."""


class RateLimiter:
    """At most ``budget`` requests in any ``window`` seconds (see the module doc).

    :meth:`acquire` blocks until a request may go out; :meth:`hold` makes every thread wait
    (a 429's ``Retry-After``); :meth:`close` wakes every waiting thread and refuses the rest
    (an interrupted history). ``sent`` counts the slots given, ``waited`` the seconds spent
    waiting for them (summed over threads), ``held`` the 429 pauses.
    """

    def __init__(
        self,
        budget: int = DEFAULT_RATE_LIMIT[0],
        window: float = DEFAULT_RATE_LIMIT[1],
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] | None = None,
    ) -> None:
        if not (isinstance(budget, int) and budget >= 1 and window > 0):
            raise ConfigurationError(
                f"a rate limit needs budget >= 1 and window > 0, got {budget!r}/{window!r}"
            )
        self.budget = budget
        self.window = float(window)
        self._span = self.window + min(max(self.window * 0.02, 0.05), 1.0)
        self._clock = clock
        self._closed = threading.Event()
        self._sleep = sleep if sleep is not None else self._closed.wait
        self._lock = threading.Lock()
        self._sent: collections.deque[float] = collections.deque()
        self._until = 0.0
        self.sent = 0
        self.waited = 0.0
        self.held = 0

    def __repr__(self) -> str:
        return f"RateLimiter(budget={self.budget}, window={self.window:g})"

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> RateLimiter | None:
        """The limiter ``$FLOWGRAPH_RATE_LIMIT`` asks for (``REQUESTS/SECONDS``; ``0``: None, no
        limit), else the API's 100 a minute. A bad value is a one-line ConfigurationError."""
        raw = env.get(ENV_RATE_LIMIT, "").strip()
        if not raw:
            return cls()
        if raw == "0":
            return None
        match = _SPEC.match(raw)
        if match is None or int(match[1]) < 1 or not float(match[2]) > 0:
            raise ConfigurationError(
                f"{ENV_RATE_LIMIT} must be REQUESTS/SECONDS such as 100/60 (0: no limit), "
                f"not {raw[:40]!r}"
            )
        return cls(int(match[1]), float(match[2]))

    def acquire(self, deadline_at: float | None = None) -> bool:
        """Wait for a slot and take it; False when the slot would come after ``deadline_at``
        (a ``clock()`` time) or the limiter was closed, and then no slot is taken."""
        while True:
            with self._lock:
                if self._closed.is_set():
                    return False
                now = self._clock()
                while self._sent and self._sent[0] <= now - self._span:
                    self._sent.popleft()
                wait = self._until - now
                if wait <= 0 and len(self._sent) < self.budget:
                    self._sent.append(now)
                    self.sent += 1
                    return True
                if wait <= 0:
                    wait = self._sent[0] + self._span - now
            if deadline_at is not None and now + wait > deadline_at:
                return False
            self._sleep(wait)
            with self._lock:
                self.waited += wait

    def hold(self, seconds: float) -> None:
        """No request goes out for ``seconds`` from now (the server's ``Retry-After``)."""
        with self._lock:
            self._until = max(self._until, self._clock() + seconds)
            self.held += 1

    def close(self) -> None:
        """Wake every waiting thread; from now on :meth:`acquire` gives nothing."""
        self._closed.set()

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._closed.is_set()
