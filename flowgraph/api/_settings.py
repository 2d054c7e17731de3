"""The client's settings, resolved once: argument, else environment variable, else default."""

from __future__ import annotations

import base64
import math
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..config import (
    CREDENTIALS_HINT,
    DEFAULT_BASE_URL,
    DEFAULT_DEADLINE,
    ENV_API_KEY,
    ENV_API_SECRET,
    ENV_BASE_URL,
    ENV_JWT,
    ENV_TIMEOUT,
)
from ..errors import ConfigurationError
from ._messages import clean, cut, redact, safe_url

if TYPE_CHECKING:
    from requests import PreparedRequest

__all__ = ["Auth", "Settings", "check_base_url", "resolve_deadline", "resolve_settings"]


class Auth:
    """Sets ``Authorization`` on every request (a ``requests`` auth callable); its repr never
    shows the credentials.

    >>> Auth("Bearer", "TOKEN", ("TOKEN",))
    <Bearer credentials ***>
    """

    def __init__(self, scheme: str, token: str, secrets: tuple[str, ...]) -> None:
        self.scheme = scheme
        self._value = f"{scheme} {token}"
        # as written, and percent-encoded the two ways a URL may carry them (a query, a path)
        encoded = [urllib.parse.quote(s, safe="") for s in secrets]
        encoded += [urllib.parse.quote_plus(s, safe="") for s in secrets]
        self._secrets = tuple(dict.fromkeys(s for s in (*secrets, *encoded) if s))

    def __call__(self, request: PreparedRequest) -> PreparedRequest:
        request.headers["Authorization"] = self._value
        return request

    def __repr__(self) -> str:
        return f"<{self.scheme} credentials ***>"

    def redact(self, text: str) -> str:
        """Mask these credentials in ``text`` (a server may echo them back), also where a URL
        carries them percent-encoded.

        >>> Auth("Bearer", "TOKEN", ("TOKEN",)).redact("bad token TOKEN")
        'bad token ***'
        >>> Auth("Basic", "x", ("s/e c",)).redact("?secret=s%2Fe+c or /s%2Fe%20c")
        '?secret=*** or /***'
        """
        return redact(text, self._secrets)


@dataclass(frozen=True, repr=False)
class Settings:
    """Where to send requests, with which credentials, for which project."""

    base_url: str
    auth: Auth
    project_id: str | None

    def __repr__(self) -> str:
        return f"Settings(base_url={self.base_url!r}, auth={self.auth!r})"


def _setting(value: str | None, env: Mapping[str, str], name: str) -> str | None:
    if value is None:
        value = env.get(name)
    return value if value else None


def resolve_settings(
    api_key: str | None,
    api_secret: str | None,
    jwt: str | None,
    base_url: str | None,
    project_id: str | None,
    env: Mapping[str, str],
) -> Settings:
    """Key + secret (HTTP Basic, preferred) or a JWT (Bearer), and the checked base URL.

    An empty string counts as unset. Raises :class:`~flowgraph.errors.ConfigurationError`
    naming the variables to set, never their values.

    >>> resolve_settings("KEY", "SECRET", None, None, "proj_1", {})
    Settings(base_url='https://api.cloud.scenario.com/v1', auth=<Basic credentials ***>)
    """
    key = _setting(api_key, env, ENV_API_KEY)
    secret = _setting(api_secret, env, ENV_API_SECRET)
    bearer = _setting(jwt, env, ENV_JWT)
    url = _setting(base_url, env, ENV_BASE_URL) or DEFAULT_BASE_URL
    _check_credentials(key, secret, bearer, bearer_used=not (key and secret))
    if key and secret:
        token = base64.b64encode(f"{key}:{secret}".encode()).decode("ascii")
        auth = Auth("Basic", token, (key, secret, token, bearer or ""))
    elif bearer:
        auth = Auth("Bearer", bearer, (bearer, key or "", secret or ""))
    elif key or secret:
        missing = ENV_API_SECRET if key else ENV_API_KEY
        raise ConfigurationError(
            f"incomplete credentials: {missing} is not set; {CREDENTIALS_HINT}"
        )
    else:
        raise ConfigurationError(f"no Scenario API credentials: {CREDENTIALS_HINT}")
    return Settings(check_base_url(url), auth, _check_project(project_id))


def _check_credentials(
    key: str | None, secret: str | None, bearer: str | None, *, bearer_used: bool
) -> None:
    """Refuse credentials that cannot be sent, before they are encoded (naming, never quoting)."""
    for name, part in ((ENV_API_KEY, key), (ENV_API_SECRET, secret), (ENV_JWT, bearer)):
        if not part:
            continue
        if any(ch in part for ch in "\r\n\x00"):
            raise ConfigurationError(f"{name}: credentials contain a line break or NUL character")
        # a header value is Latin-1 on the wire: Basic is base64 of UTF-8, a JWT must be ASCII
        if name == ENV_JWT and not bearer_used:
            continue
        if not _encodes(part, "ascii" if name == ENV_JWT else "utf-8"):
            raise ConfigurationError(
                f"{name}: credentials contain characters that cannot be sent "
                f"({'a JWT is ASCII' if name == ENV_JWT else 'not valid Unicode text'})"
            )


def _check_project(project_id: str | None) -> str | None:
    if project_id and not _encodes(project_id, "utf-8"):
        raise ConfigurationError(
            f"project id {cut(repr(project_id), 80)} is not valid Unicode text (a lone "
            "surrogate), so it cannot be sent"
        )
    return project_id or None


def _encodes(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def resolve_deadline(deadline: float | str | None, env: Mapping[str, str]) -> float | None:
    """Seconds one call may take in all: ``deadline``, else ``FLOWGRAPH_TIMEOUT``, else
    :data:`~flowgraph.config.DEFAULT_DEADLINE`; None for ``inf`` (no overall limit).

    A value that is no positive number of seconds is a
    :class:`~flowgraph.errors.ConfigurationError` naming where it came from.

    >>> resolve_deadline(None, {}), resolve_deadline(2, {"FLOWGRAPH_TIMEOUT": "9"})
    (300.0, 2.0)
    >>> resolve_deadline(None, {"FLOWGRAPH_TIMEOUT": " 7.5 "}), resolve_deadline("inf", {})
    (7.5, None)
    >>> resolve_deadline(None, {"FLOWGRAPH_TIMEOUT": "soon"})
    Traceback (most recent call last):
    ...
    flowgraph.errors.ConfigurationError: FLOWGRAPH_TIMEOUT must be a positive number of seconds ...
    """
    if deadline is not None:
        source, value = "deadline", deadline
    elif env.get(ENV_TIMEOUT, "").strip():
        source, value = ENV_TIMEOUT, env[ENV_TIMEOUT]
    else:
        return DEFAULT_DEADLINE
    seconds = None
    if isinstance(value, (int, float, str)) and not isinstance(value, bool):
        try:
            seconds = float(value)
        except ValueError:
            seconds = None
    if seconds is None or not seconds > 0:  # also refuses NaN
        shown = cut(clean(ascii(value) if isinstance(value, str) else repr(value)), 60)
        raise ConfigurationError(
            f"{source} must be a positive number of seconds (such as 30, or inf for no "
            f"limit), got {shown}"
        )
    return None if math.isinf(seconds) else seconds


def check_base_url(url: str) -> str:
    """``url`` as an API root without a trailing slash; it must be http(s), without
    credentials, query or fragment.

    >>> check_base_url(" https://api.example.com/v1/ ")
    'https://api.example.com/v1'
    """
    try:
        parts = urllib.parse.urlsplit(url.strip())
        port = parts.port  # ValueError for a port that is no number or out of range
        valid = parts.scheme in ("http", "https") and bool(parts.hostname) and port != 0
        valid = valid and _encodes(url, "utf-8")
    except ValueError:
        valid = False
    if not valid:
        raise ConfigurationError(
            f"{ENV_BASE_URL} / base_url must be an http(s) URL such as {DEFAULT_BASE_URL}, "
            f"got {safe_url(url)!r}"
        )
    if parts.username is not None or parts.password is not None:
        raise ConfigurationError(
            f"{ENV_BASE_URL} / base_url must not contain credentials (user:password@); "
            f"{CREDENTIALS_HINT}"
        )
    if parts.query or parts.fragment:
        raise ConfigurationError(f"{ENV_BASE_URL} / base_url must not have a query or fragment")
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))
