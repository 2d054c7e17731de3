"""Read a job from wherever it is: a path, stdin, a file object, JSON text or bytes, a dict,
an SDK response object, a saved bundle or a workflow definition.

>>> job = load('{"job": {"jobId": "job_1", "jobType": "workflow", "metadata": {"flow": []}}}')
>>> job.job_id, job.flow
('job_1', [])
>>> load({"job_id": "job_2", "metadata": {"flow": [{"id": "a"}]}}).flow[0].id
'a'
>>> load("{not json")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
flowgraph.errors.SourceError: <text>: not valid JSON: ... (line 1, column 2)
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import IO, Any

from .decode import decode_json
from .errors import PayloadError, SourceError
from .model import Job, Metadata
from .parse import _Ctx, _obj, _str, describe, gc_paused, parse_flow, parse_job, quick_job

__all__ = ["Source", "decode_json", "job_from_data", "load"]

#: Anything :func:`load` accepts.
Source = Any


def _get(data: dict[str, Any], camel: str, snake: str) -> Any:
    value = data.get(camel)
    return data.get(snake) if value is None else value


def _definition(data: dict[str, Any], path: str) -> Job:
    ctx = _Ctx()
    workflow_id = _str(data.get("id"), path + ".id") or "workflow"
    flow = parse_flow(data.get("flow"), path + ".flow", ctx)
    extra = {k: v for k, v in data.items() if k not in ("id", "flow")}
    job = Job(
        job_id=workflow_id,
        job_type="workflow",
        status=None,
        metadata=Metadata(flow=flow, workflow_id=workflow_id),
        definition=True,
        extra=extra,
    )
    job.unknowns = ctx.unknowns
    return job


def job_from_data(data: Any, where: str = "job") -> Job:
    """Turn decoded JSON into a :class:`Job`: envelope, bare job, bundle or definition.

    A bundle is ``{"job": ..., "nodeJobs": {jobId: job or bundle}, "notLoaded": {...}}``; its
    node jobs are parsed without recursion, so deeply nested sub-workflows cannot overflow.
    """
    root = Job(job_id="?")
    stack: list[tuple[Any, _Path, Job | None, str]] = [(data, where, None, "")]
    with gc_paused():
        while stack:
            item, path, parent, key = stack.pop()
            job = _one(item, path, stack)
            if parent is None:
                root = job
            else:
                parent.node_jobs[key] = job
    return root


#: The JSON path of a bundle or node job: the root's text, or (parent's path, node job id),
#: spelt out (:func:`_path`) only for a message: a bundle can hold thousands of node jobs.
_Path = Any


def _path(path: _Path) -> str:
    ids = []
    while not isinstance(path, str):
        path, child_id = path
        ids.append(child_id)
    return path + "".join(f".nodeJobs[{json.dumps(c)}]" for c in reversed(ids))


def _one(data: Any, lazy_path: _Path, stack: list[tuple[Any, _Path, Job | None, str]]) -> Job:
    if type(data) is dict:
        inner = data.get("job")
        if inner is not None and not isinstance(lazy_path, str):
            # a node job: most have no flow and take the fast path, with no path to spell out
            job = quick_job(inner)
            if job is not None:
                nodes = _get(data, "nodeJobs", "node_jobs")
                raw = _get(data, "notLoaded", "not_loaded")
                if (nodes is None or (type(nodes) is dict and not nodes)) and (
                    raw is None or type(raw) is dict
                ):
                    job.not_loaded = {str(k): str(v) for k, v in (raw or {}).items()}
                    return job
    path = _path(lazy_path)
    if not isinstance(data, dict):
        raise PayloadError(path, f"expected a job object, got {describe(data)}")
    inner = data.get("job")
    if inner is not None:
        job = parse_job(inner, "job" if path == "job" else f"{path}.job")
        nodes = _obj(_get(data, "nodeJobs", "node_jobs"), f"{path}.nodeJobs")
        for child_id, child in nodes.items():
            stack.append((child, (lazy_path, child_id), job, child_id))
        not_loaded = _obj(_get(data, "notLoaded", "not_loaded"), f"{path}.notLoaded")
        job.not_loaded = {str(k): str(v) for k, v in not_loaded.items()}
        return job
    workflow = data.get("workflow")
    if isinstance(workflow, dict):
        return _definition(workflow, "workflow")
    if _get(data, "jobId", "job_id") is None and isinstance(data.get("flow"), list):
        return _definition(data, "workflow")
    if _get(data, "jobId", "job_id") is None and "job" in data:
        raise PayloadError(f"{path}.job", "expected a job object, got null")
    return parse_job(data, path)


def _read_path(path: Path) -> Any:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SourceError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise SourceError(f"{path}: is a directory, expected a JSON file") from None
    except OSError as exc:
        raise SourceError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return decode_json(raw, str(path))


def _read_stream(stream: IO[Any], where: str) -> Any:
    raw = stream.read()
    return decode_json(raw, where)


def load(source: Source) -> Job:
    """Load a job from ``source`` (see the module docstring for what it may be).

    A :class:`~flowgraph.flow_graph.FlowGraph` or :class:`Job` is returned as its job. Errors are
    :class:`~flowgraph.errors.SourceError` (cannot read) or
    :class:`~flowgraph.errors.PayloadError` (wrong shape, with the JSON path).
    """
    with gc_paused():
        return _load(source)


def _load(source: Source) -> Job:
    if isinstance(source, Job):
        return source
    job = getattr(source, "job", None)
    if isinstance(job, Job):  # a FlowGraph
        return job
    if isinstance(source, (dict, list)):
        return job_from_data(source)
    if isinstance(source, (bytes, bytearray)):
        return job_from_data(decode_json(bytes(source), "<bytes>"))
    if isinstance(source, str):
        text = source.lstrip()
        if text.startswith(("{", "[")):
            return job_from_data(decode_json(source, "<text>"))
        if not text:
            raise SourceError("empty source: expected a path, '-' or JSON text")
        if source == "-":
            return job_from_data(_read_stream(sys.stdin.buffer, "<stdin>"))
        return job_from_data(_read_path(Path(source)))
    if isinstance(source, os.PathLike):
        return job_from_data(_read_path(Path(source)))
    if hasattr(source, "read"):
        return job_from_data(_read_stream(source, getattr(source, "name", "<stream>")))
    dump = getattr(source, "model_dump", None)
    if callable(dump):  # a scenario_sdk (pydantic) response object
        return job_from_data(dump(mode="json", by_alias=True, exclude_none=True))
    raise SourceError(
        f"cannot load a {type(source).__name__}: expected a path, '-', JSON text or bytes, "
        "a dict, a file object or a scenario_sdk response"
    )
