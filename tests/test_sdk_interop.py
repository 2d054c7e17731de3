"""flowgraph and the official SDK (``scenario_sdk`` 2.4.0, installed in the venv): every form the
SDK hands a user loads to the graph of the camelCase JSON it was made from.

The source of truth is the real SDK, not a regex: ``JobRetrieveResponse.model_validate`` on the
runs' JSON, then ``model_dump()`` (snake_case, where pydantic's reserved ``model_`` prefix makes
``modelId`` ``api_model_id`` and ``modelTypes`` ``api_model_types``), ``model_dump(by_alias=True)``
(camelCase), ``model_dump(mode="json")`` and the response object itself.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import flowgraph
from tests.conftest import example, fixture

sdk = pytest.importorskip("scenario_sdk")
from scenario_sdk.types.job_retrieve_response import JobRetrieveResponse  # noqa: E402

#: The runs the SDK's types accept (the hostile and newer-API fixtures are outside its enums).
RUNS = [
    example("approval-parked.json"),
    example("foreach-failed.json"),
    example("ifelse-skipped.json"),
    example("nested-loops.json"),
    example("timed-bundle.json"),
    fixture("sdk-coloring-book.json"),
]
FORMS = ["model_dump", "model_dump_by_alias", "model_dump_json_mode", "response_object"]


def test_the_installed_sdk_is_the_one_the_reference_describes() -> None:
    from scenario_sdk.types.job_retrieve_response import JobMetadataFlow, JobMetadataFlowInput

    assert sdk.__version__ == "2.4.0"
    assert JobMetadataFlow.model_fields["api_model_id"].alias == "modelId"
    assert JobMetadataFlowInput.model_fields["api_model_types"].alias == "modelTypes"


def response(path: Path) -> Any:
    return JobRetrieveResponse.model_validate(json.loads(path.read_text()))


def form(resp: Any, name: str) -> Any:
    if name == "model_dump":
        return resp.model_dump()
    if name == "model_dump_by_alias":
        return resp.model_dump(by_alias=True)
    if name == "model_dump_json_mode":
        return resp.model_dump(mode="json")
    return resp


@pytest.mark.parametrize("name", FORMS)
@pytest.mark.parametrize("path", RUNS, ids=lambda p: p.name)
def test_every_sdk_form_gives_the_snapshot_of_the_camelcase_file(path: Path, name: str) -> None:
    expected = flowgraph.graph(path)
    got = flowgraph.graph(form(response(path), name))
    assert got.snapshot() == expected.snapshot()
    assert got.snapshot(statuses=True, copies=True) == expected.snapshot(statuses=True, copies=True)
    assert sorted(got.graph.edges(data="kinds")) == sorted(expected.graph.edges(data="kinds"))


def test_model_dump_really_is_snake_case_with_the_sdks_own_names() -> None:
    dump = response(example("foreach-failed.json")).model_dump()
    node = next(n for n in dump["job"]["metadata"]["flow"] if n["id"] == "upscale")
    assert node["api_model_id"] == "model_upscale-v3" and "model_id" not in node
    assert "api_model_types" in node["inputs"][0] and "loop_body_node_ids" in node
    copy = next(n for n in dump["job"]["metadata"]["flow"] if n["id"] == "upscale-Lm2p")
    assert copy["iteration_index"] == 1.0 and isinstance(copy["iteration_index"], float)


@pytest.mark.parametrize("name", FORMS)
def test_sdk_names_are_read_not_reported_as_unknown_fields(name: str) -> None:
    job = flowgraph.load(form(response(example("foreach-failed.json")), name))
    assert job.unknowns == []
    assert {n.id: n.model_id for n in job.flow}["upscale-Lm2p"] == "model_upscale-v3"
    assert [f.code for f in flowgraph.graph(job).lint() if f.code == "unknown-field"] == []


#: The coloring-book run's loop: two body templates of the same type told apart by model only,
#: copies with ids that say nothing (their format is undocumented).
COPY_EDGES = [
    ("each-scene", "n_0d93", "iteration"),
    ("each-scene", "n_4c1d", "data"),
    ("each-scene", "n_8e2f", "iteration"),
    ("each-scene", "n_b7a0", "data"),
    ("input:theme", "n_4c1d", "data"),
    ("input:theme", "n_b7a0", "data"),
    ("n_0d93", "book", "loop_result"),
    ("n_4c1d", "n_8e2f", "data"),
    ("n_8e2f", "book", "loop_result"),
    ("n_b7a0", "n_0d93", "data"),
]
TEMPLATES = {"n_4c1d": "line-art", "n_b7a0": "line-art", "n_8e2f": "clean-up", "n_0d93": "clean-up"}


def copy_edges(fg: flowgraph.FlowGraph) -> list[tuple[str, str, str]]:
    return sorted(
        (u, v, d["kind"])
        for u, v, d in fg.nx.edges(data=True)
        if u.startswith("n_") or v.startswith("n_")
    )


@pytest.mark.parametrize("name", FORMS)
def test_loop_copies_map_to_their_templates_by_model_from_every_form(name: str) -> None:
    source = fixture("sdk-coloring-book.json")
    for fg in (flowgraph.graph(source), flowgraph.graph(form(response(source), name))):
        assert {c: fg.nx.nodes[c]["template"] for c in TEMPLATES} == TEMPLATES
        assert copy_edges(fg) == COPY_EDGES
        assert not any(u == v for u, v in fg.nx.edges)  # no self-loop
        assert fg.loops["each-scene"].iterations == {
            0: ["n_4c1d", "n_8e2f"], 1: ["n_0d93", "n_b7a0"]}
        assert [b.node for b in fg.blocked()] == []


def test_nested_and_failed_loops_from_model_dump_have_their_exact_copy_edges() -> None:
    fg = flowgraph.graph(response(example("nested-loops.json")).model_dump())
    assert sorted((u, v) for u, v, k in fg.nx.edges(data="kind") if k == "loop_result") == [
        ("caption-q1", "catalog"), ("caption-w2", "catalog"),
        ("shot-q10", "caption-q1"), ("shot-q11", "caption-q1"),
        ("shot-w20", "caption-w2"), ("shot-w21", "caption-w2"),
    ]
    assert {n: fg.nx.nodes[n]["template"] for n in ("shot-q10", "shot-w21", "each-angle-w2")} == {
        "shot-q10": "shot", "shot-w21": "shot", "each-angle-w2": "each-angle"}
    fg = flowgraph.graph(response(example("foreach-failed.json")).model_dump())
    copies = {n for n, d in fg.nx.nodes(data=True) if d.get("loop_node_id")}
    assert sorted((u, v, k) for u, v, k in fg.nx.edges(data="kind") if u in copies) == [
        ("render-Lm2p", "upscale-Lm2p", "data"),
        ("render-c9Zt", "upscale-c9Zt", "data"),
        ("render-x8Fq", "upscale-x8Fq", "data"),
        ("upscale-Lm2p", "contact-sheet", "loop_result"),
        ("upscale-c9Zt", "contact-sheet", "loop_result"),
        ("upscale-x8Fq", "contact-sheet", "loop_result"),
    ]
    assert [(b.node, b.reason, b.causes) for b in fg.blocked()] == [
        ("upscale-Lm2p", "failed-upstream", ["render-Lm2p"]),
        ("contact-sheet", "failed-upstream", ["render-Lm2p"]),
    ]


def test_a_job_loaded_from_model_dump_writes_the_wire_names_back() -> None:
    source = fixture("sdk-coloring-book.json")
    job = flowgraph.load(response(source).model_dump())
    wire = job.to_wire()
    text = json.dumps(wire)
    assert "api_model" not in text and "model_id" not in text
    cover = next(n for n in wire["metadata"]["flow"] if n["id"] == "pick-cover")
    assert cover["modelId"] == "model_scenario-cover-picker"
    assert cover["inputs"][0]["modelTypes"] == ["flux.1-lora"]
    assert flowgraph.graph(wire).snapshot(statuses=True, copies=True) == flowgraph.graph(
        source).snapshot(statuses=True, copies=True)


def test_hand_written_snake_case_model_id_still_loads() -> None:
    data = json.loads(fixture("sdk-coloring-book.json").read_text())
    for node in data["job"]["metadata"]["flow"]:
        if "modelId" in node:
            node["model_id"] = node.pop("modelId")
    assert copy_edges(flowgraph.graph(data)) == COPY_EDGES
