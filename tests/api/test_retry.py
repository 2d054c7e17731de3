"""flowgraph.api._retry: the retry policy as pure functions (the SDK's rule and back-off)."""

from __future__ import annotations

import pytest
import requests

from flowgraph import config
from flowgraph.api._retry import header, parse_retry_after, retry_delay, should_retry


@pytest.mark.parametrize(
    ("status", "headers", "expected"),
    [
        (408, {}, True),
        (409, {}, True),
        (429, {}, True),
        (500, {}, True),
        (599, {}, True),
        (400, {}, False),
        (401, {}, False),
        (404, {}, False),
        (422, {}, False),
        (404, {"X-Should-Retry": "true"}, True),
        (500, {"x-should-retry": "false"}, False),
    ],
)
def test_should_retry(status: int, headers: dict[str, str], expected: bool) -> None:
    assert should_retry(status, headers) is expected


def test_retry_delay_mirrors_the_sdk() -> None:
    assert [retry_delay(n, {}, lambda: 0.0) for n in range(6)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    assert retry_delay(0, {}, lambda: 1.0) == 0.375
    assert retry_delay(0, {"retry-after-ms": "60000"}) == 60.0
    assert retry_delay(0, {"retry-after-ms": "60001"}, lambda: 0.0) == 0.5
    assert retry_delay(0, {"retry-after-ms": "0", "Retry-After": "3"}, lambda: 0.0) == 0.5
    assert parse_retry_after({"Retry-After": "nan"}) is None
    assert config.DEFAULT_TIMEOUT == (5.0, 60.0) and config.DEFAULT_MAX_RETRIES == 2


def test_header_names_match_in_any_letter_case() -> None:
    assert header({"Retry-After": "3"}, "retry-after") == "3"
    assert (
        header(requests.structures.CaseInsensitiveDict({"retry-after": "3"}), "Retry-After") == "3"
    )
    assert header({"Location": "/x"}, "retry-after") is None
