"""The network wall: jobs from the Scenario API as :class:`~flowgraph.model.Job` objects.

A run (optionally with every node's own job, for timings and cost), a workflow definition, a
live watch, and :func:`open_source`, which reads a command line's SOURCE from the API or from
:func:`flowgraph.sources.load`. The only package that imports ``requests`` and ``urllib3``:
:mod:`._http` holds the client, :mod:`.endpoints` the calls on plain dicts, :mod:`.cache` the
finished jobs on disk. ``requests`` loads on first use of :class:`Client`, so importing this
package costs no more than reading a file.

>>> is_job_id("job_1"), is_job_id("wflow_7"), is_job_id("run.json"), is_job_id("-")
(True, True, False, False)
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from ..config import DEFAULT_BUNDLE_DEPTH, DEFAULT_FETCH_WORKERS, DEFAULT_WATCH_INTERVAL
from ..errors import SourceError
from ..sources import job_from_data, load

if TYPE_CHECKING:
    from ..model import Job
    from ._http import Client
    from .cache import CacheInfo, JobCache, parse_age
    from .endpoints import Change, Progress

__all__ = [
    "CacheInfo",
    "Change",
    "Client",
    "JobCache",
    "fetch",
    "fetch_workflow",
    "is_job_id",
    "open_source",
    "parse_age",
    "require_job_id",
    "watch",
]

_JOB_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*\Z")
_WORKFLOW_PREFIX = "wflow_"


def __getattr__(name: str) -> Any:
    # imported on first use: a file, stdin or text source needs neither the HTTP client nor
    # the cache (~15 ms of imports, hashlib's among them, for every `flowgraph blocked run.json`)
    if name == "Client":
        from ._http import Client

        return Client
    if name in ("CacheInfo", "JobCache", "parse_age"):
        from . import cache

        return getattr(cache, name)
    if name == "Change":
        from .endpoints import Change

        return Change
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _own_client(options: dict[str, Any]) -> Client:
    from ._http import Client

    return Client(**{k: v for k, v in options.items() if v is not None})


def fetch(
    job_id: str,
    *,
    node_jobs: bool = False,
    client: Client | None = None,
    cache: JobCache | None = None,
    max_workers: int = DEFAULT_FETCH_WORKERS,
    progress: Progress | None = None,
    depth: int = DEFAULT_BUNDLE_DEPTH,
    **client_options: Any,
) -> Job:
    """``GET /jobs/{job_id}``, and with ``node_jobs=True`` every node's child job, as a Job.

    ``client_options`` go to :class:`Client` (``api_key``, ``api_secret``, ``jwt``,
    ``base_url``, ``project_id``, ``timeout``, ``deadline``...; None means the default) when no
    ``client`` is given; by default credentials come from the SDK's environment variables and
    the deadline of each request from ``FLOWGRAPH_TIMEOUT``. Node jobs that
    fail to load are listed in ``Job.not_loaded``; the graph still builds.
    ``Job.to_bundle()`` saves the result for offline use.
    """
    api = client if client is not None else _own_client(client_options)
    try:
        from .endpoints import get_bundle

        data = get_bundle(
            api,
            job_id,
            node_jobs=node_jobs,
            max_workers=max_workers,
            progress=progress,
            cache=cache,
            depth=depth,
        )
    finally:
        if client is None:
            api.close()
    return job_from_data(data)


def fetch_workflow(workflow_id: str, *, client: Client | None = None, **client_options: Any) -> Job:
    """``GET /workflows/{workflow_id}``: the definition as a Job with ``definition=True``."""
    api = client if client is not None else _own_client(client_options)
    try:
        from .endpoints import get_workflow

        data = get_workflow(api, workflow_id)
    finally:
        if client is None:
            api.close()
    return job_from_data(data)


def watch(
    job_id: str,
    *,
    client: Client | None = None,
    interval: float = DEFAULT_WATCH_INTERVAL,
    sleep: Callable[[float], object] = time.sleep,
    max_polls: int | None = None,
    **client_options: Any,
) -> Iterator[tuple[Job, list[Change]]]:
    """Poll a running job; yield ``(job, changes)`` until it ends (changes: node, old, new).

    ``client_options`` as for :func:`fetch`; ``deadline`` bounds each poll, not the watch.
    """
    api = client if client is not None else _own_client(client_options)
    try:
        from .endpoints import iter_job_updates

        updates = iter_job_updates(api, job_id, interval=interval, sleep=sleep, max_polls=max_polls)
        for data, changes in updates:
            yield job_from_data(data), changes
    finally:
        if client is None:
            api.close()


def _encodable_path(source: str) -> bool:
    try:
        os.fsencode(source)
    except UnicodeEncodeError:
        return False
    return True


def is_job_id(source: str) -> bool:
    """Whether a command line's SOURCE names a job (or a ``wflow_`` workflow) to fetch: letters,
    digits, ``_`` and ``-``, not an existing path, not ending in ``.json``.

    >>> is_job_id("job_abc-1"), is_job_id("a/b"), is_job_id("_x"), is_job_id("x.json")
    (True, False, False, False)
    """
    return (
        bool(_JOB_ID.match(source)) and not source.endswith(".json") and not os.path.exists(source)
    )


def require_job_id(source: str, command: str) -> None:
    """Raise :class:`~flowgraph.errors.SourceError` unless ``source`` is a job id
    (:func:`is_job_id`): ``watch`` and ``fetch`` talk to the API, and a file has nothing to
    poll or fetch.

    >>> require_job_id("examples/x.json", "watch")
    Traceback (most recent call last):
    ...
    flowgraph.errors.SourceError: flowgraph watch needs a job id, not a file: 'examples/x.json' is already saved (flowgraph show 'examples/x.json' reads it)
    """  # noqa: E501
    if not is_job_id(source):
        shown = repr(source[:80])
        raise SourceError(
            f"flowgraph {command} needs a job id, not a file: {shown} is already saved "
            f"(flowgraph show {shown} reads it)"
        )


def open_source(
    source: str,
    *,
    node_jobs: bool = False,
    cache: JobCache | bool | None = True,
    progress: Progress | None = None,
    **client_options: Any,
) -> Job:
    """The job a command line's SOURCE names: fetched when it is a job id (:func:`is_job_id`),
    else read by :func:`flowgraph.sources.load` (a path, ``-``, JSON text).

    A ``wflow_`` id is fetched with :func:`fetch_workflow`; any other id with :func:`fetch`,
    through ``cache`` (True: a :class:`JobCache` in the default folder; None or False: none).
    ``client_options`` go to :class:`Client` (or pass ``client=``).

    >>> open_source("examples/approval-parked.json").job_id
    'job_r3Vq8ApprovalParked'
    """
    if not is_job_id(source):
        if not _encodable_path(source):
            raise SourceError(
                f"{source[:80]!r}: not a job id, and not a path either: it is not valid "
                "Unicode text (a lone surrogate)"
            )
        return load(source)
    if source.startswith(_WORKFLOW_PREFIX):
        return fetch_workflow(source, **client_options)
    from .cache import JobCache

    store = JobCache() if cache is True else cache if isinstance(cache, JobCache) else None
    return fetch(source, node_jobs=node_jobs, cache=store, progress=progress, **client_options)
