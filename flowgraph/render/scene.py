"""Pictures of a run: a Graphviz ``Digraph`` and its SVG/PNG/PDF, from a scene shared with Mermaid.

:func:`build_scene` decides what the picture shows (boxes, loop clusters, folded edges, states,
highlights) without any Graphviz; :func:`to_dot` turns a scene into a ``graphviz.Digraph`` and
:func:`render` into bytes. This is the only module that imports ``graphviz``, and it does so
lazily. Untrusted text never becomes DOT syntax: nodes get synthetic ids (``n0``, ``n1``... in
sorted order of node ids), every label, tooltip and link goes through
:mod:`flowgraph.quoting`, no DOT comment carries payload text, and edges never use ports.

What the picture shows:

* fill colour by state (:data:`STATES`): success green, failure red, processing blue, pending
  blue-grey, skipped pale and dashed, rejected purple, a gate waiting for a person amber, a node
  blocked by something upstream salmon, an unknown status neutral grey and dashed;
* shape by node type (:data:`SHAPES`): models are boxes, if/else a diamond, transform a
  parallelogram, list a note, approval an octagon, selection a hexagon, a sub-workflow a 3-D box,
  a for-each a folder; workflow inputs are arrows (``cds``), missing nodes dashed red boxes;
  outputs of the run have a double border;
* edges by kind (:data:`EDGE_STYLES`): data solid with the input name, branch labelled with the
  case value, conditional dashed, ``dependsOn`` dotted, loop results bold grey, loop body and
  iterations light;
* each for-each as a cluster; collapsed (default) to one box per body template with per-state
  counts (``2 ok / 1 failed``) and the failed iterations named; ``expand_loops=True`` draws
  every copy inside one cluster per iteration (loops with more than ``max_copies`` copies stay
  collapsed); nested loops nest.

>>> import flowgraph
>>> fg = flowgraph.graph("examples/approval-parked.json")
>>> dot = to_dot(fg, highlight_blocked=True)
>>> print(dot.source.splitlines()[0])
digraph flowgraph {
>>> 'n0 [label="approve\\\\nuser-approval\\\\npending: waiting for a person' in dot.source
True
>>> render(fg, "svg")[:5]
b'<?xml'
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING, Any, NamedTuple

from .builder import EDGE_KINDS
from .dot_exec import DEFAULT_TIMEOUT, DOT_FORMATS, run_dot
from .errors import FlowgraphError, RenderError
from .order import adjacency
from .quoting import clean, dot_url, escape_dot, is_safe_url
from .report import seconds
from .summary import iteration_state

if TYPE_CHECKING:
    import graphviz  # type: ignore[import-untyped]

    from .blocked import Blocked
    from .flow_graph import FlowGraph

__all__ = [
    "to_dot",
    "render",
    "build_scene",
    "Scene",
    "Box",
    "Cluster",
    "Link",
    "FORMATS",
    "STATES",
    "SHAPES",
    "EDGE_STYLES",
    "MAX_COPIES",
]

#: What :func:`render` can produce.
FORMATS = ("svg", "png", "pdf", "dot", "mermaid", "json")
#: Loops with more copies than this stay collapsed even with ``expand_loops=True``.
MAX_COPIES = 300
_FONT = "Helvetica,Arial,sans-serif"
_LINE = 48  # characters of one label line
_TIP = 300  # characters of one tooltip line
_BIG = 150  # boxes above which dot is asked for a quicker layout
#: Boxes above which edges are drawn straight: dot's spline router is quadratic-ish in the edges
#: of a rank and takes 3 of the 3.5 s of a collapsed 10k-node run (~1000 boxes); straight lines
#: take 0.4 s and stay readable left to right.
_STRAIGHT = 400


class Style(NamedTuple):
    """How one state is drawn: legend text, fill, border and font colours, dashed border."""

    label: str
    fill: str
    stroke: str
    font: str = "#212121"
    dashed: bool = False


#: Display states in legend order. ``gate`` is a gate parked for a person, ``blocked`` a node
#: that cannot progress (see :mod:`flowgraph.blocked`), ``unknown`` a status flowgraph does not
#: know, ``none`` no status at all (a workflow definition).
STATES: dict[str, Style] = {
    "success": Style("success", "#c8e6c9", "#2e7d32"),
    "failure": Style("failure", "#ffcdd2", "#c62828"),
    "processing": Style("processing", "#bbdefb", "#1565c0"),
    "pending": Style("pending", "#eceff1", "#78909c"),
    "skipped": Style("skipped", "#fafafa", "#bdbdbd", "#9e9e9e", True),
    "rejected": Style("rejected", "#e1bee7", "#6a1b9a"),
    "gate": Style("waiting for a person", "#ffe082", "#ff8f00"),
    "blocked": Style("blocked", "#ffccbc", "#d84315"),
    "unknown": Style("unknown status", "#d9d9d9", "#616161", "#212121", True),
    "none": Style("no status (definition)", "#ffffff", "#424242"),
    "input": Style("workflow input", "#e8eaf6", "#3949ab"),
    "missing": Style("missing node", "#ffffff", "#d32f2f", "#d32f2f", True),
}
_KNOWN_STATUS = ("success", "failure", "processing", "pending", "skipped", "rejected")
#: Which state a box of many nodes shows: the first one present.
_PRIORITY = ("failure", "rejected", "gate", "blocked", "processing", "pending", "unknown",
             "missing", "none", "input", "success", "skipped")
#: Status -> the word used in counts (``2 ok / 1 failed``).
WORDS = {"success": "ok", "failure": "failed", "rejected": "rejected",
         "processing": "running", "pending": "pending", "skipped": "skipped"}

#: Node type -> Graphviz shape; other types are ellipses.
SHAPES = {
    "model": "box",
    "custom-model": "box",
    "generate-prompt": "box",
    "remove-background": "box",
    "logic": "diamond",
    "transform": "parallelogram",
    "list": "note",
    "user-approval": "octagon",
    "user-selection": "hexagon",
    "workflow": "box3d",
    "for-each": "folder",
}

#: Edge kind -> Graphviz edge attributes, and the legend's words for it.
EDGE_STYLES: dict[str, tuple[dict[str, str], str]] = {
    "branch": ({"style": "solid", "color": "#6a1b9a", "fontcolor": "#6a1b9a"},
               "purple: if/else branch (label: case value)"),
    "data": ({"style": "solid"}, "solid: reads an output (label: input)"),
    "item": ({"style": "solid"}, "solid: list item input (label: input)"),
    "conditional": ({"style": "dashed"}, "dashed: conditional (merge after a branch)"),
    "depends_on": ({"style": "dotted"}, "dotted: depends on"),
    "loop_result": ({"style": "bold", "color": "#9e9e9e"}, "bold grey: loop results"),
    "iteration": ({"style": "dashed", "color": "#b0bec5", "arrowsize": "0.5"},
                  "light: loop body and iterations"),
    "loop_body": ({"style": "dashed", "color": "#b0bec5", "arrowsize": "0.5"},
                  "light: loop body and iterations"),
}
_RANK = {kind: i for i, kind in enumerate(EDGE_KINDS)}
_CRITICAL = "#0d47a1"
_ROOT = "#d50000"
_BLOCKED = "#ff6d00"
_GATE_REASONS = ("awaiting-approval", "awaiting-selection")

Key = tuple[str, ...]  # ("0", node id) for a node, ("1", loop, type) for a group of copies


@dataclass
class Box:
    """One drawn node: a flow node, a loop template standing for its copies, or a group."""

    key: Key
    kind: str  # node | input | missing | fold | group
    node: str | None  # the flow node it shows (the template for a fold)
    members: list[str]  # the flow nodes it stands for
    lines: list[str]  # label lines, cleaned and cut (escape them for the output format)
    state: str
    type: str | None
    shape: str
    tooltip: list[str] = field(default_factory=list)
    url: str | None = None
    output: bool = False
    cluster: Key | None = None
    mark: str | None = None  # root | blocked (highlight_blocked)
    note: str | None = None  # the explanatory line of the mark
    critical: bool = False
    id: str = ""


@dataclass
class Cluster:
    """A loop (``kind == "loop"``) or one of its iterations (``"iteration"``)."""

    key: Key
    kind: str
    lines: list[str]
    state: str | None
    parent: Key | None
    id: str = ""
    depth: int = 0


@dataclass
class Link:
    """One drawn edge: every graph edge between the nodes of two boxes, folded."""

    source: Box
    target: Box
    kinds: set[str] = field(default_factory=set)
    inputs: set[str] = field(default_factory=set)
    equals: set[str] = field(default_factory=set)
    count: int = 0
    critical: bool = False

    @property
    def kind(self) -> str:
        """The strongest kind (in :data:`flowgraph.builder.EDGE_KINDS` order)."""
        return min(self.kinds, key=lambda k: _RANK.get(k, len(_RANK)))

    @property
    def label(self) -> str:
        """Case values for a branch, input names for data, item and conditional edges."""
        if "branch" in self.kinds and self.equals:
            return _few(sorted(self.equals))
        if self.kind in ("data", "item", "conditional", "branch"):
            return _few(sorted(self.inputs))
        return ""


@dataclass
class Scene:
    """What a picture shows, sorted: boxes (ids ``n0``...), clusters, links, legend entries."""

    title: list[str]
    boxes: list[Box]
    clusters: list[Cluster]
    links: list[Link]
    states: list[str]
    kinds: list[str]
    outputs: bool
    highlights: list[str]


def _few(items: list[str], n: int = 3) -> str:
    text = ", ".join(items[:n]) + (f" +{len(items) - n}" if len(items) > n else "")
    return clean(text, _LINE)


def _id_line(node_id: str) -> str:
    """A node id as a label line; an id with nothing printable shows as ``(empty id)``."""
    return clean(node_id, _LINE, 3).strip() and clean(node_id, _LINE, 3) or "(empty id)"


def _status_word(status: object) -> str:
    if status is None:
        return "no status"
    return WORDS.get(str(status)) or clean(status, 20, 1)


def counts_text(statuses: Iterable[object]) -> str:
    """Per-state counts in a fixed order.

    >>> counts_text(["success", "failure", "success", "processing", "teleporting", None])
    '2 ok / 1 failed / 1 running / 1 no status / 1 teleporting'
    """
    counter = Counter(_status_word(s) for s in statuses)
    order = ["ok", "failed", "rejected", "running", "pending", "skipped"]
    keys = [k for k in order if counter[k]] + sorted(k for k in counter if k not in order)
    return " / ".join(f"{counter[k]} {k}" for k in keys)


def _indexes(word: str, paths: list[tuple[int, ...]], n: int = 6) -> str:
    paths = sorted(set(paths))
    names = [".".join(str(i) for i in p) for p in paths[:n]]
    more = f" +{len(paths) - n} more" if len(paths) > n else ""
    plural = "iterations" if len(paths) > 1 else "iteration"
    return f"{word}: {plural} {', '.join(names)}{more}"


def _aggregate(states: Iterable[str]) -> str:
    present = set(states)
    return next((s for s in _PRIORITY if s in present), "unknown")


class _SceneBuilder:
    def __init__(self, fg: FlowGraph, highlight_blocked: bool) -> None:
        self.fg = fg
        self.g = fg.nx
        self.nodes = adjacency(fg.nx)[0]  # node -> attributes (the dict: views cost 2x here)
        self.highlight_blocked = highlight_blocked  # the mark's line then says why
        try:
            found = fg.blocked()
        except FlowgraphError:
            found = []
        self.blocked: dict[str, Blocked] = {b.node: b for b in found}
        self.roots: dict[str, set[str]] = defaultdict(set)  # root cause -> nodes it blocks
        for b in found:
            for cause in b.causes:
                if cause != b.node:
                    self.roots[cause].add(b.node)
            if b.reason in (*_GATE_REASONS, "cycle") and b.node in b.causes:
                self.roots.setdefault(b.node, set())
        self._paths: dict[str, tuple[int, ...]] = {}

    # -- families: a top-level loop with its templates and copies ---------------------------
    def _parent(self, n: str) -> Any:
        d = self.nodes[n]
        p = d.get("loop_node_id")
        return p if p is not None else d.get("loop_template_of")

    def families(self) -> dict[str, str | None]:
        """Node -> the top-level loop it belongs to (itself for that loop), or None."""
        root: dict[str, str | None] = {}
        loops = self.fg.loops
        for n in self.g:
            chain: list[str] = []
            seen: set[str] = set()
            cur = n
            while True:
                if cur in root:
                    r = root[cur]
                    break
                if cur in seen:
                    r = None  # a cycle of loop references: draw them as plain nodes
                    break
                seen.add(cur)
                chain.append(cur)
                p = self._parent(cur)
                if p is None or p not in self.g:
                    r = cur if p is None and cur in loops else None
                    break
                cur = p
            for c in chain:
                root[c] = r
        return root

    def path(self, n: str) -> tuple[int, ...]:
        """Iteration indexes from the outermost loop down to the copy ``n``."""
        if n in self._paths:
            return self._paths[n]
        out: list[int] = []
        seen: set[str] = set()
        cur: Any = n
        while cur in self.g and cur not in seen:
            seen.add(cur)
            d = self.nodes[cur]
            if d.get("loop_node_id") is None:
                break
            index = d.get("iteration_index")
            out.append(index if isinstance(index, int) else -1)
            cur = d["loop_node_id"]
        self._paths[n] = tuple(reversed(out))
        return self._paths[n]

    # -- states and text ---------------------------------------------------------------------
    def state(self, n: str) -> str:
        d = self.nodes[n]
        role = d.get("role")
        if role in ("input", "missing"):
            return str(role)
        b = self.blocked.get(n)
        if b is not None:
            return "gate" if b.reason in _GATE_REASONS else "blocked"
        status = d.get("status")
        if status is None:
            return "none" if self.fg.job.definition else "unknown"
        return status if status in _KNOWN_STATUS else "unknown"

    def type_line(self, n: str) -> str:
        d = self.nodes[n]
        kind = d.get("type")
        extra = d.get("model_id") or d.get("workflow_id")
        text = "(no type)" if kind is None else str(kind)
        if extra:
            text += f": {extra}"
        return clean(text, _LINE, 1)

    def iteration_lines(self, loops: list[str]) -> list[str]:
        states: list[str] = []
        failed: list[tuple[int, ...]] = []
        rejected: list[tuple[int, ...]] = []
        for x in loops:
            loop = self.fg.loops.get(x)
            if loop is None:
                continue
            base = self.path(x)
            for i, copies in sorted(loop.iterations.items()):
                state = iteration_state([self.nodes[c].get("status") for c in copies])
                states.append(state)
                if state == "failure":
                    failed.append((*base, i))
                elif state == "rejected":
                    rejected.append((*base, i))
        if not states:
            return []
        plural = "iteration" if len(states) == 1 else "iterations"
        lines = [f"{len(states)} {plural}: {counts_text(states)}"]
        if failed:
            lines.append(_indexes("failed", failed))
        if rejected:
            lines.append(_indexes("rejected", rejected))
        return lines

    def notes(self, n: str) -> list[str]:
        """Tooltip lines of one flow node: ids, timings, cost, error and hint."""
        job = self.fg.job
        d = self.nodes[n]
        out = [f"{n}"]
        if d.get("role") == "input":
            return [f"workflow input {d.get('name', '')!s}"]
        if d.get("role") == "missing":
            return [f"{n}", "missing: referenced but not in the flow"]
        out.append(f"type: {d.get('type')}")
        status = d.get("status")
        out.append(f"status: {'no status' if status is None else status}")
        for key, word in (("model_id", "model"), ("workflow_id", "workflow"), ("job_id", "job")):
            if d.get(key):
                out.append(f"{word}: {d[key]}")
        if d.get("loop_node_id") is not None:
            out.append(f"copy in loop {d['loop_node_id']}, iteration {d.get('iteration_index')}")
        if d.get("loop_template_of") is not None:
            out.append(f"body template of loop {d['loop_template_of']}")
        timing = d.get("timing")
        if timing is not None:
            out.append(f"queue {seconds(timing.queue)}, run {seconds(timing.run)}, "
                       f"total {seconds(timing.total)}")
        child = job.node_jobs.get(d.get("job_id") or "")
        node = d.get("node")
        if child is not None:
            if child.metadata.error:
                out.append(f"error: {child.metadata.error}")
            if child.metadata.hint:
                out.append(f"hint: {child.metadata.hint}")
            if child.billing is not None and child.billing.cu_cost is not None:
                out.append(f"cost: {child.billing.cu_cost:g} CU")
        if node is not None:
            for key in ("error", "hint"):
                value = node.extra.get(key)
                if isinstance(value, str) and value:
                    out.append(f"{key}: {value}")
            if node.assets:
                out.append(f"{len(node.assets)} asset(s)")
        if n in (job.not_loaded or {}):
            out.append(f"node job not loaded: {job.not_loaded[n]}")
        b = self.blocked.get(n)
        if b is not None:
            out.append(f"blocked ({b.reason}): {b.message}")
        if d.get("output"):
            out.append("output of the run")
        return out

    def url(self, n: str) -> str | None:
        node = self.nodes[n].get("node")
        for asset in getattr(node, "assets", None) or []:
            if is_safe_url(asset.url):
                return str(asset.url).strip()
        return None

    # -- boxes -------------------------------------------------------------------------------
    def single(self, n: str) -> Box:
        d = self.nodes[n]
        role = d.get("role")
        if role == "input":
            return Box(("0", n), "input", n, [n], [_id_line(str(d.get("name", n))),
                       "workflow input"], "input", None, "cds", self.notes(n))
        if role == "missing":
            return Box(("0", n), "missing", n, [n], [_id_line(n), "missing"],
                       "missing", None, "box", self.notes(n))
        state = self.state(n)
        status = d.get("status")
        word = "no status" if status is None else str(status)
        if state == "gate":
            word += ": waiting for a person"
        elif state == "blocked" and not self.highlight_blocked:
            word += " (blocked)"
        timing = d.get("timing")
        if timing is not None and timing.total is not None:
            word += f", {seconds(timing.total)}"
        lines = [_id_line(n), self.type_line(n), clean(word, _LINE, 1)]
        lines += self.iteration_lines([n])
        kind = d.get("type")
        shape = "box" if kind is None else SHAPES.get(str(kind), "ellipse")
        return Box(("0", n), "node", n, [n], lines, state, kind, shape, self.notes(n),
                   self.url(n), bool(d.get("output")))

    def fold(self, template: str, copies: list[str], running: bool) -> Box:
        d = self.nodes[template]
        kind = d.get("type")
        shape = "box" if kind is None else SHAPES.get(str(kind), "ellipse")
        lines = [_id_line(template), self.type_line(template)]
        tooltip = [f"{template}", f"body template of loop {d.get('loop_template_of')}",
                   f"type: {kind}"]
        if not copies:
            lines.append("no copies yet")
            state = "pending" if running else self.state(template)
            tooltip.append("no copy of this template has been made yet")
            return Box(("0", template), "fold", template, [], lines, state, kind, shape,
                       tooltip)
        statuses = [self.nodes[c].get("status") for c in copies]
        lines.append(clean(counts_text(statuses), _LINE, 1))
        failed = [self.path(c) for c in copies if self.nodes[c].get("status") == "failure"]
        rejected = [self.path(c) for c in copies if self.nodes[c].get("status") == "rejected"]
        if failed:
            lines.append(_indexes("failed", failed))
        if rejected:
            lines.append(_indexes("rejected", rejected))
        if template in self.fg.loops:
            lines += self.iteration_lines([c for c in copies if c in self.fg.loops])
        tooltip.append(f"stands for {len(copies)} copies: {counts_text(statuses)}")
        bad = sorted(c for c in copies if self.nodes[c].get("status") in ("failure", "rejected"))
        if bad:
            tooltip.append("failed copies: " + ", ".join(bad[:10])
                           + (f" +{len(bad) - 10} more" if len(bad) > 10 else ""))
            tooltip += [line for line in self.notes(bad[0]) if line.startswith(("error", "hint"))]
        state = _aggregate(self.state(c) for c in copies)
        return Box(("0", template), "fold", template, list(copies), lines, state, kind, shape,
                   tooltip)

    def group(self, key: Key, copies: list[str]) -> Box:
        kind = key[2] or None
        statuses = [self.nodes[c].get("status") for c in copies]
        lines = [f"{len(copies)} other copies", clean(kind or "(no type)", _LINE, 1),
                 clean(counts_text(statuses), _LINE, 1)]
        tooltip = [f"copies in loop {key[1]} that match no body template",
                   ", ".join(sorted(copies)[:10])]
        state = _aggregate(self.state(c) for c in copies)
        shape = "box" if kind is None else SHAPES.get(kind, "ellipse")
        return Box(key, "group", None, list(copies), lines, state, kind, shape, tooltip)


def _root_reason(sb: _SceneBuilder, n: str) -> str:
    b = sb.blocked.get(n)
    if b is not None and b.reason in (*_GATE_REASONS, "cycle"):
        return b.reason
    if sb.nodes[n].get("role") == "missing":
        return "missing"
    return _status_word(sb.nodes[n].get("status"))


def _mark(sb: _SceneBuilder, box: Box) -> None:
    roots = [m for m in box.members if m in sb.roots]
    if roots:
        blocks = set().union(*(sb.roots[m] for m in roots))
        reasons = sorted({_root_reason(sb, m) for m in roots})
        box.mark = "root"
        box.note = f"root cause: {', '.join(reasons)}" + (
            f", blocks {len(blocks)}" if blocks else "")
        return
    stuck = [sb.blocked[m] for m in box.members if m in sb.blocked]
    if stuck:
        reasons = sorted({b.reason for b in stuck})
        count = f" ({len(stuck)})" if len(box.members) > 1 else ""
        box.mark = "blocked"
        box.note = f"blocked{count}: {', '.join(reasons)}"


def build_scene(
    fg: FlowGraph,
    *,
    expand_loops: bool = False,
    highlight_critical: bool = False,
    highlight_blocked: bool = False,
    max_copies: int = MAX_COPIES,
) -> Scene:
    """Decide what the picture of ``fg`` shows; :func:`to_dot` and Mermaid draw the result.

    >>> import flowgraph
    >>> scene = build_scene(flowgraph.graph("examples/foreach-failed.json"))
    >>> [(b.id, b.node, b.state) for b in scene.boxes][:3]
    [('n0', 'contact-sheet', 'blocked'), ('n1', 'each-style', 'failure'), ('n2', 'input:subject', 'input')]
    >>> [line for b in scene.boxes if b.node == "render" for line in b.lines]
    ['render', 'custom-model: model_sdxl-styles', '2 ok / 1 failed', 'failed: iteration 1']
    """
    sb = _SceneBuilder(fg, highlight_blocked)
    g = fg.nx
    nodes = sb.nodes
    loops = fg.loops
    root = sb.families()
    copies_in: Counter[str] = Counter()
    for n, r in root.items():
        if r is not None and nodes[n].get("loop_node_id") is not None:
            copies_in[r] += 1
    expanded = {r: expand_loops and copies_in[r] <= max_copies for r in copies_in}

    # which box stands for each node (None: not drawn)
    rep: dict[str, Key | None] = {}
    folds: dict[str, list[str]] = defaultdict(list)
    groups: dict[Key, list[str]] = defaultdict(list)
    for n in sorted(g):
        r = root.get(n)
        d = nodes[n]
        if r is None or not copies_in[r]:
            rep[n] = ("0", n)
        elif expanded[r]:  # every copy drawn; the templates they stand for are not
            rep[n] = None if d.get("loop_node_id") is None and n != r else ("0", n)
        elif d.get("loop_node_id") is None:
            rep[n] = ("0", n)
        elif d.get("template") in g and root.get(d["template"]) == r:
            rep[n] = ("0", d["template"])
            folds[d["template"]].append(n)
        else:
            group: Key = ("1", r, str(d.get("type") or ""))
            rep[n] = group
            groups[group].append(n)

    boxes: dict[Key, Box] = {}
    for n in sorted(g):
        own = rep[n]
        if own is None or own != ("0", n) or own in boxes:
            continue
        r = root.get(n)
        folded = (r is not None and copies_in[r] and not expanded[r] and n != r
                  and nodes[n].get("loop_node_id") is None)
        if folded:
            running = nodes[r].get("status") in ("pending", "processing") if r else False
            boxes[own] = sb.fold(n, folds.get(n, []), running)
        else:
            boxes[own] = sb.single(n)
    for group, members in sorted(groups.items()):
        boxes[group] = sb.group(group, members)

    # clusters: loops, and in expanded loops their iterations
    clusters: dict[Key, Cluster] = {}
    iteration_of: dict[Key, tuple[str, Any]] = {}

    def expanded_family(x: str) -> bool:
        r = root.get(x)
        return bool(r is not None and copies_in[r] and expanded[r])

    def iteration_key(x: str, i: Any) -> Key:
        key = ("iteration", x, f"{i:012d}" if isinstance(i, int) and i >= 0 else str(i))
        iteration_of[key] = (x, i)
        return key

    def cluster_parent(key: Key) -> Key | None:
        if key[0] == "iteration":
            return ("loop", key[1])
        x = key[1]
        d = nodes[x]
        if expanded_family(x):
            outer = d.get("loop_node_id")
            if outer is None or outer not in g:
                return None
            i = d.get("iteration_index")
            return iteration_key(outer, i if i is not None else -1)
        p = d.get("loop_template_of")
        if p is not None and p in g and p != x and p in loops and root.get(p) == root.get(x):
            return ("loop", p)
        return None

    def make(key: Key, parent: Key | None) -> Cluster:
        x = key[1]
        if key[0] == "loop":
            lines = [clean(f"for-each {x}", _LINE, 2)]
            if root.get(x) == x and copies_in[x] and not expanded[x]:
                lines.append(f"collapsed: {copies_in[x]} copies")
            return Cluster(key, "loop", lines, None, parent)
        _, i = iteration_of[key]
        loop = loops.get(x)
        copies = loop.iterations.get(i, []) if loop is not None else []
        state = iteration_state([nodes[c].get("status") for c in copies])
        word = WORDS.get(state, clean(state, 20, 1))
        return Cluster(key, "iteration", [f"iteration {i}: {word}"],
                       state if state in STATES else "unknown", parent)

    def ensure(key: Key | None) -> Key | None:
        chain: list[Key] = []
        cur = key
        while cur is not None and cur not in clusters and cur not in chain:
            chain.append(cur)
            cur = cluster_parent(cur)
        for k in reversed(chain):
            parent = cluster_parent(k)
            clusters[k] = make(k, parent if parent in clusters else None)
        return key

    def container(n: str) -> Key | None:
        """The cluster a drawn flow node sits in (a loop heads its own cluster)."""
        r = root.get(n)
        if r is None:
            return None
        d = nodes[n]
        if n in loops:
            return ensure(("loop", n))
        if expanded_family(n):
            x, i = d.get("loop_node_id"), d.get("iteration_index")
            return ensure(iteration_key(x, i if i is not None else -1)) if x in g else None
        p = d.get("loop_template_of")
        return ensure(("loop", p)) if p in g and p in loops else None

    for bkey in sorted(boxes):
        box = boxes[bkey]
        if box.kind == "group":
            box.cluster = ensure(("loop", bkey[1]))
        elif box.node is not None:
            box.cluster = container(box.node)

    # edges, folded onto boxes
    links: dict[tuple[Key, Key], Link] = {}
    for u, v, d in g.edges(data=True):
        ru, rv = rep[u], rep[v]
        if ru is None or rv is None or (ru == rv and u != v):
            continue  # folded inside one box (a real self-loop stays)
        kinds = d.get("kinds") or (d.get("kind"),)
        if set(kinds) <= {"iteration", "loop_body"} and _has_body_pred(g, v):
            continue
        link = links.get((ru, rv))
        if link is None:
            link = links[(ru, rv)] = Link(boxes[ru], boxes[rv])
        link.kinds.update(k for k in kinds if k)
        link.inputs.update(clean(i, _LINE, 1) for i in d.get("inputs", ()) if i)
        if "equal" in d:
            equal = d["equal"]
            text = equal if isinstance(equal, str) else json.dumps(equal, sort_keys=True)
            link.equals.add(clean(text, _LINE, 1))
        link.count += 1

    ordered = [boxes[k] for k in sorted(boxes)]
    for i, box in enumerate(ordered):
        box.id = f"n{i}"
    ordered_clusters = sorted(clusters.values(), key=lambda c: c.key)
    for i, cl in enumerate(ordered_clusters):
        cl.id = f"cluster_{i}"
        cl.depth = _depth(cl, clusters)
    index = {b.key: i for i, b in enumerate(ordered)}
    ordered_links = sorted(links.values(),
                           key=lambda lk: (index[lk.source.key], index[lk.target.key]))

    highlights = []
    if highlight_blocked and sb.blocked:
        highlights.append("blocked")
        for box in ordered:
            _mark(sb, box)
    if highlight_critical and _critical(fg, rep, boxes, links):
        highlights.append("critical")

    states = {b.state for b in ordered}
    kinds = {lk.kind for lk in ordered_links}
    return Scene(
        title=_title(fg),
        boxes=ordered,
        clusters=ordered_clusters,
        links=ordered_links,
        states=[s for s in STATES if s in states],
        kinds=[k for k in EDGE_KINDS if k in kinds],
        outputs=any(b.output for b in ordered),
        highlights=highlights,
    )


def _has_body_pred(g: Any, v: str) -> bool:
    """True when ``v`` (a template or a copy) reads another node of the same loop iteration."""
    nodes, pred, _ = adjacency(g)
    d = nodes[v]
    mine = (d.get("loop_node_id"), d.get("iteration_index"), d.get("loop_template_of"))
    if mine == (None, None, None):
        return False
    for p in pred[v]:
        pd = nodes[p]
        if (pd.get("loop_node_id"), pd.get("iteration_index"), pd.get("loop_template_of")) == mine:
            return True
    return False


def _depth(cl: Cluster, clusters: dict[Key, Cluster]) -> int:
    depth, cur, seen = 0, cl.parent, {cl.key}
    while cur is not None and cur in clusters and cur not in seen:
        seen.add(cur)
        depth += 1
        cur = clusters[cur].parent
    if cur is not None and cur in seen:
        cl.parent = None  # a loop that contains itself: hang it at the top
        return 0
    return depth


def _critical(fg: FlowGraph, rep: dict[str, Key | None], boxes: dict[Key, Box],
              links: dict[tuple[Key, Key], Link]) -> bool:
    try:
        cp = fg.critical_path()
    except FlowgraphError:
        return False  # a cycle: no critical path to show
    path: list[Key] = []
    for n in cp.nodes:
        key = rep.get(n)
        if key is not None and (not path or path[-1] != key):
            path.append(key)
    if len(path) < 2:
        return False
    for key in path:
        boxes[key].critical = True
        boxes[key].tooltip.append("on the critical path")
    for a, b in pairwise(path):
        if (a, b) in links:
            links[(a, b)].critical = True
    return True


def _title(fg: FlowGraph) -> list[str]:
    job = fg.job
    if job.definition:
        lines = [f"workflow {job.job_id} (definition)"]
    else:
        lines = [f"{job.job_id}: {job.status or 'no status'}"]
    if job.metadata.error:
        lines.append(f"error: {job.metadata.error}")
    if job.metadata.hint:
        lines.append(f"hint: {job.metadata.hint}")
    return [clean(line, 120, 1) for line in lines]


# -- DOT -------------------------------------------------------------------------------------
def _text(lines: Iterable[str], limit: int = 1000, left: bool = False) -> Any:
    """Label text: each line escaped; ``left`` ends every line with ``\\l`` (left-justified)."""
    import graphviz

    brk = "\\l" if left else "\\n"
    text = brk.join(escape_dot(line, limit, 3, brk) for line in lines)
    return graphviz.nohtml(text + brk if left and text else text)


def _node_attrs(box: Box) -> dict[str, Any]:
    style = STATES.get(box.state, STATES["unknown"])
    styles = ["filled"]
    if box.shape == "box":
        styles.append("rounded")
    if style.dashed:
        styles.append("dashed")
    lines = box.lines + ([box.note] if box.note else [])
    tooltip = [clean(line, _TIP, 1) for line in box.tooltip]
    attrs: dict[str, Any] = {
        "label": _text(lines),
        "shape": box.shape,
        "style": ",".join(styles),
        "fillcolor": style.fill,
        "color": style.stroke,
        "fontcolor": style.font,
        "tooltip": _text(tooltip[:20], 1500),
    }
    if box.output:
        attrs["peripheries"] = "2"
    if box.critical:
        attrs["color"], attrs["penwidth"] = _CRITICAL, "3"
    if box.mark == "blocked":
        attrs["color"], attrs["penwidth"] = _BLOCKED, "3"
    elif box.mark == "root":
        attrs["color"], attrs["penwidth"] = _ROOT, "4"
    url = dot_url(box.url) if box.url else None
    if url is not None:
        attrs["URL"] = url
    return attrs


def _legend(scene: Scene) -> str | None:
    rows = []
    for name in scene.states:
        s = STATES[name]
        rows.append(f'<TR><TD BGCOLOR="{s.fill}" COLOR="{s.stroke}" BORDER="1" WIDTH="18">'
                    f'</TD><TD ALIGN="LEFT">{s.label}</TD></TR>')
    notes = []
    if scene.outputs:
        notes.append("double border: output of the run")
    seen = set()
    for kind in scene.kinds:
        words = EDGE_STYLES.get(kind, ({}, ""))[1]
        if words and words not in seen:
            seen.add(words)
            notes.append(words)
    if "critical" in scene.highlights:
        notes.append("thick blue: critical path")
    marks = {b.mark for b in scene.boxes}
    if "root" in marks:
        notes.append("thick red border: root cause of blocked nodes")
    if "blocked" in marks:
        notes.append("thick orange border: blocked")
    rows += [f'<TR><TD COLSPAN="2" ALIGN="LEFT">{note}</TD></TR>' for note in notes]
    if not rows:
        return None  # an empty flow: nothing to explain (and an empty TABLE is not valid)
    return ('<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="1">'
            + "".join(rows) + "</TABLE>>")


def to_dot(
    fg: FlowGraph,
    *,
    expand_loops: bool = False,
    highlight_critical: bool = False,
    highlight_blocked: bool = False,
    legend: bool = True,
    max_copies: int = MAX_COPIES,
) -> graphviz.Digraph:
    """The picture of ``fg`` as a ``graphviz.Digraph`` (``.source`` is the DOT text).

    ``expand_loops`` draws every loop copy (loops with more than ``max_copies`` copies stay
    collapsed); ``highlight_critical`` draws the critical path thick blue (nothing when the
    graph has a cycle); ``highlight_blocked`` outlines root causes thick red and blocked nodes
    orange, with a line saying why; ``legend`` adds the legend cluster. A big picture (more
    than 150 boxes) asks ``dot`` for fewer layout passes, and above 400 boxes for straight
    edges, so that a collapsed 10k-node run renders in well under 3 s.

    >>> import flowgraph
    >>> dot = to_dot(flowgraph.graph("examples/foreach-failed.json"), legend=False)
    >>> "subgraph cluster_0" in dot.source and "2 ok / 1 failed" in dot.source
    True
    """
    import graphviz

    scene = build_scene(fg, expand_loops=expand_loops, highlight_critical=highlight_critical,
                        highlight_blocked=highlight_blocked, max_copies=max_copies)
    dot = graphviz.Digraph(
        "flowgraph",
        graph_attr={"rankdir": "LR", "fontname": _FONT, "fontsize": "12",
                    "label": _text(scene.title, left=True), "labelloc": "t", "labeljust": "l",
                    "tooltip": _text(scene.title), "nodesep": "0.25", "ranksep": "0.45",
                    "bgcolor": "white"},
        node_attr={"fontname": _FONT, "fontsize": "10", "margin": "0.12,0.05"},
        edge_attr={"fontname": _FONT, "fontsize": "9", "arrowsize": "0.7",
                   "color": "#424242"},
    )
    if len(scene.boxes) > _BIG:  # fewer layout passes: a big picture in seconds, not minutes
        dot.graph_attr.update(nslimit="2", nslimit1="2", mclimit="0.3")
    if len(scene.boxes) > _STRAIGHT:
        dot.graph_attr.update(splines="line")
    subs: dict[Key, graphviz.Digraph] = {}
    for cl in scene.clusters:
        sub = graphviz.Digraph(cl.id)
        if cl.kind == "loop":
            sub.attr(label=_text(cl.lines, left=True), style="rounded,filled", fillcolor="#f5f7fa",
                     color="#90a4ae", fontsize="11", tooltip=_text(cl.lines))
        else:
            style = STATES.get(cl.state or "unknown", STATES["unknown"])
            sub.attr(label=_text(cl.lines, left=True), style="rounded,dashed", color=style.stroke,
                     fontsize="10", tooltip=_text(cl.lines))
        subs[cl.key] = sub
    for box in scene.boxes:
        target = subs.get(box.cluster, dot) if box.cluster is not None else dot
        target.node(box.id, **_node_attrs(box))
    for cl in sorted(scene.clusters, key=lambda c: -c.depth):
        parent = subs.get(cl.parent, dot) if cl.parent is not None else dot
        parent.subgraph(subs[cl.key])
    table = _legend(scene) if legend else None
    if table is not None:
        with dot.subgraph(name="cluster_legend") as leg:
            leg.attr(label="legend", style="rounded", color="#b0bec5", fontsize="10")
            leg.node("legend", label=table, shape="plaintext", margin="0")
    for link in scene.links:
        attrs = dict(EDGE_STYLES.get(link.kind, ({}, ""))[0])
        label = link.label
        if label:
            attrs["label"] = _text([label], 200)
        if link.critical:
            attrs["color"], attrs["penwidth"] = _CRITICAL, "3"
        dot.edge(link.source.id, link.target.id, **attrs)
    return dot


def render(fg: FlowGraph, format: str = "svg", *, timeout: float = DEFAULT_TIMEOUT,
           **options: Any) -> bytes:
    """The picture of ``fg`` as bytes: svg, png or pdf (through ``dot``), dot (DOT text),
    mermaid (:func:`flowgraph.mermaid.to_mermaid`) or json (the node-link document).

    ``options`` are :func:`to_dot`'s; Mermaid uses ``expand_loops`` only, json none.
    ``timeout`` bounds the ``dot`` run (:class:`~flowgraph.errors.RenderError` after it).

    >>> import flowgraph
    >>> fg = flowgraph.graph("examples/approval-parked.json")
    >>> render(fg, "dot").startswith(b"digraph flowgraph {")
    True
    >>> render(fg, "mermaid").splitlines()[0]
    b'flowchart LR'
    >>> render(fg, "gif")
    Traceback (most recent call last):
        ...
    flowgraph.errors.RenderError: unknown format 'gif': expected one of svg, png, pdf, dot, mermaid, json
    """
    fmt = str(format).lower()
    unknown = sorted(set(options) - _OPTIONS)
    if unknown:
        raise TypeError(f"render() got unexpected option(s): {', '.join(unknown)}")
    if fmt == "dot" or fmt in DOT_FORMATS:
        source: str = to_dot(fg, **options).source
        if fmt == "dot":
            return source.encode("utf-8")
        return run_dot(source, fmt, timeout)
    if fmt == "mermaid":
        from .mermaid import to_mermaid

        return to_mermaid(fg, expand_loops=bool(options.get("expand_loops", False))).encode()
    if fmt == "json":
        text = json.dumps(fg.to_node_link(), indent=2, ensure_ascii=False) + "\n"
        return text.encode("utf-8")
    raise RenderError(f"unknown format {format!r}: expected one of {', '.join(FORMATS)}")


_OPTIONS = frozenset({"expand_loops", "highlight_critical", "highlight_blocked", "legend",
                      "max_copies"})
