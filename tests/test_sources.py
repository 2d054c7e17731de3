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
    if isinstance(value, dict):
        return {re.sub(r"(?<!^)([A-Z])", r"_\1", k).lower(): _snake(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_snake(v) for v in value]
    return value


def test_sdk_snake_case_model_dump_gives_the_same_graph(expected: str) -> None:
    # the SDK's own snake_case (api_model_id, api_model_types, nulls everywhere), not a regex:
    # tests/test_sdk_interop.py covers every form on every run
    from scenario_sdk.types.job_retrieve_response import JobRetrieveResponse

    dump = JobRetrieveResponse.model_validate(json.loads(APPROVAL.read_text())).model_dump()
    assert "api_model_id" in json.dumps(dump)
    assert snapshot_of(dump) == expected


def test_hand_written_snake_case_keys_give_the_same_graph(expected: str) -> None:
    # every key converted by rule (model_id, not the SDK's api_model_id): the other reading
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


@pytest.fixture
def default_recursion_limit() -> Any:
    """Python's default recursion limit for one test: the JSON decoders' depth limit is that
    limit, and a test run in-process before may have left it raised (mypy's api sets 2**14)."""
    before = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)
    yield
    sys.setrecursionlimit(before)


@pytest.mark.usefixtures("default_recursion_limit")
def test_deep_nesting_is_a_source_error() -> None:
    text = "[" * 100_000 + "]" * 100_000
    with pytest.raises(SourceError, match="nested too deeply"):
        flowgraph.load(text)


@pytest.mark.usefixtures("default_recursion_limit")
def test_nesting_near_the_limit_is_one_clear_error_on_every_python() -> None:
    """How deep JSON may nest is the interpreter's (about 1,000 levels on 3.10/3.11, far more
    from 3.12 on, whose JSON readers no longer count against the recursion limit): 1,000 levels
    is 'nested too deeply' on one and 'a list, not a job' on the other, a FlowgraphError
    with one line on both."""
    text = "[" * 1_000 + "]" * 1_000
    with pytest.raises(flowgraph.FlowgraphError) as err:
        flowgraph.load(text)
    message = str(err.value)
    assert "\n" not in message
    assert "nested too deeply" in message or "expected a job object, got a list" in message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"job": ', "not valid JSON: Expecting value (line 1, column 9)"),
        ("", "<text>: empty input: expected a job as JSON"),
        ("  \n", "<text>: empty input: expected a job as JSON"),
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


def _stdlib_error(raw: bytes) -> str:
    """The standard library's own words for bad JSON (3.13 words a trailing comma differently)."""
    try:
        json.loads(raw)
    except json.JSONDecodeError as exc:
        return f"{exc.msg} (line {exc.lineno}, column {exc.colno})"
    raise AssertionError(f"{raw!r} is valid JSON")


@pytest.mark.parametrize("raw, message", [
    (b'{"a": NaN}', "<bytes>: not valid JSON: NaN is not allowed in JSON"),
    (b'{"a": 1,}', "<bytes>: not valid JSON: " + _stdlib_error(b'{"a": 1,}')),
    (b"[" * 100_000 + b"]" * 100_000, "<bytes>: JSON nested too deeply to read"),
    (b'"\xff"', "<bytes>: not valid JSON: 'utf-8' codec can't decode byte 0xff in position 1:"
                " invalid start byte"),
])
def test_invalid_json_gets_the_standard_librarys_one_line_error(raw: bytes, message: str) -> None:
    with pytest.raises(flowgraph.SourceError) as err:
        flowgraph.load(raw)
    assert str(err.value) == message


# -- what is not one workflow job: one line naming where -----------------------------------------
@pytest.mark.parametrize("raw", [b"", b"  \n\t", "", "\n"])
def test_empty_file_stdin_bytes_and_text(raw: Any, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "run.json"
    path.write_bytes(raw.encode() if isinstance(raw, str) else raw)
    data = raw.encode() if isinstance(raw, str) else raw
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    cases = [(str(path), f"{path}"), (path, f"{path}"), ("-", "<stdin>"), (data, "<bytes>"),
             (io.BytesIO(data), "<stream>"), (data.decode(), "<text>")]
    for source, where in cases:
        with pytest.raises(SourceError) as err:
            flowgraph.load(source)
        assert str(err.value) == f"{where}: empty input: expected a job as JSON", source


def test_a_list_of_jobs_says_how_many_and_what_to_pass(tmp_path) -> None:  # type: ignore[no-untyped-def]
    job = json.loads(APPROVAL.read_text())
    path = tmp_path / "runs.json"
    path.write_text(json.dumps([job, job, job["job"]]))
    with pytest.raises(PayloadError) as err:
        flowgraph.load(path)
    assert str(err.value) == (f"{path}: expected a job object, got a list of 3 jobs: flowgraph "
                              "takes one job; pass one of them, e.g. the first")
    with pytest.raises(PayloadError) as err:
        flowgraph.load([job])
    assert str(err.value) == ("job: expected a job object, got a list of 1 job: flowgraph takes "
                              "one job; pass the job itself")
    with pytest.raises(PayloadError, match=r"^<text>: expected a job object, got an empty list: "
                                           r"flowgraph takes one job$"):
        flowgraph.load("[]")
    page = {"jobs": [job["job"], job["job"]], "nextPaginationToken": "tok_2"}
    with pytest.raises(PayloadError) as err:
        flowgraph.load(json.dumps(page).encode())
    assert str(err.value) == ("<bytes>: expected a job object, got a page of GET /jobs with 2 "
                              "jobs: flowgraph takes one job; pass one of them, e.g. the first")


NODE_JOB = {"job": {"jobId": "job_render1", "jobType": "flux", "status": "failure",
                    "metadata": {"workflowJobId": "job_F0rEachFailedCopy", "workflowId": "wflow_x",
                                 "error": "NSFW content detected"}}}


def test_a_job_of_another_type_says_what_it_is(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "node-job.json"
    path.write_text(json.dumps(NODE_JOB))
    with pytest.raises(SourceError) as err:
        flowgraph.load(path)
    assert str(err.value) == (
        f"{path}: job_render1 is a 'flux' job, not a workflow run (it has no metadata.flow); "
        "it is a node of the workflow job job_F0rEachFailedCopy: load that one")
    inference = {"jobId": "job_i", "metadata": {"type": "txt2img", "input": {"prompt": "a cat"}}}
    with pytest.raises(SourceError) as err:
        flowgraph.load(inference)
    assert str(err.value) == "job: job_i is a 'txt2img' job, not a workflow run (it has no metadata.flow)"


def test_what_is_still_a_run() -> None:
    # a workflow job whose flow is not there yet, a job of unknown type, a definition, a bundle
    # whose node jobs are other types, a newer job type that carries a flow
    assert flowgraph.load({"jobId": "j", "jobType": "workflow", "metadata": {}}).flow == []
    assert flowgraph.load({"jobId": "j"}).job_id == "j"
    assert flowgraph.load({"workflow": {"id": "wflow_a", "flow": []}}).definition
    bundle = flowgraph.load(example("timed-bundle.json"))
    assert {j.job_type for j in bundle.node_jobs.values()} == {"flux"}
    assert flowgraph.load(fixture("new-enums.json")).job_type == "hyper-splat"


# -- non-finite numbers: unknown, never a value --------------------------------------------------
@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")])
def test_non_finite_numbers_from_a_dict_are_unknown_and_noted(bad: float) -> None:
    data = json.loads(APPROVAL.read_text())
    data["job"]["progress"] = bad
    data["job"]["billing"]["cuCost"] = bad
    data["job"]["metadata"]["flow"][1]["inputs"][0]["value"] = [1, bad]
    job = flowgraph.load(data)
    assert job.progress is None and job.billing is not None and job.billing.cu_cost is None
    assert job.flow[1].inputs[0].value == [1, None]
    assert job.unknowns == [
        ("job.progress", f"not a finite number ({bad!r}), read as null (and 2 more)")]
    assert data["job"]["progress"] is bad  # the caller's dict is left as it was


def test_numbers_out_of_range_in_text_are_unknown() -> None:
    text = APPROVAL.read_text().replace('"progress": 0.4', '"progress": 1e400')
    assert "1e400" in text
    for source in (text, text.encode()):
        job = flowgraph.load(source)
        assert job.progress is None
        assert job.unknowns == [("job.progress", "not a finite number (inf), read as null")]
    json.dumps(flowgraph.graph(text).summary().as_dict(), allow_nan=False)


def test_parse_job_alone_reads_non_finite_progress_and_cost_as_unknown() -> None:
    from flowgraph.parse import parse_job

    job = parse_job({"jobId": "j", "progress": float("nan"), "billing": {"cuCost": float("inf")}})
    assert job.progress is None and job.billing is not None and job.billing.cu_cost is None
    with pytest.raises(PayloadError, match=r"flow\[0\].iterationIndex: expected a whole number, got inf"):
        parse_job({"jobId": "j", "metadata": {"flow": [{"id": "a", "iterationIndex": float("inf")}]}})


# -- lone surrogates: U+FFFD, the same everywhere ------------------------------------------------
def _has_surrogate(text: str) -> bool:
    return any(0xD800 <= ord(c) <= 0xDFFF for c in text)


def test_lone_surrogates_become_u_fffd_in_every_source(tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(APPROVAL.read_text())
    flow = data["job"]["metadata"]["flow"]
    text = json.dumps(data).replace('"gen"', '"gen\\ud800"').replace(
        '"job_r3Vq8ApprovalParked"', '"job_\\udc80"')
    assert '"gen\\ud800"' in text
    path = tmp_path / "run.json"
    path.write_text(text)
    raw_text = json.loads(text)  # a dict holding the lone surrogates themselves
    assert any(_has_surrogate(n["id"]) for n in raw_text["job"]["metadata"]["flow"])
    for source in (text, text.encode(), path, str(path), raw_text,
                   json.dumps(raw_text, ensure_ascii=False)):
        fg = flowgraph.graph(source)
        assert fg.job.job_id == "job_\ufffd"
        assert "gen\ufffd" in fg.nx and not any(_has_surrogate(n) for n in fg.nx)
        # refs to the id moved with it: the same edges as the run without surrogates
        assert sorted(fg.nx.edges) == sorted(
            (u.replace("gen", "gen\ufffd") if u == "gen" else u,
             v.replace("gen", "gen\ufffd") if v == "gen" else v)
            for u, v in flowgraph.graph(APPROVAL).nx.edges)
        assert [u[0] for u in fg.job.unknowns] == ["job.jobId"]
        assert fg.job.unknowns[0][1] == "a lone surrogate, read as U+FFFD (and 4 more)"  # 4 x gen
    assert len(flow) == 5  # the caller's data is left as it was


def test_a_file_name_with_a_lone_surrogate_gives_a_utf8_message(tmp_path) -> None:  # type: ignore[no-untyped-def]
    name = str(tmp_path / "run\udcff.json")  # what sys.argv holds for a non-UTF-8 file name
    with pytest.raises(SourceError) as err:
        flowgraph.load(name)
    assert str(err.value).endswith("run\ufffd.json: no such file")
    str(err.value).encode("utf-8")
