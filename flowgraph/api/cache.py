"""An on-disk cache of finished jobs: one atomic JSON file per job, named by a hash of its id."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..config import ENV_CACHE_DIR
from ..decode import JsonError, decode_object
from ..errors import SourceError
from ..files import write_atomic
from ..vocab import is_terminal_job_status

__all__ = ["SCHEMA", "JobCache", "default_cache_dir", "is_finished"]

log = logging.getLogger(__name__)

#: The ``schema`` field of every entry; entries with another value are misses.
SCHEMA = "flowgraph.job-cache/1"


def is_finished(job: Any) -> bool:
    """Whether ``job`` (a job dict) has a terminal status (:mod:`flowgraph.vocab`); unknown and
    missing statuses are not terminal.

    >>> is_finished({"status": "success"}), is_finished({"status": "paused"}), is_finished(None)
    (True, False, False)
    """
    status = job.get("status") if isinstance(job, dict) else None
    return isinstance(status, str) and is_terminal_job_status(status)


def default_cache_dir(env: Mapping[str, str] = os.environ) -> Path:
    """``$FLOWGRAPH_CACHE_DIR``, else ``~/.cache/flowgraph``.

    >>> default_cache_dir({"FLOWGRAPH_CACHE_DIR": "/tmp/fg"})
    PosixPath('/tmp/fg')
    """
    configured = env.get(ENV_CACHE_DIR)
    return Path(configured).expanduser() if configured else Path.home() / ".cache" / "flowgraph"


class JobCache:
    """Finished jobs (status ``success``, ``failure``, ``canceled``) kept as JSON files.

    Anything unreadable is a miss; writes are atomic, so concurrent writers of one key leave
    one whole payload. Only the job dict is stored, never credentials; the folder and its
    files are readable by their owner only.

    >>> import tempfile
    >>> cache = JobCache(tempfile.mkdtemp())
    >>> cache.put("job_1", {"jobId": "job_1", "status": "in-progress"})  # not final: skipped
    >>> cache.get("job_1") is None
    True
    >>> cache.put("job_1", {"jobId": "job_1", "status": "success"})
    >>> cache.get("job_1")
    {'jobId': 'job_1', 'status': 'success'}
    """

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        self.directory = Path(directory) if directory is not None else default_cache_dir()

    def __repr__(self) -> str:
        return f"JobCache({str(self.directory)!r})"

    def path_for(self, job_id: str) -> Path:
        """The entry file of ``job_id``: a sha256 of the id, so any id stays inside the dir.

        >>> JobCache("/c").path_for("../../x").parent
        PosixPath('/c')
        """
        if not isinstance(job_id, str):
            raise TypeError(f"job id must be a string, got {type(job_id).__name__}")
        digest = hashlib.sha256(job_id.encode("utf-8", "surrogatepass")).hexdigest()
        return self.directory / f"{digest}.json"

    def get(self, job_id: str) -> dict[str, Any] | None:
        """The cached job, or None when absent, unreadable, or not a valid finished entry."""
        path = self.path_for(job_id)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.warning("cache entry %s unreadable (%s): ignored", path, exc.strerror or exc)
            return None
        try:
            entry = decode_object(raw)
        except JsonError as exc:
            log.debug("cache entry %s is not a JSON object (%s): a miss", path, exc)
            return None
        job: Any = entry.get("job")
        if entry.get("schema") != SCHEMA or entry.get("jobId") != job_id or not is_finished(job):
            log.debug("cache entry %s has the wrong shape: a miss", path)
            return None
        found: dict[str, Any] = job
        return found

    def put(self, job_id: str, job: dict[str, Any]) -> None:
        """Store ``job`` if its status is terminal, with :func:`flowgraph.files.write_atomic`.

        A failing disk (full, read-only) is logged and leaves the previous entry intact.
        """
        path = self.path_for(job_id)
        if not is_finished(job):
            return
        data = json.dumps(
            {"schema": SCHEMA, "jobId": job_id, "job": job}, ensure_ascii=False
        ).encode("utf-8", "surrogatepass")
        try:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            log.warning("could not write cache entry %s: %s", path, exc.strerror or exc)
            return
        try:
            write_atomic(path, data)
        except SourceError as exc:
            log.warning("could not write cache entry: %s", exc)
