"""Many runs of one workflow: list them (``GET /jobs?workflowId=``), then fetch each run, with
its node jobs when asked, through the cache and under the client's rate limiter.

Finished runs and node jobs come from the :class:`~flowgraph.api.cache.JobCache` when it holds
them, so a second history costs the listing's pages and the runs still going. An interrupted
fetch (Ctrl-C) stops sending, lets the requests already on the wire finish (they land in the
cache) and raises :class:`KeyboardInterrupt`: the next call fetches only what is missing.

Which listed items are runs: workflow jobs (``jobType: workflow``, or no type but a flow) that
are not some other run's child (``metadata.workflowJobId``). Whether the listing also returns a
run's node jobs is not documented; they are dropped either way.
"""

from __future__ import annotations

import concurrent.futures
import logging
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..config import DEFAULT_HISTORY_WORKERS
from ..errors import ConfigurationError, FlowgraphError
from .cache import is_finished
from .endpoints import _one_line, get_bundle, list_jobs, node_job_ids

if TYPE_CHECKING:
    from ._http import Client
    from .cache import JobCache

__all__ = ["RunsFetch", "fetch_runs", "is_run", "iso_time"]

log = logging.getLogger(__name__)

#: ``progress(done, total)`` after each run fetched (``total`` is known once listed).
RunProgress = Callable[[int, int], object]
_NODE_WORKERS = 4


def iso_time(epoch: float) -> str:
    """An API time (UTC, milliseconds, ``Z``) for seconds since the epoch.

    >>> iso_time(0), iso_time(1700000000.25)
    ('1970-01-01T00:00:00.000Z', '2023-11-14T22:13:20.250Z')
    """
    whole = int(epoch)
    millis = round((epoch - whole) * 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)) + f".{millis:03d}Z"


def is_run(item: Any) -> bool:
    """Whether a listed job is a workflow run of its own (see the module doc).

    >>> is_run({"jobId": "a", "jobType": "workflow"}), is_run({"jobId": "b", "jobType": "flux"})
    (True, False)
    >>> is_run({"jobId": "c", "jobType": "workflow", "metadata": {"workflowJobId": "job_x"}})
    False
    >>> is_run({"jobId": "d", "metadata": {"flow": []}}), is_run({"jobId": ""})
    (True, False)
    """
    if not isinstance(item, dict) or not isinstance(item.get("jobId"), str) or not item["jobId"]:
        return False
    metadata = item.get("metadata")
    metadata = metadata if isinstance(metadata, dict) else {}
    if metadata.get("workflowJobId"):
        return False
    kind = item.get("jobType")
    return kind == "workflow" or (kind is None and isinstance(metadata.get("flow"), list))


@dataclass
class RunsFetch:
    """What :func:`fetch_runs` did: the ``bundles`` (``{"job", "nodeJobs", "notLoaded"}``, oldest
    first), ``failed`` (run id -> why it could not be fetched), the listing's ``pages`` (of them
    ``empty_pages``), the runs ``listed`` (after filtering), how many came ``from_cache`` and how
    many were ``fetched``, and the ``seconds`` it took."""

    workflow_id: str
    bundles: list[dict[str, Any]] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    pages: int = 0
    empty_pages: int = 0
    listed: int = 0
    from_cache: int = 0
    fetched: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """The ``fetch`` part of ``flowgraph history --json``."""
        return {
            "pages": self.pages,
            "empty_pages": self.empty_pages,
            "listed": self.listed,
            "from_cache": self.from_cache,
            "fetched": self.fetched,
            "failed": dict(self.failed),
            "seconds": round(self.seconds, 3),
        }


def _created(item: dict[str, Any]) -> str:
    value = item.get("createdAt")
    return value if isinstance(value, str) else ""


def _listed(
    client: Client,
    workflow_id: str,
    result: RunsFetch,
    *,
    since: float | None,
    limit: int | None,
    statuses: Collection[str] | None,
    now: float,
) -> list[dict[str, Any]]:
    cutoff = None if since is None else iso_time(now - since)
    wanted = set(statuses) if statuses else None
    one = next(iter(wanted)) if wanted is not None and len(wanted) == 1 else None
    found: dict[str, dict[str, Any]] = {}
    for page in list_jobs(client, workflow_id, updated_after=cutoff, status=one):
        result.pages += 1
        result.empty_pages += not page
        for item in page:
            if not is_run(item) or item["jobId"] in found:
                continue
            created = _created(item)
            if cutoff is not None and created and created < cutoff:
                continue  # updated since, created before: not in the window
            if wanted is not None and item.get("status") not in wanted:
                continue
            found[item["jobId"]] = item
        if limit is not None and len(found) >= limit:
            break  # the API lists newest first: the first ``limit`` are the latest
    items = list(found.values())[:limit] if limit is not None else list(found.values())
    return sorted(items, key=lambda item: (_created(item), item["jobId"]))


def fetch_runs(
    client: Client,
    workflow_id: str,
    *,
    since: float | None = None,
    limit: int | None = None,
    statuses: Collection[str] | None = None,
    node_jobs: bool = False,
    cache: JobCache | None = None,
    workers: int = DEFAULT_HISTORY_WORKERS,
    progress: RunProgress | None = None,
    now: Callable[[], float] = time.time,
) -> RunsFetch:
    """List the runs of ``workflow_id`` and fetch each (see the module doc).

    ``since``: seconds back from now (sent as ``updatedAfter``; runs created earlier are
    dropped); ``limit``: the latest N runs; ``statuses``: only runs in these job statuses. At most
    ``workers`` runs load at a time (each with up to 4 node jobs at a time), every request
    through the client's rate limiter. A run that cannot be fetched is named in ``failed``; the
    others go on.
    """
    if workers < 1 or (limit is not None and limit < 1) or (since is not None and since < 0):
        raise ConfigurationError("workers and limit must be >= 1 and since >= 0")
    started = time.monotonic()
    result = RunsFetch(workflow_id)
    items = _listed(
        client, workflow_id, result, since=since, limit=limit, statuses=statuses, now=now()
    )
    result.listed = len(items)
    bundles: dict[str, dict[str, Any]] = {}
    todo: list[str] = []
    for item in items:
        hit = _from_cache(cache, item["jobId"], node_jobs) if cache is not None else None
        if hit is not None:
            bundles[item["jobId"]] = hit
            result.from_cache += 1
        else:
            todo.append(item["jobId"])
    done = len(bundles)
    if progress is not None:
        progress(done, len(items))
    pool = concurrent.futures.ThreadPoolExecutor(min(workers, len(todo) or 1), "flowgraph-runs")
    running: dict[concurrent.futures.Future[tuple[dict[str, Any], bool]], str] = {}
    try:
        for job_id in todo:
            future = pool.submit(
                _load, client, job_id, node_jobs=node_jobs, cache=cache, workers=_NODE_WORKERS
            )
            running[future] = job_id
        for future in concurrent.futures.as_completed(running):
            job_id = running[future]
            try:
                bundle, cached = future.result()
            except FlowgraphError as exc:  # one run's failure is reported, the others go on
                result.failed[job_id] = _one_line(exc)
            else:
                bundles[job_id] = bundle
                result.from_cache += cached
                result.fetched += not cached
            done += 1
            if progress is not None:
                progress(done, len(items))
    except BaseException:
        if client.rate_limit is not None:
            client.rate_limit.close()  # nothing more goes out; what is on the wire finishes
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown()
    result.bundles = [bundles[i["jobId"]] for i in items if i["jobId"] in bundles]
    result.seconds = time.monotonic() - started
    return result


def _from_cache(cache: JobCache, job_id: str, node_jobs: bool) -> dict[str, Any] | None:
    """A run's bundle when the cache holds all of it (the run, and with ``node_jobs`` every
    node job; a sub-workflow node sends it through :func:`get_bundle`), else None: read here,
    without a thread, since most of a second history is this."""
    job = cache.get(job_id)
    if job is None:
        return None
    children: dict[str, Any] = {}
    for child_id, workflow_node in node_job_ids(job).items() if node_jobs else ():
        child = None if workflow_node else cache.get(child_id)
        if child is None:
            return None
        children[child_id] = child
    return {"job": job, "nodeJobs": children, "notLoaded": {}}


def _load(
    client: Client, job_id: str, *, node_jobs: bool, cache: JobCache | None, workers: int
) -> tuple[dict[str, Any], bool]:
    """One run's bundle, and whether its root job came from the cache."""
    cached = cache is not None and cache.get(job_id) is not None
    bundle = get_bundle(client, job_id, node_jobs=node_jobs, max_workers=workers, cache=cache)
    if not is_finished(bundle["job"]):
        log.debug("run %s is still going: not cached", job_id)
    return bundle, cached
