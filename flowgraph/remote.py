"""Jobs from the Scenario API as :class:`~flowgraph.model.Job` objects: a run (optionally with
every node's own job, for timings and cost), a workflow definition, a live watch.

The HTTP work lives in :mod:`flowgraph._http` (the only module that imports ``requests``) and
:mod:`flowgraph.fetch_api` (plain dicts); this module turns their answers into models.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

from ._http import Client
from .cache import JobCache
from .fetch_api import Change, get_bundle, get_workflow, iter_job_updates
from .model import Job
from .sources import job_from_data

__all__ = ["fetch", "fetch_workflow", "watch", "Client", "JobCache"]


def _client(client: Client | None, options: dict[str, Any]) -> Client:
    if client is not None:
        return client
    return Client(**{k: v for k, v in options.items() if v is not None})


def fetch(
    job_id: str,
    *,
    node_jobs: bool = False,
    client: Client | None = None,
    cache: JobCache | None = None,
    max_workers: int = 16,
    progress: Callable[[int, int], object] | None = None,
    depth: int = 3,
    **client_options: Any,
) -> Job:
    """``GET /jobs/{job_id}``, and with ``node_jobs=True`` every node's child job, as a Job.

    ``client_options`` go to :class:`flowgraph._http.Client` (``api_key``, ``api_secret``,
    ``jwt``, ``base_url``, ``project_id``, ``timeout``...); by default credentials come from the
    SDK's environment variables. Node jobs that fail to load are listed in ``Job.not_loaded``;
    the graph still builds. ``Job.to_bundle()`` saves the result for offline use.
    """
    api = _client(client, client_options)
    data = get_bundle(api, job_id, node_jobs=node_jobs, max_workers=max_workers,
                      progress=progress, cache=cache, depth=depth)
    return job_from_data(data)


def fetch_workflow(workflow_id: str, *, client: Client | None = None,
                   **client_options: Any) -> Job:
    """``GET /workflows/{workflow_id}``: the definition as a Job with ``definition=True``."""
    return job_from_data(get_workflow(_client(client, client_options), workflow_id))


def watch(
    job_id: str,
    *,
    client: Client | None = None,
    interval: float = 2.0,
    sleep: Callable[[float], object] = time.sleep,
    max_polls: int | None = None,
    **client_options: Any,
) -> Iterator[tuple[Job, list[Change]]]:
    """Poll a running job; yield ``(job, changes)`` until it ends (changes: node, old, new)."""
    api = _client(client, client_options)
    for data, changes in iter_job_updates(api, job_id, interval=interval, sleep=sleep,
                                          max_polls=max_polls):
        yield job_from_data(data), changes
