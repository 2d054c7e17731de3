"""The client's settings, resolved once: argument, else environment variable, else default."""

from __future__ import annotations

import base64
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..config import (
    CREDENTIALS_HINT,
    DEFAULT_BASE_URL,
    ENV_API_KEY,
    ENV_API_SECRET,
    ENV_BASE_URL,
    ENV_JWT,
)
from ..errors import ConfigurationError
from ._messages import redact, safe_url

if TYPE_CHECKING:
    from requests import PreparedRequest

__all__ = ["Auth", "Settings", "check_base_url", "resolve_settings"]


class Auth:
    """Sets ``Authorization`` on every request (a ``requests`` auth callable); its repr never
    shows the credentials.

    >>> Auth("Bearer", "TOKEN", ("TOKEN",))
    <Bearer credentials ***>
    """

    def __init__(self, scheme: str, token: str, secrets: tuple[str, ...]) -> None:
        self.scheme = scheme
        self._value = f"{scheme} {token}"
        self._secrets = secrets

    def __call__(self, request: PreparedRequest) -> PreparedRequest:
        request.headers["Authorization"] = self._value
        return request

    def __repr__(self) -> str:
        return f"<{self.scheme} credentials ***>"

    def redact(self, text: str) -> str:
        """Mask these credentials in ``text`` (a server may echo them back).

        >>> Auth("Bearer", "TOKEN", ("TOKEN",)).redact("bad token TOKEN")
        'bad token ***'
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
    for part in (key, secret, bearer):
        if part and any(ch in part for ch in "\r\n\x00"):
            raise ConfigurationError("credentials contain a line break or NUL character")
    return Settings(check_base_url(url), auth, project_id or None)


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
