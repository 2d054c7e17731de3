"""Everything about one node: ``flowgraph node SOURCE NODE`` and ``fg.describe(node)``.

Type, status, model or workflow, each input with its value or ref and what the ref resolved to
(the node, the iteration's item, the branch value), dependsOn, the loop and iteration it belongs
to and its template, its job, timings, cost, error and hint, assets, what it blocks and what
blocks it, and its slack on the critical path (``kubectl describe`` for a flow node).

>>> import flowgraph
>>> fg = flowgraph.graph("examples/nested-loops.json")
>>> info = fg.describe("shot-w20")
>>> info.loop, info.iteration, info.template, info.job_id
('each-angle-w2', 0, 'shot', 'job_shot10')
>>> info.inputs[0]["resolved"]
{'node': 'each-angle-w2', 'iteration': 0}
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ._graph import node_dicts, node_pred
from ._text import one_line, seconds
from .blocked import blocked
from .critical import critical_path
from .errors import FlowgraphError

if TYPE_CHECKING:
    from ._graph import GraphData
    from .blocked import Blocked
    from .model import Input

__all__ = ["NodeInfo", "describe", "describe_many"]


@dataclass
class NodeInfo:
    """One node, described; :meth:`as_dict` is ``flowgraph node --json``."""

    id: str
    type: str | None
    status: str | None
    model_id: str | None
    workflow_id: str | None
    loop: str | None
    iteration: int | None
    template: str | None
    job_id: str | None
    inputs: list[dict[str, Any]] = field(default_factory=list)
    depends_on: list[str] = field(default_factory=list)
    timing: dict[str, float | None] = field(default_factory=dict)
    cost: float | None = None
    error: str | None = None
    hint: str | None = None
    assets: list[str] = field(default_factory=list)
    blocks: list[str] = field(default_factory=list)
    blocked_by: list[str] = field(default_factory=list)
    blocked_reason: str | None = None
    slack: float | None = None
    #: the sub-workflow the node sits in (``parent`` of a ``parent/child`` path), else None
    parent: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return dict(vars(self))

    def text(self) -> str:
        """The ``flowgraph node`` text: one ``key: value`` line per fact that is known."""
        rows: list[tuple[str, Any]] = [("node", self.id), ("type", self.type)]
        rows += [("status", self.status), ("model", self.model_id)]
        rows += [("workflow", self.workflow_id), ("inside", self.parent)]
        if self.loop is not None:
            rows.append(
                ("loop", f"{self.loop} iteration {self.iteration} (copy of {self.template})")
            )
        rows += [("job", self.job_id), ("depends on", ", ".join(self.depends_on) or None)]
        lines = [f"{k}: {one_line(str(v))}" for k, v in rows if v is not None]
        if self.inputs:
            lines.append("inputs:")
            lines += [f"  {_input_text(i)}" for i in self.inputs]
        t = self.timing
        if any(v is not None for v in t.values()):
            parts = [f"{k} {seconds(t.get(k))}" for k in ("queued", "run", "total")]
            lines.append("timing: " + ", ".join(parts))
        more: list[tuple[str, Any]] = [("cost", None if self.cost is None else f"{self.cost:g} CU")]
        more += [("error", self.error), ("hint", self.hint)]
        more += [("assets", ", ".join(self.assets) or None)]
        if self.blocked_by:
            more.append(("blocked by", f"{', '.join(self.blocked_by)} ({self.blocked_reason})"))
        more += [("blocks", ", ".join(self.blocks) or None)]
        more += [("slack", None if self.slack is None else f"{self.slack:g}")]
        lines += [f"{k}: {one_line(str(v))}" for k, v in more if v is not None]
        return "\n".join(lines)


def _input_text(i: dict[str, Any]) -> str:
    name = one_line(str(i["name"]))
    if i["ref"] is None:
        return f"{name} = {one_line(repr(i['value']))}"
    ref, res = i["ref"], i["resolved"] or {}
    text = f"{name} <- {one_line(str(ref['node']))}.{one_line(str(ref['name']))}"
    node = res.get("node")
    if node is not None and node != ref["node"]:
        text += f" -> {one_line(str(node))}"
    if "iteration" in res:
        text += f" item {res['iteration']}"
        if "value" in res:
            text += f" = {one_line(repr(res['value']))}"
    if "equal" in res:
        text += f" when = {one_line(repr(res['equal']))}"
    return text


def _resolved(fg: GraphData, node_id: str, inp: Input) -> dict[str, Any] | None:
    """What ``inp``'s ref points at in the graph: the source node (a loop copy's ref goes to
    the copy of its own iteration), for an ``item`` ref the iteration (and its item when the
    array is known), for a branch ref the case value."""
    ref = inp.ref
    if ref is None or ref.node is None:
        return None
    pred = node_pred(fg.graph, node_id)
    source = next((p for p, d in pred.items() if inp.name in d.get("inputs", ())), None)
    if source is None:
        source = ref.node if ref.node in pred else None
    if source is None:
        return {"node": None}
    out: dict[str, Any] = {"node": source}
    if ref.name == "item":
        k = _iteration_of(fg, node_id, source)
        if k is not None:
            out["iteration"] = k
            items = _items(fg, source)
            if items is not None and 0 <= k < len(items):
                out["value"] = items[k]
    if ref.equal is not None:
        out["equal"] = ref.equal
    return out


def _iteration_of(fg: GraphData, node_id: str, loop: str) -> int | None:
    """The iteration of ``loop`` that ``node_id`` (a copy, maybe nested deeper) belongs to."""
    n, seen, nodes = node_id, 0, node_dicts(fg.graph)
    while seen < 64:
        attrs = nodes.get(n)
        if attrs is None:
            return None
        parent = attrs.get("loop_node_id")
        if parent is None:
            return None
        if parent == loop:
            return attrs.get("iteration_index")
        n, seen = parent, seen + 1
    return None


def _items(fg: GraphData, loop: str) -> list[Any] | None:
    """The array a for-each walks, when the bundle says it: its ``items``, else the output of
    the node its ``array`` input reads."""
    node = fg.graph.nodes[loop].get("node")
    if node is None:
        return None
    if node.items:
        return list(node.items)
    for inp in node.inputs:
        if inp.ref is not None and inp.ref.node in fg.graph:
            src = fg.graph.nodes[inp.ref.node].get("node")
            if src is not None and isinstance(src.output, list):
                return list(src.output)
        if isinstance(inp.value, list):
            return list(inp.value)
    return None


def describe(fg: GraphData, node_id: str) -> NodeInfo:
    """Everything flowgraph knows about the flow node ``node_id`` (see the module doc)."""
    return describe_many(fg, [node_id])[0]


def describe_many(fg: GraphData, node_ids: Iterable[str]) -> list[NodeInfo]:
    """:func:`describe` for many nodes, with the blocked nodes and the critical path worked
    out once (the HTML report describes every node of a 10k-node run).

    >>> import flowgraph
    >>> [i.blocks for i in describe_many(flowgraph.graph("examples/approval-parked.json"),
    ...                                  ["approve", "upscale"])]
    [['remove-bg', 'upscale'], []]
    """
    items = blocked(fg)
    mine = {b.node: b for b in items}
    blocks: dict[str, set[str]] = {}
    for b in items:
        for c in b.causes:
            if c != b.node:
                blocks.setdefault(c, set()).add(b.node)
    try:
        slack = critical_path(fg).slack
    except FlowgraphError:  # a cycle: no critical path
        slack = {}
    return [_describe(fg, n, mine.get(n), sorted(blocks.get(n, ())), slack) for n in node_ids]


def _describe(
    fg: GraphData, node_id: str, mine: Blocked | None, blocks: list[str], slack: dict[str, float]
) -> NodeInfo:
    node = fg.node(node_id)
    attrs = fg.attrs(node_id)
    inputs = []
    for inp in node.inputs:
        ref = inp.ref
        inputs.append(
            {
                "name": inp.name,
                "value": inp.value,
                "ref": None if ref is None else {"node": ref.node, "name": ref.name},
                "resolved": _resolved(fg, node_id, inp),
            }
        )
    t = attrs.get("timing")
    timing = {
        "queued": getattr(t, "queue", None),
        "run": getattr(t, "run", None),
        "total": getattr(t, "total", None),
    }
    job_id = attrs.get("job_id")
    cost = fg.job.node_job_cost(job_id)
    err = fg.error(node_id)
    loop = attrs.get("loop_node_id")
    return NodeInfo(
        id=node_id,
        type=node.type,
        status=node.status,
        model_id=node.model_id,
        workflow_id=node.workflow_id,
        loop=loop,
        iteration=attrs.get("iteration_index") if loop is not None else None,
        template=attrs.get("template") if loop is not None else None,
        job_id=job_id,
        inputs=inputs,
        depends_on=list(node.depends_on),
        timing=timing,
        cost=cost,
        error=err.error if err else None,
        hint=err.hint if err else None,
        assets=[a.asset_id or a.url or "" for a in node.assets],
        blocks=blocks,
        blocked_by=list(mine.causes) if mine else [],
        blocked_reason=mine.reason if mine else None,
        slack=slack.get(node_id),
    )
