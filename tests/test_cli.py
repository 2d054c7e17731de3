"""The CLI end to end: exit codes, JSON shapes, one-line errors, help for every command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from flowgraph._args import COMMANDS, build_parser
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
    assert code == 0
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


def test_every_command_has_help_with_an_example_and_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert set(sub.choices) == set(COMMANDS)  # type: ignore[union-attr]
    for name, subparser in sub.choices.items():  # type: ignore[union-attr]
        text = subparser.format_help()
        assert "example:" in text and f"flowgraph {name}" in text
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
