"""Every ``examples/*.py`` runs from the repository root (``python examples/NAME.py``) and prints
its answer; the known ones are checked line by line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

SCRIPTS = sorted((ROOT / "examples").glob("*.py"))

#: script -> (exit code, lines its output must contain, exactly)
EXPECTED: dict[str, tuple[int, list[str]]] = {
    "why_blocked.py": (0, [
        "job job_r3Vq8ApprovalParked: in-progress, 3 blocked node(s)",
        "root cause approve (user-approval, pending)",
        "  blocks: upscale, remove-bg",
        "  fix: a person resumes the gate:",
        '    curl -X PUT "${SCENARIO_BASE_URL:-https://api.cloud.scenario.com/v1}/workflows/'
        'wflow_product_shots/user-approval?projectId=YOUR_PROJECT_ID" -u "$SCENARIO_SDK_API_KEY:$SCENARIO_SDK_API_SECRET" '
        "-H 'content-type: application/json' -d '{\"nodeId\": \"approve\", \"workflowJobId\": "
        "\"job_r3Vq8ApprovalParked\", \"action\": \"approve\"}'",
    ]),
    "where_time_went.py": (0, [
        "critical path (duration): prompt -> gen -> approve -> upscale -> remove-bg",
        "total: 2m13s",
        "  gen            1m30s  67%  (queue 10.0s, run 1m20s)",
        "waiting in queues: 13.5s of 2m13s on the critical path",
        "off the path: thumb could have taken 2m02s longer without delaying the run",
        "wall clock: 2m40s; 26.5s is on no node's clock (engine steps, gates waiting for a "
        "person, scheduling)",
    ]),
    "loop_failures.py": (0, [
        "loop each-style: 3 iteration(s): 1 failure, 2 success",
        "  iteration 1: render-Lm2p (copy of render) failure",
        "    upstream: each-style, input:subject, style-list",
        "    blocks: upscale-Lm2p, contact-sheet",
        "  iteration 1: upscale-Lm2p (copy of upscale) pending",
        "error: Node render-Lm2p failed: NSFW content detected",
    ]),
    "lint_before_run.py": (1, [
        "wflow_demo_portraits: 6 node(s)",
        "error dangling-ref [upscale]: input 'image' refers to 'retuoch', which is not in the flow",
        "warning if-else-without-default [route]: if/else has no default: when no case matches, "
        "every branch is skipped",
        "1 error(s), 2 warning(s)",
        "verdict: fix 1 error(s) before running",
    ]),
    "show_run.py": (0, [
        "job job_F0rEachFailedCopy  workflow wflow_product_shots",
        "next: fix the failed node render-Lm2p (each-style iteration 1) and re-run the workflow",
        "as data: next action 'fix-failed', 5 row(s), 0 parked gate(s)",
    ]),
}


def run(script: Path, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SCENARIO_SDK_", "NO_COLOR"))}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run(
        [sys.executable, str(script.relative_to(ROOT)) if cwd == ROOT else str(script), *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120,
    )


def test_there_are_example_scripts() -> None:
    assert len(SCRIPTS) >= 3
    assert set(EXPECTED) <= {s.name for s in SCRIPTS}


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.name for s in SCRIPTS])
def test_example_script(script: Path) -> None:
    result = run(script)
    code, lines = EXPECTED.get(script.name, (0, []))
    assert result.returncode == code, result.stderr
    assert result.stderr == ""
    assert result.stdout.strip(), f"{script.name} printed nothing"
    printed = result.stdout.splitlines()
    for line in lines:
        assert line in printed, f"{script.name}: {line!r} not in:\n{result.stdout}"


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.name for s in SCRIPTS])
def test_example_script_runs_from_anywhere(script: Path, tmp_path: Path) -> None:
    assert run(script, cwd=tmp_path).returncode == EXPECTED.get(script.name, (0, []))[0]


def test_scripts_take_another_source() -> None:
    result = run(ROOT / "examples" / "why_blocked.py", "examples/foreach-failed.json")
    assert result.returncode == 0, result.stderr
    assert "root cause render-Lm2p (custom-model, failure)" in result.stdout
    assert "  blocks: upscale-Lm2p, contact-sheet" in result.stdout
