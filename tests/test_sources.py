"""flowgraph.load: every kind of source, envelopes, snake_case, SDK objects, bad payloads."""

from __future__ import annotations

import io
import re
import json
import subprocess
import sys
from typing import Any

import pytest

import flowgraph
from flowgraph.errors import PayloadError, SourceError
from tests.conftest import example, fixture

APPROVAL = example("approval-parked.json")


def snapshot_of(source: object) -> str:
    return flowgraph.graph(source).snapshot(statuses=True)


@pytest.fixture(scope="module")
def expected() -> str:
    return snapshot_of(APPROVAL)


def test_path_str_pathlike_text_bytes_dict_and_file_object_agree(expected: str) -> None:
    text = APPROVAL.read_text()
    sources = [str(APPROVAL), APPROVAL, text, text.encode(), json.loads(text),
               io.StringIO(text), io.BytesIO(text.encode()), json.loads(text)["job"]]
    for source in sources:
        assert snapshot_of(source) == expected, type(source)


def test_stdin_dash(expected: str) -> None:
    out = subprocess.run(
        [sys.executable, "-c", "import flowgraph; print(flowgraph.graph('-').snapshot(statuses=True), end='')"],
        input=APPROVAL.read_bytes(), capture_output=True, check=True,
    )
    assert out.stdout.decode() == expected


def _snake(value: object) -> object:
    import re

    if isinstance(value, dict):
        return {re.sub(r"(?<!^)([A-Z])", r"_\1", k).lower(): _snake(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_snake(v) for v in value]
    return value


def test_snake_case_keys_give_the_same_graph(expected: str) -> None:
    data = json.loads(APPROVAL.read_text())
    assert snapshot_of(_snake(data)) == expected


def test_sdk_response_object_is_accepted(expected: str) -> None:
    from scenario_sdk.types.job_retrieve_response import JobRetrieveResponse

    response = JobRetrieveResponse.model_validate(json.loads(APPROVAL.read_text()))
    assert snapshot_of(response) == expected
    assert flowgraph.load(response).job_id == "job_r3Vq8ApprovalParked"


def test_bundle_gives_node_jobs_and_round_trips() -> None:
    job = flowgraph.load(example("timed-bundle.json"))
    assert sorted(job.node_jobs) == ["job_tg", "job_tp", "job_tr", "job_tt", "job_tu"]
    again = flowgraph.load(job.to_bundle())
    assert sorted(again.node_jobs) == sorted(job.node_jobs)
    assert flowgraph.graph(again).critical_path().total == 133.5


def test_to_wire_round_trip_keeps_unknown_fields() -> None:
    job = flowgraph.load(fixture("new-enums.json"))
    wire = job.to_wire()
    assert wire["futureTopLevel"] == {"x": 1}
    assert wire["metadata"]["flow"][0]["hologram"] is True
    assert flowgraph.graph(wire).snapshot() == flowgraph.graph(job).snapshot()


def test_workflow_definition_has_no_statuses() -> None:
    definition = {"workflow": {"id": "wflow_abc", "name": "shots", "flow": [
        {"id": "gen", "type": "model", "inputs": [{"name": "p", "ref": {"node": "workflow", "name": "idea"}}]},
        {"id": "approve", "type": "user-approval", "dependsOn": ["gen"]}]}}
    fg = flowgraph.graph(definition)
    assert fg.job.definition and fg.job.job_id == "wflow_abc"
    assert sorted(fg.nx.edges) == [("gen", "approve"), ("input:idea", "gen")]
    assert fg.blocked() == []
    assert fg.snapshot().splitlines()[1] == "kind: definition"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"job": {"metadata": {}}}, "job.jobId: missing"),
        ({"job": None}, "job.job: expected a job object, got null"),
        ({"jobId": "j", "metadata": {"flow": {}}}, "job.metadata.flow: expected a list, got an object"),
        ({"jobId": "j", "metadata": {"flow": [{"id": "a", "dependsOn": "n1"}]}},
         'job.metadata.flow[0].dependsOn: expected a list, got a string "n1"'),
        ({"jobId": "j", "metadata": {"flow": [{"id": "a"}, {"id": "b", "inputs": [
            {"name": "x"}, {"name": "y", "ref": {"node": 12}}]}]}},
         "job.metadata.flow[1].inputs[1].ref.node: expected a string, got 12"),
        ({"jobId": "j", "metadata": {"flow": [{"type": "model"}]}}, "job.metadata.flow[0].id: missing"),
        ({"jobId": "j", "metadata": {"flow": ["a"]}}, 'job.metadata.flow[0]: expected an object, got a string "a"'),
        ({"jobId": "j", "metadata": {"flow": [{"id": "a", "iterationIndex": 1.5}]}},
         "job.metadata.flow[0].iterationIndex: expected a whole number, got 1.5"),
        ({"jobId": "j", "progress": True}, "job.progress: expected a number, got true"),
        ([1, 2], "job: expected a job object, got a list"),
        ({"hello": 1}, "job.jobId: missing"),
    ],
    ids=["no-jobId", "null-job", "flow-object", "dependsOn-string", "ref-node-number", "no-id",
         "node-string", "fractional-iteration", "bool-progress", "list", "no-job"],
)
def test_wrong_shapes_name_the_json_path(data: object, message: str) -> None:
    with pytest.raises(PayloadError) as info:
        flowgraph.load(data)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_nulls_are_empty() -> None:
    job = flowgraph.load({"jobId": "j", "metadata": None, "billing": None, "statusHistory": None})
    assert job.flow == [] and job.billing is None and job.status_history == []
    job = flowgraph.load({"jobId": "j", "metadata": {"flow": None}})
    assert job.flow == []
    job = flowgraph.load({"jobId": "j", "metadata": {"flow": [{"id": "a", "assets": None, "inputs": None}]}})
    assert job.flow[0].assets == [] and job.flow[0].inputs == []


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deep_nesting_is_a_source_error(depth: int) -> None:
    text = "[" * depth + "]" * depth
    with pytest.raises(SourceError, match="nested too deeply"):
        flowgraph.load(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"job": ', "not valid JSON: Expecting value (line 1, column 9)"),
        ("", "empty source"),
        ('{"jobId": "j", "progress": NaN}', "NaN is not allowed"),
    ],
)
def test_bad_text(text: str, message: str) -> None:
    with pytest.raises(SourceError, match=re.escape(message)):
        flowgraph.load(text)


def test_missing_file_and_directory(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SourceError, match="no-such.json: no such file"):
        flowgraph.load(str(tmp_path / "no-such.json"))
    with pytest.raises(SourceError, match="is a directory"):
        flowgraph.load(tmp_path)


def test_unknown_source_type() -> None:
    with pytest.raises(SourceError, match="cannot load a int"):
        flowgraph.load(12)


def test_unknown_fields_are_kept_and_listed_once() -> None:
    flow = [{"id": f"n{i}", "shiny": i} for i in range(50)]
    job = flowgraph.load({"jobId": "j", "metadata": {"flow": flow}})
    assert job.flow[7].extra == {"shiny": 7}
    assert job.unknowns == [("job.metadata.flow[0].shiny", "unknown field 'shiny' on a flow node")]


def test_duplicate_json_keys_last_wins() -> None:
    job = flowgraph.load('{"jobId": "a", "jobId": "b"}')
    assert job.job_id == "b"


@pytest.mark.parametrize("raw", [
    b'{"jobId": "j", "n": 123456789012345678901234567890, "x": -0, "f": 1.5e-7}',
    b'"\\ud800"',  # a lone surrogate: msgspec refuses it, json keeps it
    b"\xef\xbb\xbf{\"a\": 1}",  # a byte-order mark
    b"1e400",  # out of msgspec's range: json gives inf
    b'{"a": 1, "a": 2}',
    '{"caf\u00e9": "\u2713"}',
    '{"jobId": "j\ud800"}',  # text with a raw lone surrogate (a stream read with errors=...)
    b'[-0.0, 0.0, 1, 1.0, true, 5e-324, 1.7976931348623157e308]',
])
def test_decoding_accepts_and_returns_what_json_loads_does(raw: Any) -> None:
    from flowgraph.decode import decode_json

    assert repr(decode_json(raw)) == repr(json.loads(raw))  # repr: -0.0 != 0.0, 1 != 1.0


@pytest.mark.parametrize("raw, message", [
    (b'{"a": NaN}', "<bytes>: not valid JSON: NaN is not allowed in JSON"),
    (b'{"a": 1,}', "<bytes>: not valid JSON: Expecting property name enclosed in double quotes"
                   " (line 1, column 9)"),
    (b"[" * 100_000 + b"]" * 100_000, "<bytes>: JSON nested too deeply to read"),
    (b'"\xff"', "<bytes>: not valid JSON: 'utf-8' codec can't decode byte 0xff in position 1:"
                " invalid start byte"),
])
def test_invalid_json_gets_the_standard_librarys_one_line_error(raw: bytes, message: str) -> None:
    with pytest.raises(flowgraph.SourceError) as err:
        flowgraph.load(raw)
    assert str(err.value) == message
