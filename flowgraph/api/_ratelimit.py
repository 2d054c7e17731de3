"""A client-side rate limiter: at most ``budget`` requests in any ``window`` seconds, shared by
every thread of one :class:`~flowgraph.api.Client`, and a pause for all of them when the server
answers 429 with ``Retry-After``.

The Scenario API allows 100 requests a minute per project (``shared/reference/api.md``); a
history of hundreds of runs would hit that within seconds. A sliding-window log rather than a
token bucket: a bucket lets a full burst through at the start of each window, so two bursts can
land inside one server-side window. The log holds when each request *ended* (a request on the
wire counts until it ends): a request arrives at the server after it was sent and before its
answer came back, so a request sent ``window`` seconds after the end of the one ``budget``
places before it cannot share a server window with it, however the network and the server's
threads delay either (a log of send times is off by that delay, which a loaded machine makes
tens of milliseconds). It costs one round trip per window: nothing at 60 s windows.

>>> import time
>>> limiter = RateLimiter(2, 0.2)
>>> started = time.monotonic()
>>> for _ in range(3):
...     slot = limiter.acquire()
...     limiter.release(slot)
>>> time.monotonic() - started >= 0.2, limiter.sent
(True, 3)
>>> RateLimiter.from_env({"FLOWGRAPH_RATE_LIMIT": "40/2"})
RateLimiter(budget=40, window=2)
>>> RateLimiter.from_env({"FLOWGRAPH_RATE_LIMIT": "0"}) is None
True
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping

from ..config import DEFAULT_RATE_LIMIT, ENV_RATE_LIMIT
from ..errors import ApiTimeoutError, ConfigurationError

__all__ = ["RateLimiter", "Stopped", "pause", "rate_slot"]

_SPEC = re.compile(r"\s*(\d+)\s*/\s*(\d+(?:\.\d*)?|\.\d+)\s*s?\s*\Z")


class Stopped(Exception):
    """Raised in a thread whose request was waiting when the limiter was closed (Ctrl-C)."""


class _Slot:
    """One request's place in the log: ``end`` is None while it is on the wire."""

    __slots__ = ("end",)

    def __init__(self) -> None:
        self.end: float | None = None


class RateLimiter:
    """At most ``budget`` requests in any ``window`` seconds (see the module doc).

    :meth:`acquire` blocks until a request may go out and returns its slot, which
    :meth:`release` gives back when the request has ended (answered or failed); :meth:`hold`
    makes every thread wait (a 429's ``Retry-After``); :meth:`close` wakes every waiting thread
    and refuses the rest (an interrupted history). ``sent`` counts the slots given, ``waited``
    the seconds spent waiting for them (summed over threads), ``held`` the 429 pauses.
    """

    def __init__(
        self,
        budget: int = DEFAULT_RATE_LIMIT[0],
        window: float = DEFAULT_RATE_LIMIT[1],
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not (isinstance(budget, int) and budget >= 1 and window > 0):
            raise ConfigurationError(
                f"a rate limit needs budget >= 1 and window > 0, got {budget!r}/{window!r}"
            )
        self.budget = budget
        self.window = float(window)
        self._clock = clock
        self._closed = False
        self._changed = threading.Condition()
        self._slots: list[_Slot] = []
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

    def _wait(self, now: float) -> float | None:
        """Seconds until a slot may be free (None: until a request ends), 0 when one is."""
        self._slots = [s for s in self._slots if s.end is None or s.end > now - self.window]
        if self._until > now:
            return self._until - now
        if len(self._slots) < self.budget:
            return 0.0
        ended = [s.end for s in self._slots if s.end is not None]
        return min(ended) + self.window - now if ended else None

    def acquire(self, deadline_at: float | None = None) -> _Slot | None:
        """Wait for a slot and take it; None when it would come after ``deadline_at`` (a
        ``clock()`` time) or the limiter was closed, and then no slot is taken."""
        with self._changed:
            while True:
                if self._closed:
                    return None
                now = self._clock()
                wait = self._wait(now)
                if wait == 0.0:
                    slot = _Slot()
                    self._slots.append(slot)
                    self.sent += 1
                    return slot
                if deadline_at is not None:
                    if wait is not None and now + wait > deadline_at:
                        return None
                    left = deadline_at - now
                    wait = left if wait is None else min(wait, left)
                self._changed.wait(wait)
                self.waited += self._clock() - now

    def release(self, slot: _Slot | None) -> None:
        """The request of ``slot`` has ended: from now on it counts for ``window`` seconds."""
        if slot is None:
            return
        with self._changed:
            slot.end = self._clock()
            self._changed.notify_all()

    def hold(self, seconds: float) -> None:
        """No request goes out for ``seconds`` from now (the server's ``Retry-After``)."""
        with self._changed:
            self._until = max(self._until, self._clock() + seconds)
            self.held += 1

    def close(self) -> None:
        """Wake every waiting thread; from now on :meth:`acquire` gives nothing."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._closed


@contextlib.contextmanager
def rate_slot(limiter: RateLimiter | None, deadline_at: float | None, label: str) -> Iterator[None]:
    """One request's slot of ``limiter`` (none needed without one), given back when the block
    ends. :class:`Stopped` (naming ``label``) when the limiter was closed; a one-line
    :class:`~flowgraph.errors.ApiTimeoutError` when no slot comes before ``deadline_at``."""
    if limiter is None:
        yield
        return
    slot = limiter.acquire(deadline_at)
    if slot is None and limiter.closed:
        raise Stopped(label)  # the history this request belongs to was interrupted
    if slot is None:
        raise ApiTimeoutError(
            f"{label}: timed out: the deadline would pass before the rate limit "
            f"({limiter.budget} requests per {limiter.window:g} s) lets the request go; raise "
            "it with deadline= or FLOWGRAPH_TIMEOUT"
        )
    try:
        yield
    finally:
        limiter.release(slot)


def pause(
    limiter: RateLimiter | None, status: int | None, sleep: Callable[[float], object]
) -> Callable[[float], object]:
    """How a retry waits: after a 429 under a rate limit every thread is held (this one waits
    at its next slot); otherwise ``sleep`` (this thread only)."""
    return limiter.hold if limiter is not None and status == 429 else sleep
