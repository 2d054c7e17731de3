"""The typed decoder (msgspec straight into the model's Structs) against the path-tracking
parser: wherever the typed decoder takes a payload, both build the same objects, field by
field; whatever it refuses gives the parser's answer and errors. So the speed-up cannot change
an answer."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

import flowgraph
from flowgraph.decode import scan
from flowgraph.errors import PayloadError
from flowgraph.model import Job, convert_run, decode_run
from flowgraph.sources import job_from_data

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import encode, make_bundle, make_run  # noqa: E402

FILES = sorted([*ROOT.glob("examples/*.json"), *ROOT.glob("tests/fixtures/*.json")])


def parsed(raw: bytes) -> Job:
    """What the path-tracking parser builds from ``raw`` (decoded to dicts first)."""
    return job_from_data(json.loads(raw), typed=False)


def jobs(job: Job) -> list[tuple[str, Job]]:
    """The job and every node job below it, with their paths, in order."""
    out: list[tuple[str, Job]] = []
    todo = [("", job)]
    while todo:
        path, item = todo.pop()
        out.append((path, item))
        todo.extend((f"{path}/{key}", child) for key, child in sorted(item.node_jobs.items()))
    return out


def assert_same(typed: Job, reference: Job) -> None:
    """Field by field, through ``to_wire()``, and the bookkeeping beside it."""
    a, b = jobs(typed), jobs(reference)
    assert [path for path, _ in a] == [path for path, _ in b]
    for (path, x), (_, y) in zip(a, b):
        assert x.to_wire() == y.to_wire(), path
        assert (x.not_loaded, x.definition, x.unknowns) == (y.not_loaded, y.definition, y.unknowns)
        assert [n.extra for n in x.flow] == [n.extra for n in y.flow], path
        assert x == y, path  # every field, extra and node_jobs included
    assert list(typed.node_jobs) == list(reference.node_jobs)  # the same order too


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_example_and_fixture_decodes_to_what_the_parser_builds(path: Path) -> None:
    raw = path.read_bytes()
    typed = decode_run(raw)
    if typed is None:  # refused: load gives the parser's answer (or its error)
        try:
            reference = parsed(raw)
        except (ValueError, PayloadError, flowgraph.SourceError):
            return
        assert flowgraph.load(raw) == reference
        return
    assert_same(typed, parsed(raw))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_example_and_fixture_as_a_dict_loads_to_what_the_parser_builds(path: Path) -> None:
    try:
        data = json.loads(path.read_bytes())
        reference = job_from_data(data, typed=False)
    except (ValueError, PayloadError, flowgraph.SourceError):
        return
    suspect, plain = scan(data)
    converted = convert_run(data) if plain and not suspect else None
    if converted is not None:
        assert_same(converted, reference)
    job = flowgraph.load(data)
    assert job == reference and job.unknowns == reference.unknowns


def test_the_typed_decoder_takes_most_examples() -> None:
    taken = [p.name for p in FILES if decode_run(p.read_bytes()) is not None]
    assert {"approval-parked.json", "timed-bundle.json", "nested-loops.json"} <= set(taken)


@pytest.mark.parametrize(("n", "seed"), [(60, 0), (300, 1), (1200, 2), (3000, 3)])
def test_generated_runs_decode_to_what_the_parser_builds(n: int, seed: int) -> None:
    raw = encode(make_run(n, seed=seed))
    typed = decode_run(raw)
    assert typed is not None, "a generated run must take the typed decoder (the fast path)"
    assert_same(typed, parsed(raw))
    assert scan(json.loads(raw)) == (False, True)
    assert_same(convert_run(json.loads(raw)) or Job(job_id="?"), parsed(raw))


@pytest.mark.parametrize(("n", "seed"), [(60, 0), (800, 4)])
def test_generated_bundles_decode_to_what_the_parser_builds(n: int, seed: int) -> None:
    raw = encode(make_bundle(n, seed=seed))
    typed = decode_run(raw)
    assert typed is not None
    assert typed.node_jobs
    assert_same(typed, parsed(raw))
    again = encode(typed.to_bundle())
    assert_same(decode_run(again) or Job(job_id="?"), parsed(again))


def _run(node: dict[str, Any], **job: Any) -> dict[str, Any]:
    return {"job": {"jobId": "j", "jobType": "workflow", "status": "in-progress", **job,
                    "metadata": {"flow": [node]}}}


@pytest.mark.parametrize(
    "payload",
    [
        _run({"id": "a", "startedAt": "2026-01-01T00:00:00Z"}),  # an unknown field
        _run({"id": "a", "depends_on": ["b"]}, job_type="workflow"),  # snake_case keys
        _run({"id": "a", "dependsOn": None}),  # null where a list goes
        _run({"id": "a", "iterationIndex": 2.0}),  # a whole float
        _run({"id": "a", "inputs": [{"name": "x", "ref": {"node": "b", "equal": [1]}}]}),
        _run({"id": "a", "inputs": [{"name": "x", "label": None, "api_model_types": ["sd"]}]}),
        _run({"id": "a", "extra": {"x": 1}}),  # a key named like a hidden field
        _run({"id": "a", "\u2063extra": {"x": 1}}),  # the hidden field's own wire name
        _run({"id": "a"}, extra={"y": 2}, unknowns=[["p", "w"]], definition=True),
        {"job": {"jobId": "j", "metadata": {"flow": [{"id": "a"}]}}, "nodeJobs": {
            "c": {"jobId": "c", "status": "success"}}},  # a node job not as a bundle
        {"workflow": {"id": "w", "flow": [{"id": "a"}]}},  # a definition
    ],
)
def test_what_the_typed_decoder_refuses_gets_the_parser(payload: dict[str, Any]) -> None:
    for raw in (json.dumps(payload).encode(), json.dumps(payload, ensure_ascii=False).encode()):
        assert decode_run(raw) is None
        job, reference = flowgraph.load(raw), job_from_data(payload, typed=False)
        assert job == reference
        assert job.unknowns == reference.unknowns
    assert not job.definition or "workflow" in payload
    assert job.node_jobs.keys() == reference.node_jobs.keys()


def test_hidden_fields_cannot_be_set_from_the_wire() -> None:
    raw = json.dumps(_run({"id": "a", "\u2063extra": {"x": 1}, "extra": 2})).encode()
    node = flowgraph.load(raw).flow[0]
    assert node.extra == {"\u2063extra": {"x": 1}, "extra": 2}


def test_items_nested_too_deep_are_the_parsers_error() -> None:
    inner: dict[str, Any] = {"name": "leaf"}
    for _ in range(40):
        inner = {"name": "x", "items": [[inner]]}
    raw = json.dumps(_run({"id": "a", "inputs": [inner]})).encode()
    assert decode_run(raw) is None
    with pytest.raises(PayloadError, match="inputs nested more than 32 levels deep"):
        flowgraph.load(raw)
    inner = {"name": "leaf"}
    for _ in range(10):
        inner = {"name": "x", "items": [[inner]]}
    raw = json.dumps(_run({"id": "a", "inputs": [inner]})).encode()
    assert_same(decode_run(raw) or Job(job_id="?"), parsed(raw))


def test_items_at_the_nesting_limit_and_one_past_it_plain_or_escaped() -> None:
    """At the limit the fast decoder takes the run as the parser builds it; one level past it
    leaves it to the parser, whose error names the place: with the keys written plainly or
    escaped (``"it\\u0065ms"``, which a scan of the text for ``"items"`` would miss)."""
    for levels, deep in ((32, False), (33, True)):
        inner: dict[str, Any] = {"name": "leaf"}
        for _ in range(levels):
            inner = {"name": "x", "items": [[inner]]}
        plain = json.dumps(_run({"id": "a", "inputs": [inner]}))
        escaped = plain.replace('"items"', '"it\\u0065ms"')
        for raw in (plain, plain.encode(), escaped, escaped.encode()):
            assert (decode_run(raw) is None) is deep, (levels, raw[:40])
            if deep:  # the parser's error, which names the place
                with pytest.raises(PayloadError, match="inputs nested more than 32 levels"):
                    flowgraph.load(raw)
            else:
                assert_same(decode_run(raw) or Job(job_id="?"), parsed(plain.encode()))


def test_text_and_bytes_decode_alike() -> None:
    raw = encode(make_run(200, seed=5))
    assert decode_run(raw.decode()) == decode_run(raw)


def test_the_model_api_users_have() -> None:
    from flowgraph.model import FlowNode, Input, Ref, replace

    node = flowgraph.load(json.dumps(_run({"id": "a", "modelId": "m", "inputs": [
        {"name": "x", "label": "X", "allowedValues": [], "ref": {"node": "b"}}]}))).flow[0]
    wire = node.to_dict()
    assert wire == node.to_wire() == {"id": "a", "modelId": "m", "inputs": [
        {"name": "x", "ref": {"node": "b"}, "allowedValues": [], "label": "X"}]}
    assert FlowNode.from_dict(wire) == node == FlowNode.from_json(node.to_json())
    assert node.inputs[0].attrs == {"allowedValues": [], "label": "X"}
    assert replace(node.inputs[0], ref=Ref(node="c")).ref == Ref(node="c")
    sdk = flowgraph.load({"job_id": "j", "metadata": {"flow": [{"id": "a", "inputs": [
        {"name": "x", "api_model_types": ["sd"], "future": 1}]}]}})
    item: Input = sdk.flow[0].inputs[0]
    assert item.model_types == ["sd"] and item.attrs == {"modelTypes": ["sd"]}
    assert item.to_wire() == {"name": "x", "modelTypes": ["sd"], "future": 1}
    job = flowgraph.load(json.dumps(_run({"id": "a"})))
    job.unknowns.append(("p", "w"))
    job.definition = False
    assert not any(key.startswith("\u2063") for key in job.to_wire())


class _Status(str):
    """A ``str`` subclass (an enum's value): msgspec would take it, the parser refuses it."""


@pytest.mark.parametrize(
    "odd",
    [
        _run({"id": "a", "status": _Status("success")}),
        _run({"id": "a", "dependsOn": ("b",)}),  # a tuple for a list: the parser reads it
        _run({"id": "a", "output": {1: "x"}}),  # a key that is not a string
        _run({"id": "a", "\u2063extra": {"x": 1}}),  # the hidden wire name
        _run({"id": "a", "output": float("nan")}),  # scrubbed, noted
    ],
)
def test_dicts_msgspec_would_read_otherwise_go_to_the_parser(odd: dict[str, Any]) -> None:
    assert scan(odd)[1] is False
    try:
        reference = job_from_data(odd, typed=False)
    except PayloadError as exc:
        with pytest.raises(PayloadError, match=re.escape(str(exc))):
            flowgraph.load(odd)
        return
    job = flowgraph.load(odd)
    assert job == reference and job.unknowns == reference.unknowns


def test_what_the_typed_decoder_refuses_as_a_dict_gets_the_parser() -> None:
    payload = _run({"id": "a", "startedAt": "2026-01-01T00:00:00Z"})
    assert convert_run(payload) is None
    job = flowgraph.load(payload)
    assert job.flow[0].extra == {"startedAt": "2026-01-01T00:00:00Z"}
    assert job.unknowns == [("job.metadata.flow[0].startedAt",
                             "unknown field 'startedAt' on a flow node")]


def _sprinkle(payload: dict[str, Any], seed: int) -> dict[str, Any]:
    """Unknown fields here and there (on nodes, inputs, refs, node jobs), snake_case keys and
    a null list on a few nodes: the run as a whole is refused, most nodes are not."""
    import random

    rng = random.Random(seed)
    flow = payload["job"]["metadata"]["flow"]
    for i, node in enumerate(flow):
        roll = rng.random()
        if roll < 0.3:
            node["startedAt"] = f"2026-11-20T09:00:{i % 60:02d}.000Z"
        elif roll < 0.35 and node.get("inputs"):
            node["inputs"][0]["futureHint"] = i
        elif roll < 0.38 and node.get("inputs") and node["inputs"][0].get("ref"):
            node["inputs"][0]["ref"]["weight"] = 0.5
        elif roll < 0.40:
            node["depends_on"] = node.pop("dependsOn", [])
        elif roll < 0.41:
            node["assets"] = None
        elif roll < 0.42:
            node["zz"], node["aa"] = 1, 2  # two unknown fields, noted in the order they come
    for i, (key, child) in enumerate(sorted(payload.get("nodeJobs", {}).items())):
        if i % 7 == 0:
            child["job"]["queueName"] = "gpu"
    return payload


@pytest.mark.parametrize(("n", "seed", "bundle"), [(300, 1, False), (2000, 2, False),
                                                    (400, 3, True)])
def test_refused_runs_read_node_by_node_as_the_parser_does(n: int, seed: int, bundle: bool) -> None:
    payload = _sprinkle((make_bundle if bundle else make_run)(n, seed=seed), seed)
    raw = encode(payload)
    assert decode_run(raw) is None
    reference = parsed(raw)
    assert reference.unknowns  # the fixture does hold unknown fields
    for job in (flowgraph.load(raw), flowgraph.load(json.loads(raw))):
        assert_same(job, reference)
        assert job.unknowns == reference.unknowns  # the same notes, in the same order
