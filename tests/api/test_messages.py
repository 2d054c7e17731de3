"""flowgraph.api._messages: error details from bodies, causes without URLs, masked secrets."""

from __future__ import annotations

import json

import pytest
import requests
import urllib3.exceptions
from apiserver import BASIC, JWT, KEY, SECRET, secret_leaks

from flowgraph.api._messages import (
    DETAIL_CHARS,
    clean,
    cut,
    detail,
    find_cause,
    reason,
    redact,
    safe_url,
)


def test_redact_masks_the_longest_form_first() -> None:
    text = f"{KEY}:{SECRET} then {BASIC} then {JWT}"
    masked = redact(text, (KEY, SECRET, f"{KEY}:{SECRET}", BASIC, JWT, ""))
    assert masked == "*** then *** then ***" and not secret_leaks(masked)


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        (b'{"message": "bad creds"}', "application/json", "bad creds"),
        (b'{"error": {"message": "nested"}}', "application/json", "nested"),
        (b'{"detail": "why"}', "", "why"),
        (b'{"other": 1}', "application/json", '{"other": 1}'),
        (b"", "text/plain", "no details"),
        (b"<!-- x --><script>alert(1)</script><p>Bad &amp; gone</p>", "", "Bad & gone"),
        (b"line\r\none\x00two", "text/plain", "line one two"),
    ],
)
def test_detail_finds_the_message(body: bytes, content_type: str, expected: str) -> None:
    assert detail(body, content_type) == expected


def test_detail_is_cut_and_masked() -> None:
    body = json.dumps({"message": f"{SECRET} " + "x" * 1000}).encode()
    said = detail(body, "application/json", lambda text: redact(text, (SECRET,)))
    assert said.startswith("*** x") and said.endswith("...") and len(said) == DETAIL_CHARS


def test_safe_url_drops_userinfo_and_query() -> None:
    url = f"https://{KEY}:{SECRET}@api.example.com/v1/jobs/j?token={JWT}#frag"
    assert safe_url(url) == "https://api.example.com/v1/jobs/j"
    assert safe_url("http://[::1/v1") == "<unparsable URL>"


def test_clean_and_cut() -> None:
    assert clean("\ta\n\n b\x1b[31m ") == "a b [31m"
    assert cut("abc", 3) == "abc" and cut("abcd", 3) == "..."


def test_reason_never_quotes_the_http_librarys_wrappers() -> None:
    refused = ConnectionRefusedError(111, "Connection refused")
    wrapper = requests.exceptions.ConnectionError(
        urllib3.exceptions.MaxRetryError(None, f"http://{KEY}:{SECRET}@h/x", refused)  # type: ignore[arg-type]
    )
    skip = (requests.RequestException,)
    assert find_cause(wrapper, OSError, skip) is refused
    assert reason(wrapper, skip) == "Connection refused"
    assert find_cause(wrapper, OSError) is wrapper  # what skip is for: it would quote the URL


def test_reason_of_an_incomplete_read() -> None:
    exc = urllib3.exceptions.ProtocolError("broken", urllib3.exceptions.IncompleteRead(10, 5))
    assert reason(exc) == "connection closed early (10 bytes read, 5 more expected)"
