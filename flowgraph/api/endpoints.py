"""The Scenario API's endpoints on plain dicts: jobs, definitions, bundles, and watching a job.

A bundle is a job with its flow's node jobs, sub-workflows nested as bundles of their own.
"""

from __future__ import annotations

import concurrent.futures
import logging
import time
import urllib.parse
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from ..config import (
    DEFAULT_BUNDLE_DEPTH,
    DEFAULT_FETCH_WORKERS,
    DEFAULT_PAGE_SIZE,
    DEFAULT_WATCH_INTERVAL,
    MAX_PAGES,
)
from ..errors import ConfigurationError, FlowgraphError, PayloadError
from ._messages import clean, cut, printable
from .cache import JobCache, is_finished

if TYPE_CHECKING:
    from ._http import Client

__all__ = [
    "Change",
    "Progress",
    "get_bundle",
    "get_job",
    "get_workflow",
    "iter_job_updates",
    "list_jobs",
    "node_job_ids",
]

log = logging.getLogger(__name__)

#: ``progress(done, total)``, called after each node job of a bundle.
Progress = Callable[[int, int], object]
#: One node's status change while watching: ``(node_id, old_status, new_status)``.
Change = tuple[str, str | None, str | None]


def _flow(job: Any) -> list[Any] | None:
    metadata = job.get("metadata") if isinstance(job, dict) else None
    flow = metadata.get("flow") if isinstance(metadata, dict) else None
    return flow if isinstance(flow, list) else None


def node_job_ids(job: Any) -> dict[str, bool]:
    """The child job ids of a workflow job's flow, in flow order, each once.

    The value says whether a node of type ``workflow`` points at it (a possible sub-workflow).
    Missing or null ``metadata``/``flow``, non-dict nodes and missing ids are skipped.

    >>> node_job_ids({"metadata": {"flow": [{"jobId": "a", "type": "model"}, 3, {"id": "x"},
    ...     {"jobId": "b", "type": "workflow"}, {"jobId": "a"}]}})
    {'a': False, 'b': True}
    >>> node_job_ids({"metadata": None})
    {}
    """
    ids: dict[str, bool] = {}
    for node in _flow(job) or ():
        if not isinstance(node, dict):
            continue
        child = node.get("jobId")
        if isinstance(child, str) and child:
            ids[child] = ids.get(child, False) or node.get("type") == "workflow"
    return ids


def _check_id(value: object, what: str) -> str:
    """``value`` if it can name a resource in a URL path, else a one-line ConfigurationError,
    raised before any request.

    >>> _check_id("job_\\ud800", "job id")
    Traceback (most recent call last):
    ...
    flowgraph.errors.ConfigurationError: job id 'job_\\ud800' is not valid Unicode text (a lone ...
    """
    if not isinstance(value, str) or not value.strip():
        simple = value is None or isinstance(value, (str, bytes, int, float))
        got = cut(repr(value), 80) if simple else f"a {type(value).__name__}"
        raise ConfigurationError(f"{what} must be a non-empty string, got {got}")
    if value in (".", ".."):
        # requests un-escapes %2E, and a dot segment would climb the URL path
        raise ConfigurationError(f"{what} {value!r} is not a valid id")
    if printable(value) != value:
        raise ConfigurationError(
            f"{what} {cut(repr(value), 80)} is not valid Unicode text (a lone surrogate), "
            "so it cannot be sent"
        )
    return value


def _segment(value: str) -> str:
    """One URL path segment: ``/``, ``?``, ``#`` and the rest percent-encoded.

    >>> _segment("a/b"), _segment("../x"), _segment("job_1")
    ('a%2Fb', '..%2Fx', 'job_1')
    """
    return urllib.parse.quote(value, safe="")


def get_job(client: Client, job_id: str) -> dict[str, Any]:
    """``GET /jobs/{job_id}`` and return its ``job`` object.

    Raises :class:`~flowgraph.errors.PayloadError` naming ``job`` or ``job.jobId`` when the
    answer lacks them, and the client's :class:`~flowgraph.errors.ApiError` subclasses.
    """
    _check_id(job_id, "job id")
    data = client.get_json(f"/jobs/{_segment(job_id)}", what=f"job {job_id!r}")
    job = data.get("job")
    if not isinstance(job, dict):
        got = "missing" if job is None else f"a {type(job).__name__}"
        raise PayloadError("job", f"the answer for job {job_id!r} has no job object ({got})")
    if not isinstance(job.get("jobId"), str) or not job["jobId"]:
        raise PayloadError("job.jobId", f"the answer for job {job_id!r} has no job id")
    return job


def get_workflow(client: Client, workflow_id: str) -> dict[str, Any]:
    """``GET /workflows/{workflow_id}``: the envelope ``{"workflow": {...}}`` as received."""
    _check_id(workflow_id, "workflow id")
    data = client.get_json(f"/workflows/{_segment(workflow_id)}", what=f"workflow {workflow_id!r}")
    if not isinstance(data.get("workflow"), dict):
        raise PayloadError(
            "workflow", f"the answer for workflow {workflow_id!r} has no workflow object"
        )
    return data


def list_jobs(
    client: Client,
    workflow_id: str,
    *,
    updated_after: str | None = None,
    status: str | None = None,
    page_size: int = DEFAULT_PAGE_SIZE,
    max_pages: int = MAX_PAGES,
) -> Iterator[list[dict[str, Any]]]:
    """``GET /jobs?workflowId=``, one page (its list of job dicts) at a time, following
    ``nextPaginationToken`` until the API gives none.

    A page can be empty while a token is still given: the listing goes on. ``updated_after``
    (an ISO time) is the only date filter the API combines with ``workflowId`` (``createdAfter``
    is not). A token seen before, an answer without a ``jobs`` list, or more than ``max_pages``
    pages is a :class:`~flowgraph.errors.PayloadError`, never an endless listing. Items that are
    not objects are dropped; which items are runs is the caller's choice (the API may list a
    run's node jobs too: they carry ``workflowId`` as well).
    """
    _check_id(workflow_id, "workflow id")
    if not 1 <= page_size <= DEFAULT_PAGE_SIZE or max_pages < 1:
        raise ConfigurationError(f"page_size must be 1..{DEFAULT_PAGE_SIZE} and max_pages >= 1")
    params = {"workflowId": workflow_id, "pageSize": str(page_size)}
    if updated_after is not None:
        params["updatedAfter"] = updated_after
    if status is not None:
        params["status"] = status
    seen: set[str] = set()
    for page in range(1, max_pages + 1):
        what = f"jobs of workflow {workflow_id!r} (page {page})"
        data = client.get_json("/jobs", params, what=what)
        jobs = data.get("jobs")
        if not isinstance(jobs, list):
            raise PayloadError("jobs", f"the answer for {what} has no jobs list")
        yield [item for item in jobs if isinstance(item, dict)]
        token = data.get("nextPaginationToken")
        if not isinstance(token, str) or not token:
            return
        if token in seen:
            raise PayloadError(
                "nextPaginationToken",
                f"the answer for {what} repeats a pagination token: the listing would not end",
            )
        seen.add(token)
        params["paginationToken"] = token
    raise PayloadError(
        "nextPaginationToken", f"jobs of workflow {workflow_id!r}: more than {max_pages} pages"
    )


def _cached_job(client: Client, job_id: str, cache: JobCache | None) -> dict[str, Any]:
    if cache is not None:
        hit = cache.get(job_id)
        if hit is not None:
            log.debug("job %s from the cache", job_id)
            return hit
    job = get_job(client, job_id)
    if cache is not None:
        cache.put(job_id, job)
    return job


def _one_line(exc: BaseException) -> str:
    return cut(clean(str(exc)), 500) or type(exc).__name__


def _new_bundle(job: dict[str, Any]) -> dict[str, Any]:
    return {"job": job, "nodeJobs": {}, "notLoaded": {}}


def get_bundle(
    client: Client,
    job_id: str,
    *,
    node_jobs: bool = True,
    max_workers: int = DEFAULT_FETCH_WORKERS,
    progress: Progress | None = None,
    cache: JobCache | None = None,
    depth: int = DEFAULT_BUNDLE_DEPTH,
) -> dict[str, Any]:
    """A job with its flow's child jobs: ``{"job", "nodeJobs", "notLoaded"}``.

    ``nodeJobs`` maps each child job id to its job, or, for a ``workflow`` node whose child is
    a workflow job with a flow, to a nested bundle of the same shape (``depth`` levels at most;
    deeper children and ids already on the chain go to that bundle's ``notLoaded`` with the
    reason). Children load concurrently, each id once, at most ``max_workers`` (capped at the
    client's pool size) at a time; a failing child is recorded in ``notLoaded`` and the rest go
    on. ``progress(done, total)`` is called after each child; ``total`` grows as sub-workflows
    are found. Errors fetching the root job itself are raised.
    """
    _check_id(job_id, "job id")
    if max_workers < 1 or depth < 0:
        raise ConfigurationError("max_workers must be >= 1 and depth >= 0")
    root = _new_bundle(_cached_job(client, job_id, cache))
    if node_jobs:
        _BundleLoader(client, cache, max_workers, progress, depth).run(root, job_id)
    return root


class _BundleLoader:
    """Loads the child jobs of a bundle tree with one bounded thread pool, breadth first."""

    def __init__(
        self,
        client: Client,
        cache: JobCache | None,
        max_workers: int,
        progress: Progress | None,
        depth: int,
    ) -> None:
        self.client = client
        self.cache = cache
        self.workers = max(1, min(max_workers, client.pool_size))
        self.progress = progress
        self.depth = depth
        self.results: dict[str, dict[str, Any] | str] = {}
        # job id -> the places waiting for it: (bundle, chain of bundle job ids, level, workflow?)
        self.waiting: dict[str, list[tuple[dict[str, Any], tuple[str, ...], int, bool]]] = {}
        self.running: dict[concurrent.futures.Future[dict[str, Any]], str] = {}
        self.done = 0
        self.total = 0

    def run(self, root: dict[str, Any], root_id: str) -> None:
        pool = concurrent.futures.ThreadPoolExecutor(self.workers, "flowgraph-fetch")
        try:
            self._expand(pool, root, (root_id, str(root["job"].get("jobId") or root_id)), 0)
            while self.running:
                finished, _ = concurrent.futures.wait(
                    self.running, return_when=concurrent.futures.FIRST_COMPLETED
                )
                for future in finished:
                    child_id = self.running.pop(future)
                    error = future.exception()
                    if error is None:
                        self.results[child_id] = future.result()
                    elif isinstance(error, FlowgraphError):
                        self.results[child_id] = _one_line(error)
                    else:
                        raise error
                    for place in self.waiting.pop(child_id, []):
                        self._place(pool, child_id, *place)
                    self.done += 1
                    if self.progress is not None:
                        self.progress(self.done, self.total)
        finally:
            pool.shutdown(wait=not self.running, cancel_futures=True)

    def _expand(
        self,
        pool: concurrent.futures.ThreadPoolExecutor,
        bundle: dict[str, Any],
        chain: tuple[str, ...],
        level: int,
    ) -> None:
        """Schedule (or place) every child of ``bundle``, which sits ``level`` deep."""
        for child_id, workflow_node in node_job_ids(bundle["job"]).items():
            if child_id in chain:
                shown = " -> ".join(dict.fromkeys(chain))
                bundle["notLoaded"][child_id] = (
                    f"not loaded again: job {child_id!r} is already on this chain ({shown}), a loop"
                )
                continue
            place = (bundle, chain, level, workflow_node)
            if child_id in self.results:
                self._place(pool, child_id, *place)
            elif child_id in self.waiting:
                self.waiting[child_id].append(place)
            else:
                self.waiting[child_id] = [place]
                future = pool.submit(_cached_job, self.client, child_id, self.cache)
                self.running[future] = child_id
                self.total += 1

    def _place(
        self,
        pool: concurrent.futures.ThreadPoolExecutor,
        child_id: str,
        bundle: dict[str, Any],
        chain: tuple[str, ...],
        level: int,
        workflow_node: bool,
    ) -> None:
        result = self.results[child_id]
        if isinstance(result, str):
            bundle["notLoaded"][child_id] = result
            return
        if not (workflow_node and _flow(result) is not None):
            bundle["nodeJobs"][child_id] = result
            return
        nested = _new_bundle(result)
        bundle["nodeJobs"][child_id] = nested
        if level + 1 > self.depth:
            for grandchild in node_job_ids(result):
                nested["notLoaded"][grandchild] = (
                    f"not loaded: sub-workflow nesting deeper than the depth limit ({self.depth})"
                )
            return
        self._expand(pool, nested, (*chain, child_id), level + 1)


def _statuses(job: dict[str, Any]) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for node in _flow(job) or ():
        if isinstance(node, dict) and node.get("id") is not None:
            status = node.get("status")
            found[str(node["id"])] = None if status is None else str(status)
    return found


def iter_job_updates(
    client: Client,
    job_id: str,
    *,
    interval: float = DEFAULT_WATCH_INTERVAL,
    sleep: Callable[[float], object] = time.sleep,
    max_polls: int | None = None,
) -> Iterator[tuple[dict[str, Any], list[Change]]]:
    """Poll ``GET /jobs/{job_id}`` and yield ``(job, changes)`` until the job is terminal.

    ``changes`` is the sorted list of ``(node_id, old_status, new_status)`` since the previous
    poll (``old`` is None on the first poll and for new nodes; ``new`` is None for nodes that
    vanished). Stops after yielding a finished job (:func:`~flowgraph.api.cache.is_finished`),
    or after ``max_polls`` polls. API errors and ``KeyboardInterrupt`` propagate.
    """
    _check_id(job_id, "job id")
    if interval < 0 or (max_polls is not None and max_polls < 1):
        raise ConfigurationError("interval must be >= 0 and max_polls >= 1")
    previous: dict[str, str | None] = {}
    polls = 0
    while True:
        job = get_job(client, job_id)
        polls += 1
        current = _statuses(job)
        changes: list[Change] = [
            (node, previous.get(node), current.get(node))
            for node in sorted(previous.keys() | current.keys())
            if previous.get(node, "\0absent") != current.get(node, "\0absent")
        ]
        previous = current
        yield job, changes
        if is_finished(job) or (max_polls is not None and polls >= max_polls):
            return
        sleep(interval)
