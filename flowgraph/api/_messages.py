"""Error text for people: short details from error bodies, causes without URLs, no secrets."""

from __future__ import annotations

import html
import json
import re
import urllib.parse
from collections.abc import Callable, Iterable
from typing import Any

from ..decode import JsonError, decode_object

__all__ = [
    "DETAIL_CHARS",
    "SNIPPET_CHARS",
    "clean",
    "cut",
    "detail",
    "find_cause",
    "origin",
    "printable",
    "reason",
    "redact",
    "safe_url",
    "without_userinfo",
]

#: The longest detail taken from an error body, in characters.
DETAIL_CHARS = 300
#: The longest piece of a body that is not JSON quoted in a decode error, in characters.
SNIPPET_CHARS = 120

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")
_SPACES = re.compile(r"\s+")
_HIDDEN_HTML = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")

Skip = tuple[type[BaseException], ...]


def clean(text: str) -> str:
    """One line: control characters and runs of white space become one space.

    >>> clean(" a\\r\\n\\tb\\x00c ")
    'a b c'
    """
    return _SPACES.sub(" ", _CONTROL.sub(" ", text)).strip()


def cut(text: str, limit: int = DETAIL_CHARS) -> str:
    """``text``, ending in ``...`` within ``limit`` characters when longer.

    >>> cut("abcdefghij", 8)
    'abcde...'
    """
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every one of ``secrets`` masked as ``***``, the longest first.

    >>> redact("key K, secret SECRET, both K:SECRET", ["K", "SECRET", "K:SECRET"])
    'key ***, secret ***, both ***'
    """
    for secret in sorted(secrets, key=len, reverse=True):
        if secret:
            text = text.replace(secret, "***")
    return text


def detail(body: bytes, content_type: str, mask: Callable[[str], str] = str) -> str:
    """A short human message from an error body: JSON ``message``/``error``, or stripped HTML.

    ``mask`` removes the client's credentials from what the server echoed.

    >>> detail(b'{"message": "bad creds"}', "application/json")
    'bad creds'
    >>> detail(b"<html><title>Bad</title><body><h1>502</h1> Gateway</body></html>", "text/html")
    'Bad 502 Gateway'
    """
    message: Any = None
    try:
        data = decode_object(body)
    except JsonError:
        data = None
    if data is not None:
        message = data.get("message") or data.get("error") or data.get("detail")
        if isinstance(message, dict):
            message = message.get("message") or json.dumps(message)[:DETAIL_CHARS]
    if message is not None:
        return cut(mask(clean(str(message)))) or "no details"
    text = body.decode("utf-8", "replace")
    if "html" in content_type.lower() or text.lstrip()[:1] == "<":
        text = _COMMENT.sub(" ", _HIDDEN_HTML.sub(" ", text))
        text = html.unescape(_TAG.sub(" ", text))
    return cut(mask(clean(text))) or "no details"


def safe_url(url: str) -> str:
    """The URL without userinfo and query: what may appear in messages and logs.

    >>> safe_url("https://user:pw@api.example.com/v1/jobs/j?token=t")
    'https://api.example.com/v1/jobs/j'
    """
    try:
        parts = urllib.parse.urlsplit(url)
        netloc = parts.netloc.rpartition("@")[2]
        return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, "", ""))
    except ValueError:
        return "<unparsable URL>"


def without_userinfo(url: str) -> str:
    """``url`` without ``user:password@`` (the client sends its own credentials, in a header).

    >>> without_userinfo("http://KEY:SECRET@127.0.0.1:8/v1/x?a=1")
    'http://127.0.0.1:8/v1/x?a=1'
    """
    parts = urllib.parse.urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urllib.parse.urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def printable(text: str) -> str:
    """``text`` with what cannot be encoded as UTF-8 (lone surrogates) as escapes.

    >>> printable("job_\\ud800") == "job_\\\\ud800"
    True
    """
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def origin(url: str) -> tuple[str, str, int | None]:
    """Scheme, lower-case host and port (the scheme's default when none is given).

    >>> origin("https://API.example.com/v1"), origin("http://127.0.0.1:8080/")
    (('https', 'api.example.com', 443), ('http', '127.0.0.1', 8080))
    """
    parts = urllib.parse.urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), parts.port or default


def find_cause(
    exc: BaseException, kind: type[BaseException], skip: Skip = ()
) -> BaseException | None:
    """The first exception of ``kind`` in ``exc``'s chain, args and ``reason``, never one of
    ``skip`` (the HTTP library's own wrappers, which carry the request and its headers).

    >>> find_cause(ValueError(OSError(2, "No such file")), OSError)
    FileNotFoundError(2, 'No such file')
    """
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, kind) and not isinstance(item, skip):
            return item
        stack.extend(x for x in (item.__cause__, item.__context__) if x is not None)
        stack.extend(x for x in item.args if isinstance(x, BaseException))
        cause = getattr(item, "reason", None)
        if isinstance(cause, BaseException):
            stack.append(cause)
    return None


def reason(exc: BaseException, skip: Skip = ()) -> str:
    """A short cause (``Connection refused``) without URLs, headers or object reprs.

    ``skip`` as for :func:`find_cause`.

    >>> reason(ConnectionRefusedError(111, "Connection refused"))
    'Connection refused'
    """
    import ssl  # here: a file source never needs ssl or urllib3 (~20 ms at start)

    import urllib3.exceptions

    cert = find_cause(exc, ssl.SSLCertVerificationError, skip)
    if isinstance(cert, ssl.SSLCertVerificationError):
        return f"certificate verify failed: {cert.verify_message or cert.reason}"
    incomplete = find_cause(exc, urllib3.exceptions.IncompleteRead, skip)
    if isinstance(incomplete, urllib3.exceptions.IncompleteRead):
        return (
            f"connection closed early ({incomplete.partial} bytes read, "
            f"{incomplete.expected} more expected)"
        )
    os_error = find_cause(exc, OSError, skip)
    if isinstance(os_error, ssl.SSLError):
        return f"TLS error: {os_error.reason or type(os_error).__name__}"
    if isinstance(os_error, OSError) and os_error.strerror:
        return os_error.strerror
    if isinstance(os_error, OSError) and os_error.args:
        return cut(clean(str(os_error)), 120)
    for kind, text in (
        (urllib3.exceptions.ReadTimeoutError, "read timed out"),
        (urllib3.exceptions.ConnectTimeoutError, "connect timed out"),
        (urllib3.exceptions.NameResolutionError, "name not resolved"),
        (urllib3.exceptions.ProtocolError, "connection aborted"),
    ):
        if find_cause(exc, kind, skip) is not None:
            return text
    return type(os_error or exc).__name__
