"""Fuzzing: the example runs and fixtures, mutated structurally, through everything flowgraph does.

Each example takes a real run (``examples/*.json``, ``tests/fixtures/*.json``) and breaks it:
wrong types at any path, deleted and renamed keys, nulls, huge numbers, NaN and Infinity,
unicode with lone surrogates, nesting 600 levels deep, ids copied where they make duplicates
and loops of loops, and JSON text cut short. Then: load -> build -> every query (blocked, the
critical path for every weight, lint, summary, snapshot with statuses and copies, upstream and
downstream, diff with the original, the child graph of a node), every renderer (dot, mermaid,
json; svg on a few) and the people's texts (show, report). Each either works or raises a
:class:`flowgraph.FlowgraphError`, nothing else; and what works gives text every writer can
encode as UTF-8 and JSON that is strict (``allow_nan=False``).

``make test`` runs a few hundred examples, the same ones each time; ``make fuzz`` runs
``FLOWGRAPH_FUZZ_EXAMPLES`` (tens of thousands) of fresh random ones. A failure prints the
mutations and the source form: ``replay()`` in a Python shell reproduces it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import flowgraph
from flowgraph.report import blocked_text, critical_path_text, lint_text, summary_text
from flowgraph.screen import show_data
from flowgraph.show import show_text
from tests.conftest import EXAMPLES, FIXTURES, example

#: ``make fuzz`` sets it; 0 (the suite): a fixed, small, derandomized run.
FUZZ = int(os.environ.get("FLOWGRAPH_FUZZ_EXAMPLES", "0"))


def budget(share: float, default: int) -> settings:
    """Settings for one test: ``default`` examples in the suite, ``share`` of FUZZ in a fuzz run."""
    fuzzing = FUZZ > 0
    return settings(
        max_examples=max(1, int(FUZZ * share)) if fuzzing else default,
        deadline=None,
        derandomize=not fuzzing,
        database=None,
        suppress_health_check=list(HealthCheck),
        print_blob=fuzzing,
    )


PATHS = sorted([*EXAMPLES.glob("*.json"), *FIXTURES.glob("*.json")])
DOCS = {p.name: json.loads(p.read_text()) for p in PATHS}
NAMES = sorted(DOCS)
WEIGHTS = ("auto", "duration", "queue", "run", "hops")


def clone(value: Any) -> Any:
    """A deep copy of JSON-like data at any depth (``copy.deepcopy`` recurses)."""
    holder: list[Any] = [None]
    stack: list[tuple[Any, Any, Any]] = [(value, holder, 0)]
    while stack:
        item, into, slot = stack.pop()
        if isinstance(item, dict):
            new: Any = dict.fromkeys(item)
            stack.extend((v, new, k) for k, v in item.items())
        elif isinstance(item, list):
            new = [None] * len(item)
            stack.extend((v, new, i) for i, v in enumerate(item))
        else:
            new = item
        into[slot] = new
    return holder[0]


# -- what must hold of whatever works --------------------------------------------------------------
def _surrogate(text: str) -> bool:
    return not text.isascii() and any(0xD800 <= ord(c) <= 0xDFFF for c in text)


def check_text(text: Any, what: str) -> None:
    if isinstance(text, bytes):
        text.decode("utf-8")
        return
    assert isinstance(text, str), what
    assert not _surrogate(text), f"{what}: a lone surrogate"
    text.encode("utf-8")


def check_json(value: Any, what: str) -> None:
    check_text(json.dumps(value, allow_nan=False, ensure_ascii=False), what)


def check_graph(fg: flowgraph.FlowGraph) -> None:
    """No lone surrogate in the graph: ids, attribute texts, the job's ids."""
    for n, d in fg.graph.nodes(data=True):
        check_text(n, "node id")
        for key, value in d.items():
            if isinstance(value, str):
                check_text(value, f"node attribute {key}")
    for _, _, d in fg.graph.edges(data=True):
        for name in d.get("inputs", ()):
            check_text(name, "edge input")
    check_text(fg.job.job_id, "job id")
    for path, what in fg.job.unknowns:
        check_text(path + what, "unknowns")


def attempt(fn: Callable[[], Any]) -> Any:
    """``fn()``, or None when it raises a FlowgraphError (anything else fails the test)."""
    try:
        return fn()
    except flowgraph.FlowgraphError as exc:
        check_text(str(exc), "error message")
        return None


ORIGINALS: dict[str, flowgraph.FlowGraph] = {}


def original(name: str) -> flowgraph.FlowGraph:
    if name not in ORIGINALS:
        ORIGINALS[name] = flowgraph.graph(clone(DOCS[name]))
    return ORIGINALS[name]


def exercise(source: Any, base: str | None = None, svg: bool = False) -> flowgraph.FlowGraph | None:
    """Everything flowgraph does with ``source``; the graph when it loads, else None."""
    from flowgraph.render import render

    fg = attempt(lambda: flowgraph.graph(source))
    if fg is None:
        return None
    check_graph(fg)
    blocked = attempt(fg.blocked)
    if blocked is not None:
        check_json([b.as_dict() for b in blocked], "blocked")
        check_text(blocked_text(blocked, fg), "blocked text")
    for weight in WEIGHTS:
        cp = attempt(lambda w=weight: fg.critical_path(w))
        if cp is not None:
            check_json(cp.as_dict(), f"critical path {weight}")
            check_text(critical_path_text(cp), "critical path text")
    findings = attempt(fg.lint)
    if findings is not None:
        check_json([f.as_dict() if hasattr(f, "as_dict") else str(f) for f in findings], "lint")
        check_text(lint_text(findings), "lint text")
    summary = attempt(fg.summary)
    if summary is not None:
        check_json(summary.as_dict(), "summary")
        check_text(summary_text(summary, fg), "summary text")
    for statuses, copies in ((False, False), (True, True)):
        snap = attempt(lambda s=statuses, c=copies: fg.snapshot(statuses=s, copies=c))
        if snap is not None:
            check_text(snap, "snapshot")
    check_json(attempt(fg.to_node_link), "node link")
    nodes = sorted(fg.nx)
    for node in nodes[:2] + nodes[-1:]:
        attempt(lambda n=node: fg.upstream(n))
        attempt(lambda n=node: fg.downstream(n))
        attempt(lambda n=node: fg.child(n))
    if base is not None:
        changes = attempt(lambda: flowgraph.diff(original(base), fg, runs=True))
        if changes is not None:
            check_text(changes.text(), "diff text")
            check_json(changes.as_dict(), "diff")
    for fmt in ("dot", "mermaid", "json") + (("svg",) if svg else ()):
        picture = attempt(lambda f=fmt: render(fg, f, highlight_critical=True,
                                               highlight_blocked=True))
        if picture is not None:
            check_text(picture, fmt)
        attempt(lambda f=fmt: render(fg, f, expand_loops=True))
    for expand in (False, True):
        shown = attempt(lambda e=expand: show_data(fg, expand_loops=e))
        if shown is not None:
            check_json(shown, "show --json")
        text = attempt(
            lambda e=expand: show_text(fg, expand_loops=e, color=e, width=None if e else 80)
        )
        if text is not None:
            check_text(text, "show")
    return fg


# -- mutations -------------------------------------------------------------------------------------
def deep(levels: int, leaf: Any = "x", key: str | None = None) -> Any:
    value = leaf
    for _ in range(levels):
        value = {key: value} if key is not None else [value]
    return value


KEYS = ["id", "type", "status", "inputs", "dependsOn", "ref", "node", "name", "conditional",
        "equal", "items", "loopNodeId", "iterationIndex", "loopBodyNodeIds", "jobId", "logic",
        "cases", "default", "output", "count", "flow", "metadata", "job", "nodeJobs",
        "statusHistory", "billing", "cuCost", "progress", "workflow", "value", "modelId",
        "api_model_id", "model_id", "job_id", "loop_node_id", "date", "workflowId", "assets"]
ODD_TEXT = st.sampled_from([
    "", "\ud800", "a\udc80b", "\udbff\udfff", "\ud83d\ude00", "\x00", "\x1b[31m", "\u202e",
    "<b>x</b>", "a\\", "\\N", "workflow", "input:idea", "a:b", "x y", "NaN", "Infinity",
    "2026-11-20T09:00:00.000Z", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00", "soon",
    "for-each", "user-approval", "user-selection", "logic", "success", "failure",
    "pending", "processing", "skipped", "rejected", "teleporting", "in-progress", "canceled",
]) | st.integers(1000, 5000).map(lambda n: "x" * n)  # a long id, a long error
NUMBERS = st.one_of(
    st.integers(-3, 3),
    st.sampled_from([10**30, -(10**30), 2**63, 2**64 + 1, 1e308, -1e308, 5e-324, 1e400, -1e400,
                     float("nan"), 0.5, -0.0, 1.5]),
    st.floats(allow_nan=True, allow_infinity=True),
)
SMALL = st.recursive(
    st.none() | st.booleans() | NUMBERS | ODD_TEXT | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS), inner,
                                                                max_size=3),
    max_leaves=8,
)
DEEP = st.builds(deep, st.integers(600, 640), st.sampled_from(["x", None, 1.0e400, "\ud800"]),
                 st.sampled_from([None, "a", "items"]))
VALUES = st.one_of(SMALL, SMALL, SMALL, DEEP)


def _paths(value: Any) -> list[tuple[Any, ...]]:
    """Every path below the root (keys of dicts, indices of lists), without recursion."""
    out: list[tuple[Any, ...]] = []
    stack: list[tuple[Any, tuple[Any, ...]]] = [(value, ())]
    while stack:
        item, path = stack.pop()
        if path:
            out.append(path)
        if isinstance(item, dict):
            stack.extend((v, (*path, k)) for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((v, (*path, i)) for i, v in enumerate(item))
    out.sort(key=repr)  # the same order whatever dict order: examples shrink and replay
    return out


def _ids(doc: Any) -> list[str]:
    ids: set[str] = set()
    stack = [doc]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key in ("id", "node", "loopNodeId", "jobId"):
                if isinstance(item.get(key), str):
                    ids.add(item[key])
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return sorted(ids) or ["a"]


def _parent(doc: Any, path: tuple[Any, ...]) -> Any:
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    return parent


def mutate(doc: Any, op: str, where: int, value: Any, pick: int) -> Any:
    """``doc`` (a copy) with one mutation at the ``where``-th path (modulo their number)."""
    paths = _paths(doc)
    if not paths:
        return value
    path = paths[where % len(paths)]
    parent = _parent(doc, path)
    last = path[-1]
    ids = _ids(doc)
    if op == "replace":
        parent[last] = value
    elif op == "null":
        parent[last] = None
    elif op == "delete":
        del parent[last]
    elif op == "id":  # an id from the run where anything was: duplicates, self refs, loops
        parent[last] = ids[pick % len(ids)]
    elif op == "ids":
        parent[last] = [ids[(pick + i) % len(ids)] for i in range(pick % 4)]
    elif op == "duplicate" and isinstance(parent, list):
        parent.insert(last, clone(parent[last]))
    elif op == "rename" and isinstance(parent, dict):
        new = value if isinstance(value, str) else KEYS[pick % len(KEYS)]
        parent[new] = parent.pop(last)
    elif op == "wrap":
        parent[last] = deep(600 + pick % 40, parent[last])
    elif op == "graft":  # a copy of another part of the run: a node in a body, a flow in a ref
        other = paths[pick % len(paths)]
        if other[: len(path)] != path:  # not a part of what it replaces
            parent[last] = clone(_parent(doc, other)[other[-1]])
    else:
        parent[last] = value
    return doc


OPS = st.sampled_from(["replace", "replace", "null", "delete", "id", "id", "ids", "duplicate",
                       "rename", "wrap", "graft", "graft"])
MUTATION = st.tuples(OPS, st.integers(0, 10**6), VALUES, st.integers(0, 10**6))
FORMS = st.sampled_from(["dict", "text", "bytes", "raw-text", "cut"])


def as_source(doc: Any, form: str, cut: int) -> Any:
    """The mutated run as a source: the dict, JSON text or bytes (lone surrogates escaped, so
    the decoder meets them), text holding raw surrogates, or JSON text cut short."""
    if form == "dict":
        return doc
    try:
        text = json.dumps(doc)  # NaN and Infinity written as such: the decoder refuses them
    except (RecursionError, ValueError):
        return doc
    if form == "text":
        return text
    if form == "bytes":
        return text.encode()
    if form == "raw-text":
        return json.dumps(doc, ensure_ascii=False)
    return text[: cut % (len(text) + 1)]


def replay(name: str, mutations: list[tuple[str, int, Any, int]], form: str, cut: int) -> Any:
    """The source a fuzz example built (to reproduce a failure by hand)."""
    doc = clone(DOCS[name])
    for op, where, value, pick in mutations:
        doc = mutate(doc, op, where, clone(value), pick)
    return as_source(doc, form, cut)


@budget(0.9, 400)
@given(st.sampled_from(NAMES), st.lists(MUTATION, min_size=1, max_size=4), FORMS,
       st.integers(0, 10**6))
def test_mutated_runs_work_or_raise_flowgraph_errors(
    name: str, mutations: list[tuple[str, int, Any, int]], form: str, cut: int
) -> None:
    exercise(replay(name, mutations, form, cut), base=name)


@budget(0.1, 60)
@given(st.sampled_from(NAMES), st.integers(0, 10**6), st.integers(1, 10**6))
def test_truncated_json_text(name: str, where: int, size: int) -> None:
    text = json.dumps(DOCS[name])
    start = where % len(text)
    exercise(text[:start] + text[start + size % 50:])  # a hole in the text, or its end cut
    exercise(text[: where % len(text)].encode())


@pytest.mark.dot
@budget(0.005, 4)
@given(st.sampled_from(NAMES), st.lists(MUTATION, min_size=1, max_size=2))
def test_mutated_runs_render_as_svg(name: str, mutations: list[tuple[str, int, Any, int]]) -> None:
    exercise(replay(name, mutations, "dict", 0), svg=True)


# -- the cases issue 13 names, by hand -------------------------------------------------------------
def run_with(edit: Callable[[dict[str, Any]], Any], name: str = "foreach-failed.json") -> Any:
    doc = clone(DOCS[name])
    edit(doc)
    return doc


def _flow(doc: dict[str, Any]) -> list[dict[str, Any]]:
    flow: list[dict[str, Any]] = doc["job"]["metadata"]["flow"]
    return flow


def _set_ids(doc: dict[str, Any], suffix: str) -> None:
    text = json.dumps(doc).replace('"render"', f'"render{suffix}"')
    doc.clear()
    doc.update(json.loads(text))


SURROGATE_CASES: dict[str, Callable[[dict[str, Any]], Any]] = {
    "id": lambda d: _set_ids(d, "\ud800"),
    "label": lambda d: _flow(d)[2].update(type="custom\udc80model", modelId="model_\ud800x"),
    "workflowId": lambda d: d["job"]["metadata"].update(workflowId="wflow_\udfff"),
    "jobId": lambda d: d["job"].update(jobId="job_\ud800"),
    "error": lambda d: d["job"]["metadata"].update(error="Node failed: \udc80\udc81",
                                                   hint="\ud800"),
    "key": lambda d: _flow(d)[0].update({"sh\ud800iny": 1}),
    "input-value": lambda d: _flow(d)[2]["inputs"].append({"name": "n\ud800", "value": ["\udc00"]}),
}


@pytest.mark.parametrize("form", ["dict", "text", "bytes", "raw-text", "file"])
@pytest.mark.parametrize("case", sorted(SURROGATE_CASES))
def test_lone_surrogates_anywhere(case: str, form: str, tmp_path: Path) -> None:
    doc = run_with(SURROGATE_CASES[case])
    if form == "file":
        path = tmp_path / "run.json"
        path.write_text(json.dumps(doc))  # escaped: "\ud800" in the file
        source: Any = path
    else:
        source = as_source(doc, form, 0)
    fg = exercise(source, base="foreach-failed.json")
    assert fg is not None, f"{case} from {form} did not load"
    assert any("lone surrogate" in what for _, what in fg.job.unknowns)
    assert len(fg.nx) == len(original("foreach-failed.json").nx)


def test_lone_surrogates_in_ids_stay_consistent() -> None:
    fg = exercise(run_with(SURROGATE_CASES["id"]))
    assert fg is not None
    assert fg.loops["each-style"].body == ["render\ufffd", "upscale"]
    assert fg.nx.has_edge("render-Lm2p", "upscale-Lm2p")
    assert fg.nx.nodes["render-Lm2p"]["template"] == "render\ufffd"


NAN, INF = float("nan"), float("inf")
NUMBER_CASES: dict[str, Callable[[dict[str, Any]], Any]] = {
    "progress-nan": lambda d: d["job"].update(progress=NAN),
    "progress-inf": lambda d: d["job"].update(progress=INF),
    "progress-minus-inf": lambda d: d["job"].update(progress=-INF),
    "cost-nan": lambda d: d["job"]["billing"].update(cuCost=NAN, cuDiscount=INF),
    "count-inf": lambda d: _flow(d)[1].update(count=INF),
    "iteration-nan": lambda d: _flow(d)[5].update(iterationIndex=NAN),
    "equal-inf": lambda d: _flow(d)[3]["inputs"][0]["ref"].update(equal=INF),
    "value-nan": lambda d: _flow(d)[2]["inputs"][0].update(value=[NAN, {"x": -INF}]),
    "output-inf": lambda d: _flow(d)[0].update(output=INF),
}


@pytest.mark.parametrize("form", ["dict", "text-1e400"])
@pytest.mark.parametrize("case", sorted(NUMBER_CASES))
def test_non_finite_numbers_anywhere(case: str, form: str) -> None:
    doc = run_with(NUMBER_CASES[case])
    source: Any = doc
    if form == "text-1e400":  # what JSON text can say: 1e400 overflows to inf
        text = json.dumps(doc).replace("NaN", "-1e400").replace("-Infinity", "-1e400")
        source = text.replace("Infinity", "1e400")
    fg = exercise(source, base="foreach-failed.json")
    assert fg is not None
    assert any("not a finite number" in what for _, what in fg.job.unknowns)
    assert "nan" not in show_text(fg).lower().replace("nance", "")
    assert fg.job.progress is None or fg.job.progress == 0.8


def test_non_finite_numbers_in_a_bundles_node_jobs() -> None:
    def edit(doc: dict[str, Any]) -> None:
        for i, child in enumerate(doc["nodeJobs"].values()):
            child["job"]["billing"] = {"cuCost": [NAN, INF, 3.0][i % 3], "cuDiscount": 0}
            child["job"]["progress"] = -INF

    fg = exercise(run_with(edit, "timed-bundle.json"))
    assert fg is not None
    assert fg.summary().node_cost == 3.0
    assert "nan" not in show_text(fg).lower() and "inf%" not in show_text(fg).lower()


def _nine_mutual_loops(doc: dict[str, Any]) -> None:
    ids = [f"each-{i}" for i in range(9)]
    _flow(doc).extend({"id": i, "type": "for-each", "status": "processing",
                       "loopBodyNodeIds": ids} for i in ids)


STRUCTURE_CASES: dict[str, Callable[[dict[str, Any]], Any]] = {
    "deep-input-value": lambda d: _flow(d)[2]["inputs"].append({"name": "deep",
                                                                "value": deep(650)}),
    "deep-output-dict": lambda d: _flow(d)[0].update(output=deep(650, key="k")),
    "deep-unknown-field": lambda d: _flow(d)[4].update(future=deep(620)),
    "deep-equal": lambda d: _flow(d)[3]["inputs"][0]["ref"].update(equal=deep(600)),
    "deep-items": lambda d: _flow(d)[4]["inputs"].append(
        {"name": "x", "type": "inputs_array", "items": deep(600)}),
    "duplicate-ids": lambda d: _flow(d).extend(clone(_flow(d)[1:6])),
    "duplicate-deep": lambda d: (_flow(d)[2]["inputs"].append({"name": "v", "value": deep(650)}),
                                 _flow(d).append(clone(_flow(d)[2]))),
    "copy-of-a-non-loop": lambda d: _flow(d)[5].update(loopNodeId="style-list"),
    "copy-of-itself": lambda d: _flow(d)[5].update(loopNodeId=_flow(d)[5]["id"]),
    "copies-of-each-other": lambda d: (_flow(d)[5].update(loopNodeId=_flow(d)[6]["id"],
                                                          type="for-each"),
                                       _flow(d)[6].update(loopNodeId=_flow(d)[5]["id"],
                                                          type="for-each")),
    "loop-lists-itself": lambda d: _flow(d)[1]["loopBodyNodeIds"].append("each-style"),
    "loops-list-each-other": lambda d: (_flow(d)[2].update(type="for-each",
                                                           loopBodyNodeIds=["each-style"])),
    "nine-mutual-loops": _nine_mutual_loops,
    "body-lists-a-copy": lambda d: _flow(d)[1]["loopBodyNodeIds"].append(_flow(d)[5]["id"]),
    "ref-to-itself": lambda d: _flow(d)[3]["inputs"][0]["ref"].update(node="upscale"),
}


@pytest.mark.parametrize("form", ["dict", "text"])
@pytest.mark.parametrize("case", sorted(STRUCTURE_CASES))
def test_broken_structure(case: str, form: str) -> None:
    doc = run_with(STRUCTURE_CASES[case])
    exercise(as_source(doc, form, 0), base="foreach-failed.json")


def test_the_examples_themselves() -> None:
    for name in NAMES:
        assert exercise(clone(DOCS[name]), base=name) is not None, name
    assert exercise(example("timed-bundle.json")) is not None
