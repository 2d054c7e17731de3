"""Every default and environment variable name flowgraph uses, in one place.

The API defaults and variable names mirror the official SDK's (``scenario_sdk/_constants.py``),
so one set of credentials serves both.

>>> DEFAULT_TIMEOUT, DEFAULT_DEADLINE, ENV_API_KEY, ENV_TIMEOUT
((5.0, 60.0), 300.0, 'SCENARIO_SDK_API_KEY', 'FLOWGRAPH_TIMEOUT')
"""

from __future__ import annotations

__all__ = [
    "CREDENTIALS_HINT",
    "DEFAULT_BASE_URL",
    "DEFAULT_BUNDLE_DEPTH",
    "DEFAULT_CACHE_MAX_MB",
    "DEFAULT_DEADLINE",
    "DEFAULT_FETCH_WORKERS",
    "DEFAULT_HISTORY_RETRIES",
    "DEFAULT_HISTORY_SINCE",
    "DEFAULT_HISTORY_WORKERS",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_PAGE_SIZE",
    "DEFAULT_POOL_SIZE",
    "DEFAULT_RATE_LIMIT",
    "DEFAULT_SHOW_HISTORY_RUNS",
    "DEFAULT_TIMEOUT",
    "DEFAULT_WATCH_INTERVAL",
    "ENV_API_KEY",
    "ENV_API_SECRET",
    "ENV_BASE_URL",
    "ENV_CACHE_DIR",
    "ENV_CACHE_MAX_MB",
    "ENV_JWT",
    "ENV_RATE_LIMIT",
    "ENV_TIMEOUT",
    "ERROR_BODY_LIMIT",
    "INITIAL_RETRY_DELAY",
    "MAX_JSON_DEPTH",
    "MAX_NESTING",
    "MAX_PAGES",
    "MAX_REDIRECTS",
    "MAX_RETRY_AFTER",
    "MAX_RETRY_DELAY",
]

# -- the Scenario API -----------------------------------------------------------------------------

#: The API root every request path is appended to, unless ``SCENARIO_BASE_URL`` says otherwise.
DEFAULT_BASE_URL = "https://api.cloud.scenario.com/v1"
#: Seconds to connect, and to wait for each read of the answer, per attempt.
DEFAULT_TIMEOUT = (5.0, 60.0)
#: Seconds one API call may take in all, unless ``FLOWGRAPH_TIMEOUT`` says otherwise: connecting,
#: the status line and headers, the body, redirects, every retry and the waits between them.
DEFAULT_DEADLINE = 300.0
#: Attempts after the first for 408, 409, 429, 5xx, dropped connections and timeouts.
DEFAULT_MAX_RETRIES = 2
#: The largest successful answer read, in bytes; a longer one is an error, not cut.
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
#: Bytes read of an error answer for its message; the rest is dropped.
ERROR_BODY_LIMIT = 64 * 1024
#: Pooled connections per host: the most requests one client runs at a time.
DEFAULT_POOL_SIZE = 16
#: Node jobs fetched at a time for a bundle (capped by the client's pool size).
DEFAULT_FETCH_WORKERS = 16
#: Levels of sub-workflows a bundle loads below the root job.
DEFAULT_BUNDLE_DEPTH = 3
#: Seconds between two polls of a watched job.
DEFAULT_WATCH_INTERVAL = 2.0
#: The first back-off before a retry, in seconds; it doubles each time.
INITIAL_RETRY_DELAY = 0.5
#: The longest back-off between two attempts, in seconds.
MAX_RETRY_DELAY = 8.0
#: The longest ``Retry-After`` obeyed, in seconds; a longer one falls back to the back-off.
MAX_RETRY_AFTER = 60.0
#: Same-origin redirects followed per attempt (redirects to another origin never are).
MAX_REDIRECTS = 3
#: The deepest nesting of lists and objects accepted in an answer.
MAX_JSON_DEPTH = 500
#: The deepest nesting of a branch value (lists and objects) and of ``inputs_array`` items.
MAX_NESTING = 32

# -- many runs of one workflow (``flowgraph history``) ---------------------------------------------

#: The API's budget per project: (requests, seconds). ``flowgraph history`` spends no more than
#: this (its client-side rate limiter), unless ``FLOWGRAPH_RATE_LIMIT`` says otherwise.
DEFAULT_RATE_LIMIT = (100, 60.0)
#: Jobs asked for per page of ``GET /jobs`` (the API's largest page).
DEFAULT_PAGE_SIZE = 100
#: Pages of ``GET /jobs`` read at most for one listing: a server that keeps handing out tokens
#: cannot keep flowgraph listing forever.
MAX_PAGES = 1000
#: Runs fetched at a time by ``flowgraph history`` (each with up to 4 node jobs at a time).
DEFAULT_HISTORY_WORKERS = 4
#: Attempts after the first for one request of ``flowgraph history``: a 429 is expected there.
DEFAULT_HISTORY_RETRIES = 6
#: The latest runs (with their node jobs) ``flowgraph show --history`` measures a run against.
DEFAULT_SHOW_HISTORY_RUNS = 100
#: How far back ``flowgraph history`` looks by default (what the API searches without a date).
DEFAULT_HISTORY_SINCE = "30d"

# -- the job cache --------------------------------------------------------------------------------

#: The job cache's size cap in megabytes (2**20 bytes), unless ``FLOWGRAPH_CACHE_MAX_MB`` says
#: otherwise; least recently used entries are removed past it.
DEFAULT_CACHE_MAX_MB = 512

# -- environment variables ------------------------------------------------------------------------

#: The API key: HTTP Basic together with :data:`ENV_API_SECRET` (preferred over a JWT).
ENV_API_KEY = "SCENARIO_SDK_API_KEY"
#: The API secret that goes with :data:`ENV_API_KEY`.
ENV_API_SECRET = "SCENARIO_SDK_API_SECRET"
#: A bearer token, used when no key and secret are set.
ENV_JWT = "SCENARIO_SDK_JWT"
#: Another API root than :data:`DEFAULT_BASE_URL` (a proxy, a test server).
ENV_BASE_URL = "SCENARIO_BASE_URL"
#: The folder of the job cache; the platform's cache folder when unset (``~/.cache/flowgraph``
#: on Linux: :func:`flowgraph.api.cache.default_cache_dir`).
ENV_CACHE_DIR = "FLOWGRAPH_CACHE_DIR"
#: The job cache's size cap in megabytes (:data:`DEFAULT_CACHE_MAX_MB` when unset; ``0``: no cache).
ENV_CACHE_MAX_MB = "FLOWGRAPH_CACHE_MAX_MB"
#: Seconds one API call may take in all (:data:`DEFAULT_DEADLINE` when unset; ``inf``: no limit).
ENV_TIMEOUT = "FLOWGRAPH_TIMEOUT"
#: ``flowgraph history``'s request budget as ``REQUESTS/SECONDS`` (``100/60`` when unset; ``0``:
#: no client-side limit): tests and a project with a raised limit set it.
ENV_RATE_LIMIT = "FLOWGRAPH_RATE_LIMIT"

#: The fix named by every credentials error.
CREDENTIALS_HINT = (
    f"set {ENV_API_KEY} and {ENV_API_SECRET} (HTTP Basic) or {ENV_JWT} (Bearer) "
    "to valid credentials"
)
