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

What is not one workflow job is refused in one line naming where it came from: empty input,
a list (``GET /jobs`` gives a page of them), a job of another type:

>>> load("  ")
Traceback (most recent call last):
...
flowgraph.errors.SourceError: <text>: empty input: expected a job as JSON
>>> load('[{"jobId": "job_1"}, {"jobId": "job_2"}]')  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
flowgraph.errors.PayloadError: <text>: expected a job object, got a list of 2 jobs: flowgraph ...
>>> load({"job": {"jobId": "job_9", "jobType": "flux", "metadata": {"workflowJobId": "job_1"}}})
... # doctest: +ELLIPSIS
Traceback (most recent call last):
...
flowgraph.errors.SourceError: job: job_9 is a 'flux' job, not a workflow run (it has no ...

Before parsing, every lone surrogate in a string becomes U+FFFD and every non-finite number
``null`` (:func:`flowgraph.decode.scrub`), each noted in ``Job.unknowns``: everything flowgraph
writes afterwards is valid UTF-8 and strict JSON.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import IO, Any

from ._collector import gc_paused
from ._text import fix_surrogates, one_line
from .decode import Note, decode_json, decode_json_scrubbed, scan, scrub
from .errors import PayloadError, SourceError
from .model import Job, Metadata, convert_job, convert_run, decode_run, spells_hidden

__all__ = ["Source", "decode_json", "job_from_data", "load"]

#: Anything :func:`load` accepts.
Source = Any


def _get(data: dict[str, Any], camel: str, snake: str) -> Any:
    value = data.get(camel)
    return data.get(snake) if value is None else value


def _definition(data: dict[str, Any], path: str, plain: bool) -> Job:
    from .parse import _Ctx, _str, parse_flow  # what the typed decoder reads never needs it

    ctx = _Ctx(plain)
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


def job_from_data(
    data: Any,
    where: str = "job",
    *,
    notes: list[Note] | None = None,
    origin: str | None = None,
    typed: bool = True,
    plain: bool = False,
) -> Job:
    """Turn decoded JSON into a :class:`Job`: envelope, bare job, bundle or definition.

    A bundle is ``{"job": ..., "nodeJobs": {jobId: job or bundle}, "notLoaded": {...}}``; its
    node jobs are parsed without recursion, so deeply nested sub-workflows cannot overflow.

    ``data`` is scrubbed first (:func:`flowgraph.decode.scrub`) unless ``notes`` says it was
    already; the notes end up in ``Job.unknowns``. ``origin`` (a file name, ``<stdin>``) starts
    the messages that refuse what is not one workflow job; ``where`` by default.

    Plain JSON data with nothing to scrub goes to msgspec first
    (:func:`~flowgraph.decode.convert_run`), the rest to the path-tracking parser; both build
    the same objects; so do flow nodes and node jobs when the whole is refused (the parser
    tries msgspec on each). ``typed=False``: the parser alone (the differential tests,
    benchmarks). ``plain`` with ``notes``: the data is plain JSON all the same (decoded from
    text that does not spell a hidden wire name).
    """
    origin = one_line(origin if origin is not None else where)
    if notes is None:
        suspect, plain = scan(data)
        if typed and plain and not suspect:
            with gc_paused():
                job = convert_run(data)  # msgspec, when the parser would build the same
            if job is not None:
                _refuse_other_jobs(job, origin)
                return job
        data, notes = scrub(data, _root_path(data, where)) if suspect else (data, [])
        plain = plain and not suspect
    plain = typed and plain
    _refuse_lists(data, origin)
    root = Job(job_id="?")
    stack: list[tuple[Any, _Path, Job | None, str]] = [(data, where, None, "")]
    with gc_paused():
        while stack:
            item, path, parent, key = stack.pop()
            job = _one(item, path, stack, plain)
            if parent is None:
                root = job
            else:
                parent.node_jobs[key] = job
    _refuse_other_jobs(root, origin)
    if notes:
        root.unknowns = [*root.unknowns, *notes]
    return root


def _root_path(data: Any, where: str) -> str:
    """Where scrub's paths start: an envelope's keys are the paths (``job.metadata...``);
    a bare job is ``job``."""
    if isinstance(data, dict) and ("job" in data or "workflow" in data):
        return ""
    return where


def _refuse_lists(data: Any, origin: str) -> None:
    """A list of jobs (or a ``GET /jobs`` page) where one job goes: say so, and what to do."""
    if isinstance(data, list):
        items, what = data, "a list of {}"
    elif (
        isinstance(data, dict)
        and isinstance(data.get("jobs"), list)
        and not any(k in data for k in ("job", "jobId", "job_id", "workflow", "flow"))
    ):
        items, what = data["jobs"], "a page of GET /jobs with {}"
    else:
        return
    n = len(items)
    jobs = all(
        isinstance(x, dict) and any(k in x for k in ("jobId", "job_id", "job")) for x in items
    )
    noun = "job" if jobs else "item"
    if n == 0:
        got = "an empty list" if isinstance(data, list) else what.format("no jobs")
    else:
        got = what.format(f"{n} {noun}{'' if n == 1 else 's'}")
    hint = {0: "", 1: f"; pass the {noun} itself"}.get(n, "; pass one of them, e.g. the first")
    raise PayloadError(origin, f"expected a job object, got {got}: flowgraph takes one job{hint}")


def _refuse_other_jobs(job: Job, origin: str) -> None:
    """A job of another type (an image generation...) is not a run to draw: say what it is."""
    if job.definition or job.flow or job.node_jobs:
        return
    kind = job.job_type
    if kind is None:
        meta_type = job.metadata.extra.get("type")
        kind = meta_type if isinstance(meta_type, str) else None
    if kind is None or kind == "workflow":
        return
    parent = job.metadata.workflow_job_id
    raise SourceError(
        f"{origin}: {one_line(job.job_id)} is a {kind!r} job, not a workflow run (it has no "
        "metadata.flow)"
        + (
            f"; it is a node of the workflow job {one_line(parent)}: load that one"
            if parent
            else ""
        )
    )


#: The JSON path of a bundle or node job: the root's text, or (parent's path, node job id),
#: spelt out (:func:`_path`) only for a message: a bundle can hold thousands of node jobs.
_Path = Any


def _path(path: _Path) -> str:
    ids = []
    while not isinstance(path, str):
        path, child_id = path
        ids.append(child_id)
    return path + "".join(f".nodeJobs[{json.dumps(c)}]" for c in reversed(ids))


def _one(
    data: Any, lazy_path: _Path, stack: list[tuple[Any, _Path, Job | None, str]], plain: bool
) -> Job:
    from .parse import _obj, describe, parse_job  # what the typed decoder reads never needs it

    path = _path(lazy_path)
    if not isinstance(data, dict):
        raise PayloadError(path, f"expected a job object, got {describe(data)}")
    inner = data.get("job")
    if inner is not None:
        quick = plain and type(inner) is dict and not isinstance(lazy_path, str)
        job = (convert_job(inner) if quick else None) or parse_job(
            inner, "job" if path == "job" else f"{path}.job", plain=plain
        )
        nodes = _obj(_get(data, "nodeJobs", "node_jobs"), f"{path}.nodeJobs")
        for child_id, child in nodes.items():
            stack.append((child, (lazy_path, child_id), job, child_id))
        not_loaded = _obj(_get(data, "notLoaded", "not_loaded"), f"{path}.notLoaded")
        job.not_loaded = {str(k): str(v) for k, v in not_loaded.items()}
        return job
    workflow = data.get("workflow")
    if isinstance(workflow, dict):
        return _definition(workflow, "workflow", plain)
    if _get(data, "jobId", "job_id") is None and isinstance(data.get("flow"), list):
        return _definition(data, "workflow", plain)
    if _get(data, "jobId", "job_id") is None and "job" in data:
        raise PayloadError(f"{path}.job", "expected a job object, got null")
    return parse_job(data, path, plain=plain)


def _decode(raw: str | bytes, where: str) -> Job:
    """The job in JSON ``raw`` read from ``where``: msgspec's typed decoder, else the JSON
    decoded to dicts and parsed by the path-tracking parser (which words the errors)."""
    job = decode_run(raw)
    if job is not None:
        _refuse_other_jobs(job, one_line(where))
        return job
    try:
        data, notes = decode_json_scrubbed(raw, where, "job")
    except SourceError:
        if not raw.strip():
            raise SourceError(
                f"{fix_surrogates(where)}: empty input: expected a job as JSON"
            ) from None
        raise
    if notes and isinstance(data, dict) and ("job" in data or "workflow" in data):
        notes = [(path[len("job.") :], what) for path, what in notes]  # an envelope's keys
    # what msgspec or json.loads decoded is plain JSON; what was scrubbed is a copy, not checked
    plain = not notes and not spells_hidden(raw)
    return job_from_data(data, notes=notes, origin=where, plain=plain)


def _read_path(path: Path) -> Job:
    where = fix_surrogates(str(path))
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SourceError(f"{where}: no such file") from None
    except IsADirectoryError:
        raise SourceError(f"{where}: is a directory, expected a JSON file") from None
    except OSError as exc:
        raise SourceError(
            f"{where}: cannot read: {fix_surrogates(str(exc.strerror or exc))}"
        ) from None
    return _decode(raw, str(path))


def _read_stream(stream: IO[Any], where: str) -> Job:
    raw = stream.read()
    return _decode(raw, where)


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
        return _decode(bytes(source), "<bytes>")
    if isinstance(source, str):
        text = source.lstrip()
        if text.startswith(("{", "[")) or not text:
            return _decode(source, "<text>")
        if source == "-":
            return _read_stream(sys.stdin.buffer, "<stdin>")
        return _read_path(Path(source))
    if isinstance(source, os.PathLike):
        return _read_path(Path(source))
    if hasattr(source, "read"):
        name = getattr(source, "name", None)
        return _read_stream(source, name if isinstance(name, str) else "<stream>")
    dump = getattr(source, "model_dump", None)
    if callable(dump):  # a scenario_sdk (pydantic) response object
        data = dump(mode="json", by_alias=True, exclude_none=True)
        return job_from_data(data, origin=f"<{type(source).__name__}>")
    raise SourceError(
        f"cannot load a {type(source).__name__}: expected a path, '-', JSON text or bytes, "
        "a dict, a file object or a scenario_sdk response"
    )
