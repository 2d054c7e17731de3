"""The CLI end to end: exit codes, JSON shapes, one-line errors, help for every command."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import flowgraph
import flowgraph._cmdio
import flowgraph.screen
from flowgraph._args import CACHE_COMMANDS, COMMANDS, SOURCE_COMMANDS, build_parser
from flowgraph.cli import main
from tests.conftest import ROOT, example, fixture


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main([*argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_critical_path_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "critical-path", str(example("timed-bundle.json")), "--json")
    data = json.loads(out)
    assert code == 0
    assert data["weight"] == "duration"
    assert data["nodes"] == ["prompt", "gen", "approve", "upscale", "remove-bg"]
    assert data["total"] == 133.5
    code, out, _ = cli(capsys, "critical-path", str(example("timed-bundle.json")), "--weight", "hops", "--json")
    assert json.loads(out)["total"] == 5


def test_blocked_json_and_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "blocked", str(example("approval-parked.json")), "--json")
    assert code == 1
    assert [{k: b[k] for k in ("node", "reason", "causes")} for b in json.loads(out)] == [
        {"node": "approve", "reason": "awaiting-approval", "causes": ["approve"]},
        {"node": "upscale", "reason": "waiting-on-gate", "causes": ["approve"]},
        {"node": "remove-bg", "reason": "waiting-on-gate", "causes": ["approve"]},
    ]
    code, out, _ = cli(capsys, "blocked", str(example("timed-bundle.json")), "--json")
    assert (code, json.loads(out)) == (0, [])


def test_blocked_human_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "blocked", str(example("foreach-failed.json")))
    assert code == 1
    assert "render-Lm2p -> upscale-Lm2p -> contact-sheet" in out


def test_lint_json_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "lint", str(fixture("broken.json")), "--json")
    findings = json.loads(out)
    assert code == 1
    assert set(findings[0]) == {"severity", "code", "node", "message"}
    assert {"cycle", "dangling-ref", "duplicate-id"} <= {f["code"] for f in findings}
    code, out, _ = cli(capsys, "lint", str(fixture("new-enums.json")), "--json")
    assert code == 0 and all(f["severity"] != "error" for f in json.loads(out))


def test_render_node_link_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "g.json"
    code, _, _ = cli(capsys, "render", str(example("foreach-failed.json")), "-o", str(target))
    doc = json.loads(target.read_text())
    assert code == 0 and doc["directed"] is True  # networkx's node-link key: edges go one way
    copy = next(n for n in doc["nodes"] if n["id"] == "render-Lm2p")
    assert (copy["type"], copy["status"], copy["loop_node_id"], copy["iteration_index"]) == (
        "custom-model", "failure", "each-style", 1)
    assert {"source": "upscale-Lm2p", "target": "contact-sheet", "kind": "loop_result",
            "kinds": ["loop_result"], "inputs": []} in doc["edges"]
    code, out, _ = cli(capsys, "render", str(example("foreach-failed.json")), "--format", "json", "-o", "-")
    assert json.loads(out) == doc


def test_snapshot_is_deterministic(capsys: pytest.CaptureFixture[str]) -> None:
    _, first, _ = cli(capsys, "snapshot", str(example("nested-loops.json")))
    _, second, _ = cli(capsys, "snapshot", str(example("nested-loops.json")))
    assert first == second and first.startswith("# flowgraph snapshot v1\n")


def test_upstream_downstream(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "downstream", str(example("approval-parked.json")), "approve", "--json")
    assert (code, json.loads(out)) == (0, ["remove-bg", "upscale"])
    code, _, err = cli(capsys, "upstream", str(example("approval-parked.json")), "nope")
    assert code == 2 and err == "flowgraph upstream: error: no node 'nope' in this graph\n"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["blocked", "missing.json"], "missing.json: no such file"),
        (["blocked", '{"job": '], "not valid JSON"),
        (["critical-path", str(fixture("broken.json"))], "the graph has a cycle"),
        (["lint", '{"jobId": "j", "metadata": {"flow": [{"id": 3}]}}'],
         "job.metadata.flow[0].id: expected a string, got 3"),
    ],
)
def test_bad_input_is_one_line_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    code, out, err = cli(capsys, *argv)
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_stdin_through_the_entry_point() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "flowgraph", "blocked", "-", "--json"],
        input=example("approval-parked.json").read_bytes(), capture_output=True, cwd=ROOT,
    )
    assert result.returncode == 1
    assert [b["node"] for b in json.loads(result.stdout)] == ["approve", "upscale", "remove-bg"]


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)
    return dict(action.choices) if action is not None else {}


def test_every_command_has_help_with_an_example() -> None:
    parser = build_parser()
    commands = _subparsers(parser)
    assert set(commands) == set(COMMANDS)
    assert set(_subparsers(commands["cache"])) == set(CACHE_COMMANDS)
    helps = {"": parser, **commands, **{f"cache {n}": p for n, p in _subparsers(commands["cache"]).items()}}
    for name, subparser in helps.items():
        text = subparser.format_help()
        assert "\nexamples:\n  " in text, name
        examples = text.split("\nexamples:\n", 1)[1].split("\n\n", 1)[0].splitlines()
        assert any(line.lstrip().startswith(f"flowgraph {name}".strip()) for line in examples), name


def _described(parser: argparse.ArgumentParser) -> list:
    """Every option of ``parser`` and its subcommands, in order, with what it does."""
    out = [parser.format_help(), parser.format_usage()]
    for action in parser._actions:
        out.append((action.option_strings, action.dest, action.default, action.nargs,
                    action.const, action.choices if not isinstance(action.choices, dict) else None,
                    action.required, action.help, action.metavar, getattr(action, "complete", None)))
    for sub in _subparsers(parser).values():
        out += _described(sub)
    return out


@pytest.mark.parametrize("name", [*COMMANDS, "cache clear"])
def test_the_parser_built_for_one_command_is_the_full_one_for_it(name: str) -> None:
    # main() builds only the command its argv names: that command's parser must be the same,
    # option for option, help and errors included; the other commands are not built at all
    argv = [*name.split(), "run.json"]
    one, full = build_parser(argv), build_parser()
    command = name.split()[0]
    assert list(_subparsers(one)) == [command]
    assert _described(_subparsers(one)[command]) == _described(_subparsers(full)[command])
    assert one.format_usage() == full.format_usage()
    for extra in ([], ["--json"], ["--bogus"], ["--help"]):
        outcomes = []
        for parser in (one, full):
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    outcomes.append(vars(parser.parse_args([*argv, *extra])))
                except SystemExit as exc:
                    outcomes.append(exc.code)
            outcomes.append((out.getvalue(), err.getvalue()))
        assert outcomes[:2] == outcomes[2:], (name, extra)


@pytest.mark.parametrize("argv", [[], ["--help"], ["-v"], ["blockd", "x"], ["--version"]])
def test_without_a_command_word_every_command_is_built(argv: list[str]) -> None:
    assert set(_subparsers(build_parser(argv))) == set(COMMANDS)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_is_in_the_readme(name: str) -> None:
    readme = (ROOT / "README.md").read_text()
    assert f"flowgraph {name}" in readme, f"README does not document `flowgraph {name}`"


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["critical-path"])
    assert info.value.code == 2
    assert main([]) == 2


@pytest.mark.dot
def test_render_svg_and_mermaid(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "run.svg"
    code, _, _ = cli(capsys, "render", str(example("approval-parked.json")), "-o", str(target),
                     "--highlight", "blocked")
    assert code == 0
    import xml.etree.ElementTree as ET

    root = ET.fromstring(target.read_bytes())
    titles = {t.text for t in root.iter("{http://www.w3.org/2000/svg}title")}
    assert {"approve", "upscale", "remove-bg"} <= {t for t in titles if t} or "approve" in target.read_text()
    code, out, _ = cli(capsys, "render", str(example("ifelse-skipped.json")), "-o", "-", "--format", "mermaid")
    assert code == 0 and out.startswith("flowchart LR")
    code, _, err = cli(capsys, "render", str(example("ifelse-skipped.json")), "-o", "x.txt")
    assert code == 2 and "cannot tell the format" in err


def test_diff_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "diff", str(example("approval-parked.json")), str(example("timed-bundle.json")))
    assert code == 1 and "+ node thumb: model model=model_thumbnailer" in out
    code, _, _ = cli(capsys, "diff", str(example("nested-loops.json")), str(example("nested-loops.json")))
    assert code == 0


# -- issue 13 ------------------------------------------------------------------------------------
LONG_CAUSE = "render-" + "x" * 90


def long_cause_run(tmp_path: Path) -> Path:
    path = tmp_path / "long.json"
    path.write_text(json.dumps({"job": {
        "jobId": "job_L0ng", "jobType": "workflow", "status": "failure",
        "metadata": {"workflowId": "wflow_l", "flow": [
            {"id": LONG_CAUSE, "type": "model", "status": "failure", "modelId": "model_" + "m" * 40},
            {"id": "sheet", "type": "transform", "status": "pending", "dependsOn": [LONG_CAUSE]}]}}}))
    return path


def test_show_piped_cuts_nothing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = cli(capsys, "show", str(long_cause_run(tmp_path)))
    assert code == 1 and "…" not in out  # something is blocked: exit 1, as `blocked`
    line = next(line for line in out.splitlines() if line.startswith("○  sheet"))
    assert line.endswith(f"  {LONG_CAUSE} (failed-upstream)") and len(line) > 100


def test_blocked_json_carries_the_root_causes_own_errors(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "blocked", str(fixture("show-failed-bundle.json")), "--json")
    (item,) = json.loads(out)
    assert code == 1 and (item["node"], item["causes"]) == ("remove-bg", ["upscale"])
    (error,) = item["errors"]
    assert (error["node"], error["job_id"], error["status"]) == ("upscale", "job_fu", "failure")
    assert error["error"].endswith("the model's worker returned HTTP 422 after 3 attempts)")
    assert error["hint"].startswith("Resize the image below 4096 px per side")
    code, out, _ = cli(capsys, "blocked", str(example("approval-parked.json")), "--json")
    assert [b["errors"] for b in json.loads(out)] == [[], [], []]


def test_blocked_and_summary_text_print_the_errors(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = cli(capsys, "blocked", str(fixture("show-failed-bundle.json")))
    assert "  error: Upscale failed: the input image is 6144x6144" in out
    _, out, _ = cli(capsys, "summary", str(fixture("show-failed-bundle.json")))
    assert "error (upscale): Upscale failed: the input image is 6144x6144" in out
    assert "cost: at least 21 CU (sum of 3 node jobs, 1 not loaded; the job itself says 0)" in out


def test_summary_json_carries_the_errors_in_full(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "summary", str(fixture("show-failed-bundle.json")), "--json")
    data = json.loads(out)
    assert code == 0
    assert (data["error"], data["hint"]) == (
        "Node upscale failed", "Open the node's job for details, then run the workflow again.")
    assert [(e["node"], e["job_id"]) for e in data["errors"]] == [("upscale", "job_fu")]
    assert len(data["errors"][0]["error"]) > 160


def _no_constants(name: str) -> None:
    raise AssertionError(f"not strict JSON: {name}")


@pytest.mark.parametrize("command", ["show", "summary"])
def test_json_output_is_strict(capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str) -> None:
    path = tmp_path / "inf.json"
    path.write_text('{"jobId": "job_1", "jobType": "workflow", "status": "in-progress", '
                    '"progress": 1e999, "billing": {"cuCost": 1e999}, "metadata": {"flow": ['
                    '{"id": "a", "type": "model", "status": "processing"}]}}')
    _, out, _ = cli(capsys, command, str(path), "--json")
    data = json.loads(out, parse_constant=_no_constants)
    if command == "show":
        assert data["job"]["progress"] is None and data["job"]["cost"] is None
    if command == "summary":
        assert data["cost"] is None
    _, out, _ = cli(capsys, "render", str(path), "--format", "json", "-o", "-")
    json.loads(out, parse_constant=_no_constants)


#: Every printing command, in one process whose stdout is ASCII (``{node}``: a node id).
PRINTING = [
    ["show"], ["show", "--json"], ["show", "--expand-loops"], ["blocked"], ["blocked", "--json"],
    ["summary"], ["summary", "--json"], ["snapshot", "--statuses"], ["snapshot", "--json"], ["critical-path"],
    ["critical-path", "--json"], ["lint"], ["lint", "--json"], ["upstream", "{node}"],
    ["downstream", "{node}", "--json"], ["render", "-o", "-", "--format", "dot"],
    ["render", "-o", "-", "--format", "mermaid"], ["render", "-o", "-", "--format", "json"],
    ["upstream", "no such \ud800 node"],
]


@pytest.mark.parametrize(("name", "node"), [("hostile-ids.json", "strict"), ("show-surrogates.json", "up")])
def test_a_stdout_that_is_not_utf8_never_raises(name: str, node: str) -> None:
    path = str(fixture(name))
    runs = [[argv[0], path, *(a.replace("{node}", node) for a in argv[1:])] for argv in PRINTING]
    runs.append(["diff", path, str(example("approval-parked.json"))])
    script = (
        "import json, sys\n"
        "from flowgraph.cli import main\n"
        "codes = [main(argv) for argv in json.loads(sys.stdin.read())]\n"
        "sys.stderr.write('exit codes ' + json.dumps(codes) + '\\n')\n"
    )
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    result = subprocess.run([sys.executable, "-c", script], input=json.dumps(runs).encode(),
                            cwd=ROOT, capture_output=True, env=env)
    stderr = result.stderr.decode("ascii")  # stderr is ASCII too; render's bytes go as UTF-8
    assert "Traceback" not in stderr and result.returncode == 0, stderr[-2000:]
    codes = json.loads(stderr.splitlines()[-1].removeprefix("exit codes "))
    assert len(codes) == len(runs) and set(codes) <= {0, 1, 2}
    assert codes[-2] == 2  # the node that is not there: a one-line error, no traceback
    assert "error: no node 'no such \\ud800 node' in this graph" in stderr
    # JSON on an ASCII stdout is escaped, and loads back to the same ids
    shown = subprocess.run([sys.executable, "-m", "flowgraph", "show", path, "--json"], cwd=ROOT,
                           capture_output=True, env=env)
    ids = [r["id"] for r in json.loads(shown.stdout)["rows"]]
    assert shown.returncode == {"hostile-ids.json": 0}.get(name, 1) and ids == [r["id"] for r in
                                             flowgraph.screen.show_data(flowgraph.graph(path))["rows"]]


def test_timeout_is_an_option_of_every_command_that_takes_a_job_id() -> None:
    parser = build_parser()
    for name in SOURCE_COMMANDS:
        extra = {"diff": ["b.json"], "node": ["n"], "upstream": ["n"], "downstream": ["n"], "render": ["-o", "-"],
                 "fetch": ["-o", "-"], "report": ["-o", "-"]}.get(name, [])
        args = parser.parse_args([name, "job_1", *extra, "--timeout", "2.5"])
        assert args.timeout == 2.5, name
        assert parser.parse_args([name, "job_1", *extra]).timeout is None
    assert parser.parse_args(["show", "job_1", "--timeout", "inf"]).timeout == float("inf")
    for bad in ("0", "-1", "soon", "nan"):
        with pytest.raises(SystemExit) as info:
            parser.parse_args(["show", "job_1", "--timeout", bad])
        assert info.value.code == 2


def test_timeout_goes_to_the_client_as_its_deadline(monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    import flowgraph.api

    seen: list[dict[str, object]] = []

    def fake_open_source(source: str, **options: object) -> object:
        seen.append(options)
        return flowgraph.load(example("approval-parked.json"))

    monkeypatch.setattr(flowgraph.api, "open_source", fake_open_source)
    cli(capsys, "summary", "job_1", "--timeout", "7")
    cli(capsys, "summary", "job_1")
    assert [s["deadline"] for s in seen] == [7.0, None]


def test_the_console_script_answers_as_main_does(capsys: pytest.CaptureFixture[str]) -> None:
    """``python -m flowgraph`` (cli.run, as the console script) ends with os._exit once the
    answer is flushed: the same output and exit status as main(), nothing lost, nothing kept
    in-process."""
    path = str(example("approval-parked.json"))
    for argv in (["blocked", path], ["critical-path", path, "--json"], ["nosuch"]):
        child = subprocess.run([sys.executable, "-m", "flowgraph", *argv], capture_output=True,
                               text=True, cwd=ROOT)
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse's usage error
            code = exc.code
        out, err = capsys.readouterr()
        assert (child.returncode, child.stdout, child.stderr) == (code, out, err)
    assert flowgraph._cmdio.KEPT is None


def test_a_reader_that_leaves_early_ends_the_command_quietly(tmp_path: Path) -> None:
    """``flowgraph render ... -o - | head -c 100``: the child's writes fail with EPIPE once the
    reader has gone; it ends with its status and no traceback."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate import encode, make_run

    run = tmp_path / "run.json"
    run.write_bytes(encode(make_run(300)))
    child = subprocess.Popen(
        [sys.executable, "-m", "flowgraph", "render", str(run), "--format", "json", "-o", "-"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    assert child.stdout is not None and child.stderr is not None
    assert child.stdout.read(100).startswith(b"{")
    child.stdout.close()
    err = child.stderr.read()
    assert child.wait(timeout=60) == 0 and err == b""
