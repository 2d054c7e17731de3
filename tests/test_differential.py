"""The fast core against a reference: the same answers, over generated and random runs.

flowgraph's build and queries are tuned for speed (issue 14); two nets hold them to their
answers:

* a reference on networkx (``tests/reference.py``), written from the rules in the docs: the
  edges of flows without loops, every node's depth, the critical path's total and slack (and its
  nodes, by enumerating every path, on small graphs);
* the recorded answers (``tests/recorded/answers.json``): a SHA-256 of every answer of each
  payload (graph, findings, loops, order, blocked, lint, critical paths, snapshot), written by
  ``python tests/recorded/record.py`` from the implementation before the speed-up. A change
  that means to change an answer records them again, and says why in its commit.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import random
import sys
from pathlib import Path

import pytest

import flowgraph
from flowgraph.order import execution_order
from tests import reference

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from generate import make_bundle, make_run

RECORDED = Path(__file__).resolve().parent / "recorded" / "answers.json"
SEEDS = range(300)


def _graph(payload: dict) -> flowgraph.FlowGraph | None:
    try:
        return flowgraph.graph(payload)
    except flowgraph.FlowgraphError:
        return None


@pytest.mark.parametrize("chunk", range(3))
def test_edges_of_flows_without_loops_match_the_reference(chunk: int) -> None:
    compared = 0
    for seed in range(chunk * 100, chunk * 100 + 100):
        payload = reference.random_flow(random.Random(seed), loops=False)
        # each id once (duplicates are renamed: not what the reference models)
        flow = {n["id"]: n for n in reversed(payload["metadata"]["flow"])}
        payload["metadata"]["flow"] = list(reversed(flow.values()))
        fg = _graph(payload)
        if fg is None:
            continue
        expected = reference.edges(payload)
        got = {
            (u, v): (d["kind"], set(d["kinds"]), list(d["inputs"]))
            for u, v, d in fg.graph.edges(data=True)
        }
        assert got == expected, f"seed {seed}"
        compared += 1
    assert compared > 50


@pytest.mark.parametrize("chunk", range(3))
def test_order_and_critical_path_of_random_runs_match_the_reference(chunk: int) -> None:
    compared = 0
    for seed in range(chunk * 100, chunk * 100 + 100):
        fg = _graph(reference.random_flow(random.Random(seed)))
        if fg is None or execution_order(fg.execution) is None:
            continue  # a cycle: no order, no critical path
        assert execution_order(fg.execution).depth == reference.depths(fg.execution), seed
        cp = fg.critical_path("hops")
        expected = reference.critical(fg, "hops", enumerate_paths=True)
        assert (cp.nodes, cp.total, cp.slack) == (
            expected["nodes"], expected["total"], expected["slack"]), f"seed {seed}"
        compared += 1
    assert compared > 30  # many random runs have a cycle


@pytest.mark.parametrize("make, n", [(make_run, 2000), (make_bundle, 2000)])
def test_order_and_critical_path_of_generated_runs_match_the_reference(make, n) -> None:
    fg = flowgraph.graph(make(n, seed=3))
    assert execution_order(fg.execution).depth == reference.depths(fg.execution)
    weight = "duration" if make is make_bundle else "hops"
    cp = fg.critical_path(weight)
    expected = reference.critical(fg, weight, enumerate_paths=False)
    assert cp.total == expected["total"] and cp.slack == expected["slack"]
    # the path is a chain of edges whose weights make the total
    w = reference.weights(fg, weight)
    assert all(fg.execution.has_edge(a, b) for a, b in itertools.pairwise(cp.nodes))
    assert round(sum(w[x] for x in cp.nodes), 6) == cp.total


def recorded_payloads() -> dict[str, dict]:
    """What the recorded answers are of: generated runs and bundles, and random runs."""
    out: dict[str, dict] = {}
    for n, seed in ((300, 0), (1000, 1), (3000, 2)):
        out[f"run-{n}-{seed}"] = make_run(n, seed)
        out[f"bundle-{n}-{seed}"] = make_bundle(n, seed)
    for seed in SEEDS:
        out[f"random-{seed}"] = reference.random_flow(random.Random(10_000 + seed))
    return out


def digest(payload: dict) -> str:
    fg = _graph(payload)
    text = "error" if fg is None else reference.answers(fg)
    return hashlib.sha256(text.encode()).hexdigest()


def test_every_answer_is_the_recorded_one() -> None:
    recorded = json.loads(RECORDED.read_text())
    payloads = recorded_payloads()
    assert set(payloads) == set(recorded)
    changed = [name for name, payload in payloads.items() if digest(payload) != recorded[name]]
    assert not changed, f"answers changed for {len(changed)} payloads: {changed[:10]}"


def _without_core(g):  # the same dicts, no integer core: keyed_order's dict path
    from flowgraph._digraph import Digraph
    from flowgraph._graph import adjacency

    h = Digraph()
    nodes, pred, succ = adjacency(g)
    h._node, h._pred, h._succ = dict(nodes), dict(pred), dict(succ)
    return h


def test_the_keyed_order_on_the_core_is_the_one_on_the_dicts() -> None:
    """show's row order (keyed_order with its key: flow index, inputs first, placeholders
    last) from the integer core, on the built and the executed graph, against the dict path;
    a cycle gives None on both."""
    from flowgraph.order import keyed_order

    payloads = recorded_payloads()
    cyclic = 0
    for name in [n for n in payloads if not n.startswith("random-")] + [
        f"random-{s}" for s in SEEDS[:150]
    ]:
        fg = _graph(payloads[name])
        if fg is None:
            continue
        for g in (fg.graph, fg.execution):
            attrs = dict(g.nodes(data=True))

            def key(n: str, attrs=attrs) -> tuple[int, str]:
                index = attrs[n].get("flow_index")
                return (-1 if attrs[n].get("role") == "input" else 1 << 62) if index is None \
                    else index, n

            assert g.core is not None
            fast, slow = keyed_order(g, key), keyed_order(_without_core(g), key)
            assert fast == slow, name
            cyclic += fast is None
    assert cyclic  # some random runs have a cycle


def test_what_the_builder_hands_over_is_what_the_graph_says() -> None:
    """The builder gives GraphData its if/else nodes, body templates and copies' templates; a
    GraphData made without them (by hand) works them out from the graph: the same templates,
    branches not taken and blocked nodes."""
    from flowgraph._graph import GraphData
    from flowgraph.blocked import blocked, not_taken

    payloads = recorded_payloads()
    for name in [n for n in payloads if not n.startswith("random-")] + [
        f"random-{s}" for s in SEEDS[:100]
    ]:
        fg = _graph(payloads[name])
        if fg is None:
            continue
        bare = GraphData(fg.job, fg.graph, fg.loops, fg.build_findings, fg.inputs, fg.gates)
        assert bare.logic is None
        assert (bare.body_templates, bare.templates) == (fg.body_templates, fg.templates), name
        assert bare.copy_templates == fg.copy_templates, name
        assert not_taken(bare) == not_taken(fg), name
        assert [b.as_dict() for b in blocked(bare)] == [b.as_dict() for b in blocked(fg)], name
    assert any(_graph(payloads[n]).body_templates for n in payloads if n.startswith("run-"))


def _node_dicts(fg: flowgraph.FlowGraph) -> list:
    g = fg.graph
    return [
        [(n, list(d.items())) for n, d in g.nodes(data=True)],
        [(u, list(out.items())) for u, out in g.succ.items()],
        [(v, list(into.items())) for v, into in g.pred.items()],
        list(g),
    ]


def test_the_passes_make_no_attribute_dicts_and_late_ones_are_the_same() -> None:
    """blocked and the critical path read the core's heads and integer adjacency: on a run
    without a cycle the graph's attribute and neighbour dicts are still unmade after them
    (what the build saves, issue 14). Made then, they are the dicts (values and key order) of
    a graph whose dicts were read first; the executed graph's too."""
    payloads = recorded_payloads()
    late = 0
    for name in [n for n in payloads if not n.startswith("random-")] + [
        f"random-{s}" for s in SEEDS
    ]:
        first, later = _graph(payloads[name]), _graph(payloads[name])
        if first is None or later is None:
            continue
        made_first = _node_dicts(first)
        try:
            later.blocked(), later.critical_path("hops"), later.critical_path()
        except flowgraph.CycleError:
            pass  # a cycle's message names one: networkx reads the dicts
        else:
            if not later.job.definition:
                assert later.graph._nodes is None, name  # (internal: what is measured)
                assert later.graph.edges_later and later.execution.edges_later, name
                late += 1
        assert _node_dicts(later) == made_first, name
        for side in ("succ", "pred"):  # the executed graph: made late, and made at once
            lazy, eager = getattr(later.execution, side), getattr(first.execution, side)
            assert [(u, list(d.items())) for u, d in lazy.items()] == [
                (u, list(d.items())) for u, d in eager.items()
            ], name
    assert late > 50


def test_two_threads_reading_the_dicts_first_get_the_same_ones() -> None:
    import threading

    fg = flowgraph.graph(make_run(2000))
    got: list[object] = []
    start = threading.Barrier(2)

    def read() -> None:
        start.wait()
        got.append(fg.graph.nodes["prompt-0"])

    threads = [threading.Thread(target=read) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 2 and got[0] is got[1]


def test_a_graph_pickles_before_and_after_its_dicts_are_made() -> None:
    import pickle

    for name, payload in (("run", make_run(300)), ("bundle", make_bundle(300))):
        fresh = flowgraph.graph(payload)
        fresh.blocked(), fresh.critical_path()  # the executed graph made, its dicts not
        again = pickle.loads(pickle.dumps(fresh))
        assert _node_dicts(again) == _node_dicts(flowgraph.graph(payload)), name
        assert [b.as_dict() for b in again.blocked()] == [b.as_dict() for b in fresh.blocked()]
        read = pickle.loads(pickle.dumps(fresh))  # now with its dicts made
        assert _node_dicts(read) == _node_dicts(again), name
