"""The retry policy as small pure functions: which answers to retry, and how long to wait."""

from __future__ import annotations

import email.utils
import math
import random
import time
from collections.abc import Callable, Mapping

from ..config import INITIAL_RETRY_DELAY, MAX_RETRY_AFTER, MAX_RETRY_DELAY

__all__ = ["header", "parse_retry_after", "retry_delay", "should_retry"]


def header(headers: Mapping[str, str], name: str) -> str | None:
    """The value of header ``name`` in any letter case, or None.

    >>> header({"Retry-After": "3"}, "retry-after"), header({}, "retry-after")
    ('3', None)
    """
    value = headers.get(name)
    if value is not None:
        return value
    lowered = name.lower()
    for key, item in headers.items():
        if key.lower() == lowered:
            return item
    return None


def should_retry(status: int, headers: Mapping[str, str]) -> bool:
    """Whether an answer with this status is worth another attempt (the SDK's rule).

    ``x-should-retry: true|false`` wins; else 408, 409, 429 and 5xx are retried.

    >>> should_retry(429, {}), should_retry(404, {}), should_retry(503, {"x-should-retry": "false"})
    (True, False, False)
    """
    flag = header(headers, "x-should-retry")
    if flag == "true":
        return True
    if flag == "false":
        return False
    return status in (408, 409, 429) or status >= 500


def parse_retry_after(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds the server asks us to wait (``retry-after-ms``, then ``Retry-After``), or None.

    >>> parse_retry_after({"retry-after-ms": "200"}), parse_retry_after({"Retry-After": "3"})
    (0.2, 3.0)
    >>> parse_retry_after({"Retry-After": "Thu, 01 Jan 1970 00:00:10 GMT"}, now=4.0)
    6.0
    >>> parse_retry_after({"Retry-After": "soon"}) is None
    True
    """
    millis = header(headers, "retry-after-ms")
    if millis is not None:
        try:
            value = float(millis) / 1000
        except ValueError:
            pass  # not a number: Retry-After decides
        else:
            return value if math.isfinite(value) else None
    retry_after = header(headers, "retry-after")
    if retry_after is None:
        return None
    try:
        value = float(retry_after)
    except ValueError:
        pass  # not a number: maybe an HTTP date
    else:
        return value if math.isfinite(value) else None
    parsed = email.utils.parsedate_tz(retry_after)
    if parsed is None:
        return None
    return float(email.utils.mktime_tz(parsed)) - (time.time() if now is None else now)


def retry_delay(
    retries_done: int,
    headers: Mapping[str, str] | None = None,
    rand: Callable[[], float] = random.random,
) -> float:
    """Seconds to wait before retry number ``retries_done + 1``.

    The server's ``Retry-After`` when ``0 < v <= 60``, else ``min(0.5 * 2**n, 8)`` minus up to
    25 % jitter.

    >>> retry_delay(0, {"Retry-After": "1"}), retry_delay(0, {"Retry-After": "120"}, lambda: 0.0)
    (1.0, 0.5)
    >>> retry_delay(1, None, lambda: 1.0), retry_delay(10, None, lambda: 0.0)
    (0.75, 8.0)
    """
    wanted = parse_retry_after(headers) if headers is not None else None
    if wanted is not None and 0 < wanted <= MAX_RETRY_AFTER:
        return wanted
    base = min(INITIAL_RETRY_DELAY * 2.0 ** min(retries_done, 1000), MAX_RETRY_DELAY)
    return max(base * (1 - 0.25 * rand()), 0.0)
