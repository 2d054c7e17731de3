"""Where the time went (flowgraph.timeline), what-if (flowgraph.whatif), slack in text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import flowgraph
from flowgraph.cli import main
from flowgraph.errors import FlowgraphError
from flowgraph.timeline import accounting, timeline
from flowgraph.whatif import parse_speedup, top, what_if

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "examples" / "timed-bundle.json"
DIAMOND = ROOT / "tests" / "fixtures" / "timed-diamond.json"
LOOP = ROOT / "tests" / "fixtures" / "timed-loop.json"
TIMED = [BUNDLE, DIAMOND, LOOP]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (
            BUNDLE,
            {"elapsed": 160.0, "running": 125.0, "queued_only": 8.5, "gates": {"approve": 23.9},
             "idle": 2.6},
        ),
        (
            DIAMOND,
            {"elapsed": 17.5, "running": 14.4, "queued_only": 1.8, "gates": {}, "idle": 1.3},
        ),
        (
            LOOP,
            {"elapsed": 56.0, "running": 37.0, "queued_only": 2.8, "gates": {"approve": 14.0},
             "idle": 2.2},
        ),
    ],
    ids=lambda p: getattr(p, "stem", ""),
)
def test_accounting_is_exact(path: Path, expected: dict[str, object]) -> None:
    a = accounting(flowgraph.graph(path)).as_dict()
    assert {k: v for k, v in a.items() if k != "gates"} == pytest.approx(
        {k: v for k, v in expected.items() if k != "gates"}, abs=1e-9
    )
    assert a["gates"] == pytest.approx(expected["gates"], abs=1e-9)


@pytest.mark.parametrize("path", TIMED, ids=lambda p: p.stem)
def test_accounting_sums_to_the_elapsed_time(path: Path) -> None:
    a = accounting(flowgraph.graph(path))
    assert a.running is not None and a.queued_only is not None and a.idle is not None
    parts = a.running + a.queued_only + sum(a.gates.values()) + a.idle
    assert abs(parts - a.elapsed) < 1e-3


def test_without_node_jobs_only_the_elapsed_time_is_known() -> None:
    a = accounting(flowgraph.graph(ROOT / "examples" / "approval-parked.json"))
    assert (a.running, a.queued_only, a.idle) == (None, None, None)
    assert "no node jobs" in a.note and a.as_dict()["note"] == a.note
    definition = accounting(flowgraph.graph(ROOT / "tests" / "fixtures" / "real-docs-definition.json"))
    assert (definition.elapsed, definition.note) == (0.0, "a workflow definition: nothing has run")


def test_two_gates_parked_at_once_count_for_the_first() -> None:
    def t(s: float) -> str:
        return f"2026-01-01T00:00:{s:06.3f}Z"

    def job(jid: str, c: float, s: float, e: float) -> dict[str, object]:
        history = [("pending", c), ("in-progress", s), ("success", e)]
        return {"job": {"jobId": jid, "status": "success",
                        "statusHistory": [{"status": a, "date": t(b)} for a, b in history]}}

    bundle = {
        "job": {"jobId": "w", "status": "success", "createdAt": t(0),
                "statusHistory": [{"status": "success", "date": t(30)}],
                "metadata": {"flow": [
                    {"id": "a", "type": "model", "status": "success", "jobId": "ja"},
                    {"id": "b", "type": "model", "status": "success", "jobId": "jb"},
                    {"id": "g1", "type": "user-approval", "status": "success", "dependsOn": ["a"]},
                    {"id": "g2", "type": "user-approval", "status": "success", "dependsOn": ["b"]},
                    {"id": "x", "type": "model", "status": "success", "jobId": "jx",
                     "dependsOn": ["g1"]},
                    {"id": "y", "type": "model", "status": "success", "jobId": "jy",
                     "dependsOn": ["g2"]}]}},
        "nodeJobs": {"ja": job("ja", 0, 0, 2), "jb": job("jb", 0, 0, 4),
                     "jx": job("jx", 10, 10, 12), "jy": job("jy", 20, 20, 25)},
    }
    a = accounting(flowgraph.graph(bundle))
    # g1 parks at 2 until 10; g2 at 4 until 20: 4..10 is g1's, 12..20 g2's
    assert a.gates == pytest.approx({"g1": 6.0, "g2": 8.0})
    assert a.running == pytest.approx(4 + 2 + 5)
    assert a.idle == pytest.approx(5.0)


def test_the_timeline_has_one_running_span_per_node_job() -> None:
    tl = timeline(flowgraph.graph(LOOP))
    running = [s.node for s in tl.spans if s.kind == "running"]
    assert sorted(running) == ["collect", "final", "gen-0", "gen-1", "prep"]
    assert [s.node for s in tl.spans if s.kind == "gate"] == ["approve"]


def test_what_if_the_longest_node_is_faster_the_path_moves() -> None:
    w = what_if(flowgraph.graph(DIAMOND), {"b": "2x"})
    # a 0.5+2, b 0.9+10 -> 0.9+5, c 0.5+6, d 0.8+2: a-c-d is the longest now
    assert w.as_dict() == {
        "total": 16.2,
        "new_total": 11.8,
        "gain": 4.4,
        "path": ["a", "b", "d"],
        "new_path": ["a", "c", "d"],
    }


def test_what_if_scaling_the_queue_too() -> None:
    w = what_if(flowgraph.graph(DIAMOND), {"b": 0.5}, queue="scale")
    assert (w.new_total, w.new_path) == (11.8, ["a", "c", "d"])  # b 5.45 < c 6.5
    w = what_if(flowgraph.graph(DIAMOND), {"d": "1s"})
    assert (w.new_total, w.gain) == (15.2, 1.0)


def test_a_templates_factor_shrinks_all_its_copies() -> None:
    fg = flowgraph.graph(LOOP)
    w = fg.what_if({"gen": 0.5})
    # gen-0 1+20 -> 1+10, gen-1 2+30 -> 2+15: prep 1.3 + 17 + collect 1.5 + final 5
    assert (w.total, w.new_total, w.gain) == (39.8, 24.8, 15.0)
    assert w.new_path == ["prep", "loop", "gen-1", "collect", "approve", "final"]
    one = fg.what_if({"gen-1": 0.5})  # one copy only: the other copy takes the path
    assert (one.new_total, one.new_path[2]) == (28.8, "gen-0")


def test_top_ranks_by_gain_not_by_length() -> None:
    assert top(flowgraph.graph(DIAMOND), 2) == [
        {"node": "b", "gain": 4.4},
        {"node": "a", "gain": 1.0},
    ]
    ranked = top(flowgraph.graph(LOOP), 10)
    assert ranked[:3] == [
        {"node": "gen", "gain": 15.0},
        {"node": "gen-1", "gain": 11.0},
        {"node": "final", "gain": 2.0},
    ]
    assert "gen-0" not in [r["node"] for r in ranked]  # 21 s long, but off the path


def test_what_if_errors() -> None:
    fg = flowgraph.graph(DIAMOND)
    with pytest.raises(FlowgraphError, match="no node"):
        fg.what_if({"nope": 0.5})
    with pytest.raises(FlowgraphError, match="cannot read"):
        parse_speedup("fast")
    with pytest.raises(FlowgraphError, match="node timings"):
        flowgraph.graph(ROOT / "examples" / "approval-parked.json").what_if({"approve": 0.5})


def test_cli_time_and_what_if(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["time", str(LOOP), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"elapsed", "running", "queued_only", "gates", "idle"}
    assert main(["time", str(LOOP)]) == 0
    assert "gate approve" in capsys.readouterr().out
    assert main(["what-if", str(DIAMOND), "--faster", "b=2x", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["new_path"] == ["a", "c", "d"]
    assert main(["what-if", str(DIAMOND), "--top", "1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"top": [{"node": "b", "gain": 4.4}]}
    assert main(["what-if", str(DIAMOND), "--faster", "b"]) == 2
    assert main(["what-if", str(DIAMOND), "--faster", "b=2x"]) == 0
    assert "gain 4.4s" in capsys.readouterr().out


def test_show_says_where_the_time_went(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", str(BUNDLE), "--color", "never"]) == 0
    out = capsys.readouterr().out
    assert "time: 2m40s = running 2m05s + queued 8.5s + at gates 23.9s + idle 2.6s" in out


def test_critical_path_text_lists_slack_off_the_path(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["critical-path", str(LOOP)]) == 0
    lines = capsys.readouterr().out.splitlines()
    i = next(i for i, line in enumerate(lines) if line.startswith("off the path"))
    assert lines[i + 1].split() == ["gen-0", "21.0s", "11.0s"]


def _random_bundle(seed: int, n: int = 40) -> dict[str, object]:
    """A random DAG of ``n`` timed nodes (queue 1-4 s, run 1-39 s)."""
    import random

    def t(s: int) -> str:
        return f"2026-01-01T{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}.000Z"

    rng = random.Random(seed)
    flow, jobs = [], {}
    for i in range(n):
        deps = sorted({f"n{rng.randrange(i)}" for _ in range(rng.randrange(3))}) if i else []
        flow.append({"id": f"n{i}", "type": "model", "status": "success", "jobId": f"j{i}",
                     "dependsOn": deps})
        c, q, r = rng.randrange(3000), rng.randrange(1, 5), rng.randrange(1, 40)
        history = [("pending", c), ("in-progress", c + q), ("success", c + q + r)]
        jobs[f"j{i}"] = {"job": {"jobId": f"j{i}", "status": "success", "statusHistory": [
            {"status": status, "date": t(when)} for status, when in history]}}
    return {"job": {"jobId": "w", "status": "success", "metadata": {"flow": flow}},
            "nodeJobs": jobs}


@pytest.mark.parametrize("seed", range(8))
def test_top_agrees_with_a_what_if_per_node(seed: int) -> None:
    """The one-pass ranking is what one what-if per node of the run would say."""
    fg = flowgraph.graph(_random_bundle(seed))
    brute = sorted(
        ((g, n) for n in fg.execution if (g := what_if(fg, {n: 0.5}).gain) > 0),
        key=lambda t: (-t[0], t[1]),
    )
    assert [(r["gain"], r["node"]) for r in top(fg, 1000)] == brute
    assert top(fg, 3) == [{"node": n, "gain": g} for g, n in brute[:3]]


@pytest.mark.parametrize("path", TIMED, ids=lambda p: p.stem)
def test_top_agrees_with_what_if_on_the_examples(path: Path) -> None:
    fg = flowgraph.graph(path)
    keys = set(fg.execution) | {d["template"] for _, d in fg.execution.nodes(data=True)
                                if d.get("template")}
    keys = {k for k in keys if fg.graph.nodes[k].get("role") == "node"}
    brute = sorted(((g, k) for k in keys if (g := what_if(fg, {k: 0.5}).gain) > 0),
                   key=lambda t: (-t[0], t[1]))
    assert [(r["gain"], r["node"]) for r in top(fg, 1000)] == brute


def _loop_bundle() -> dict[str, Any]:
    return json.loads(LOOP.read_text())


def test_a_gates_own_timestamps_win() -> None:
    bundle = _loop_bundle()
    gate = next(n for n in bundle["job"]["metadata"]["flow"] if n["id"] == "approve")
    gate.update(startedAt="2026-11-20T10:00:40.000Z", completedAt="2026-11-20T10:00:45.000Z")
    a = accounting(flowgraph.graph(bundle))
    assert a.gates == {"approve": 5.0}
    assert a.idle == pytest.approx(2.2 + 9.0)  # 36..40 and 45..50 are nobody's now


def test_a_run_still_going_ends_at_the_last_time_known() -> None:
    bundle = _loop_bundle()
    job = bundle["job"]
    job.update(status="in-progress", updatedAt="2026-11-20T10:00:40.000Z")
    job["statusHistory"] = job["statusHistory"][:2]
    for node in job["metadata"]["flow"]:
        if node["id"] in ("approve", "final"):
            node["status"] = "pending"
    del bundle["nodeJobs"]["job_f"]
    a = accounting(flowgraph.graph(bundle))
    # the gate has waited since collect ended (36 s) and still does at 40 s
    assert (a.elapsed, a.gates) == (40.0, {"approve": 4.0})
    assert (a.running, a.queued_only, a.idle) == pytest.approx((33.0, 1.8, 1.2))
