"""The canonical structure text of a graph: what snapshot tests compare and reviewers read.

Format (version 1)
------------------

A UTF-8 text, one item a line, ending with a newline. Sections come in this order; ``inputs:``
and ``outputs:`` are left out when empty::

    # flowgraph snapshot v1                 the version line, always first
    kind: run                               run, or definition (a workflow before it runs)
    status: in-progress                     the job's status: only with statuses=True
    inputs:                                 workflow inputs read by the flow, by name
      idea
    nodes:                                  every node but the inputs, sorted by id
      ID: TYPE [key=value ...]
        case VALUE: CONDITION               an if/else node's cases, in their order
    edges:                                  every edge, sorted by source then target
      SOURCE -> TARGET: KIND[+KIND...] [=VALUE] [(INPUT, ...)]
    outputs:                                nodes whose results the run returns, sorted
      upscale

A node line's keys, in this order and only when they apply:

=================  ==========================================================================
``model=``         the model id (``modelId``)
``workflow=``      a ``workflow`` node's sub-workflow id
``logic=``         ``logicType`` (``if-else`` ...)
``default=``       an if/else node's default value (JSON)
``transform=``     a transform node's expression (JSON string)
``count=``         a for-each node's configured count
``iterations=``    how many iterations a for-each ran (a folded nested loop: over all copies)
``body=[a,b]``     a for-each node's body templates, sorted
``copy-of=``       ``copies=True`` only: the template of a loop copy (with ``loop=``,
                   ``iteration=``); a copy that matches no template shows ``loop=`` and
                   ``iteration=`` in either mode
``copies=``        a body template: how many copies of it the run made (folded mode)
``duplicate-of=``  a flow node whose id repeats an earlier one (shown as ``ID#2``)
``status=``        ``statuses=True`` only: the node's status
``statuses=``      ``statuses=True`` only, on a folded template: ``state:count,...``
=================  ==========================================================================

A node with type ``MISSING`` is a placeholder for a ref to an id that is not in the flow.
Workflow inputs are the nodes ``input:NAME`` in edges. An edge lists every relation between
its two nodes (strongest first: ``branch``, ``data``, ``item``, ``conditional``,
``depends_on``, ``loop_result``, ``iteration``, ``loop_body``; see :mod:`flowgraph.builder`),
a branch edge the case value it is live on (``="if1"``; several values are joined by ``|``)
and the input names it feeds, sorted.

The text is sorted and independent of flow order, key order and camelCase/snake_case input.
Left out: job ids, asset URLs, literal input values, timings, costs. By default loop copies
fold into their templates: a copy's edges become its template's and ``copies=N`` counts them,
so two runs differing only in iteration counts differ only in ``iterations=`` and ``copies=``.
``copies=True`` lists every copy instead, with its ``iteration`` edges; ``statuses=True`` adds
the job's and every node's status (per-state counts on folded templates). Ids and values that
are not plain words (letters, digits, ``_.:@/#'-``) are written as JSON strings.

:func:`structure` returns the same content as objects; :mod:`flowgraph.compare` diffs them.

>>> import flowgraph
>>> print(flowgraph.graph({"jobId": "j", "metadata": {"flow": [
...     {"id": "b", "type": "model", "modelId": "up", "dependsOn": ["a"]},
...     {"id": "a", "type": "model"}]}}).snapshot(), end="")
# flowgraph snapshot v1
kind: run
nodes:
  a: model
  b: model model=up
edges:
  a -> b: depends_on
outputs:
  b
>>> print(flowgraph.graph("examples/foreach-failed.json").snapshot(statuses=True), end="")
# flowgraph snapshot v1
kind: run
status: failure
inputs:
  subject
nodes:
  contact-sheet: transform transform="inputs.images.flatten()" status=pending
  each-style: for-each iterations=3 body=[render,upscale] status=failure
  render: custom-model model=model_sdxl-styles copies=3 statuses=failure:1,success:2
  style-list: list status=success
  upscale: model model=model_upscale-v3 copies=3 statuses=pending:1,success:2
edges:
  each-style -> contact-sheet: data (images)
  each-style -> render: data+loop_body (style)
  each-style -> upscale: loop_body
  input:subject -> render: data (prompt)
  render -> upscale: data (image)
  style-list -> each-style: data (array)
  upscale -> contact-sheet: loop_result
outputs:
  contact-sheet
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .vocab import EDGE_KINDS

if TYPE_CHECKING:
    from ._graph import GraphData

__all__ = ["VERSION", "EdgeShape", "NodeShape", "Structure", "snapshot", "structure"]

VERSION = 1
_PLAIN = re.compile(r"[A-Za-z0-9_.:@/#'-]+\Z")
_RANK = {kind: i for i, kind in enumerate(EDGE_KINDS)}


def _q(text: Any) -> str:
    """``text`` as is when it is a plain word, else as a JSON string.

    >>> _q("gen-1"), _q("x y"), _q(""), _q(None)
    ('gen-1', '"x y"', '""', '""')
    """
    text = "" if text is None else str(text)
    return text if _PLAIN.match(text) else json.dumps(text, ensure_ascii=False)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@dataclass(frozen=True)
class NodeShape:
    """One node of the structure: what it is (``type``, ``attrs``, ``cases``), how many times
    it ran (``iterations``, ``copies``: counts, not structure) and its ``status``."""

    id: str
    type: str
    #: ``node``, ``input`` (a workflow input ``input:NAME``) or ``missing`` (a placeholder)
    role: str = "node"
    #: Structural attributes in the format's order: model, workflow, logic, default, ...
    attrs: tuple[tuple[str, Any], ...] = ()
    #: An if/else node's cases: (value as JSON, condition)
    cases: tuple[tuple[str, str | None], ...] = ()
    iterations: int | None = None
    copies: int = 0
    #: The status, or per-state counts ``failure:1,success:2`` of a folded template's copies
    status: str | None = None

    def line(self, *, statuses: bool = False) -> str:
        """The node's line in the structure text (without indentation and case lines).

        >>> NodeShape("gen", "model", attrs=(("model", "flux"),), copies=2).line()
        'gen: model model=flux copies=2'
        """
        if self.role == "missing":
            return f"{_q(self.id)}: MISSING"
        parts = [f"{_q(self.id)}: {_q(self.type)}"]
        for key, value in self.attrs:
            if key == "body" and self.iterations is not None:
                parts.append(f"iterations={self.iterations}")
            if key in ("count", "iteration"):
                parts.append(f"{key}={value}")
            elif key == "body":
                parts.append("body=[" + ",".join(_q(b) for b in value) + "]")
            elif key in ("default", "transform"):
                parts.append(f"{key}={_json(value)}")
            else:
                parts.append(f"{key}={_q(value)}")
        if self.copies:
            parts.append(f"copies={self.copies}")
        if statuses:
            key = "statuses" if self.copies else "status"
            parts.append(f"{key}={self.status if self.copies else _q(self.status)}")
        return " ".join(parts)

    def case_lines(self) -> list[str]:
        """The ``case VALUE: CONDITION`` lines of an if/else node."""
        return [
            f"case {value}: {_q(cond) if cond is not None else '?'}" for value, cond in self.cases
        ]

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the node's structure and counts."""
        return {
            "id": self.id,
            "type": self.type,
            "role": self.role,
            "attrs": {k: list(v) if isinstance(v, tuple) else v for k, v in self.attrs},
            "cases": [{"value": json.loads(v), "condition": c} for v, c in self.cases],
            "iterations": self.iterations,
            "copies": self.copies,
        }


@dataclass(frozen=True)
class EdgeShape:
    """One folded edge: every relation ``kinds`` (strongest first), the branch values it is
    live on (``equals``, JSON texts) and the ``inputs`` it feeds (sorted)."""

    source: str
    target: str
    kinds: tuple[str, ...]
    inputs: tuple[str, ...] = ()
    equals: tuple[str, ...] = ()

    def line(self) -> str:
        """The edge's line in the structure text.

        >>> EdgeShape("pick", "a", ("branch",), ("image",), ('"if1"',)).line()
        'pick -> a: branch ="if1" (image)'
        """
        text = f"{_q(self.source)} -> {_q(self.target)}: {'+'.join(self.kinds)}"
        if self.equals:
            text += " =" + "|".join(self.equals)
        if self.inputs:
            text += " (" + ", ".join(_q(i) for i in self.inputs) + ")"
        return text

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: source, target, kinds, inputs, equal (decoded values)."""
        return {
            "source": self.source,
            "target": self.target,
            "kinds": list(self.kinds),
            "inputs": list(self.inputs),
            "equal": [json.loads(e) for e in self.equals],
        }


@dataclass
class Structure:
    """The content of the structure text as objects (see the module docstring)."""

    kind: str
    status: str | None
    #: Workflow input names
    inputs: list[str]
    #: Every node (inputs as ``input:NAME``, placeholders too) by id, sorted
    nodes: dict[str, NodeShape]
    #: Every folded edge by (source, target), sorted
    edges: dict[tuple[str, str], EdgeShape]
    outputs: list[str]
    #: Loop copy -> the template it folded into (empty with ``copies=True``)
    folded: dict[str, str] = field(default_factory=dict)

    def as_dict(self, *, statuses: bool = False) -> dict[str, Any]:
        """``flowgraph snapshot --json``: version, kind (and status), inputs, the nodes (not
        the inputs: they are under ``inputs``), edges, outputs and the structure text.

        >>> import flowgraph
        >>> data = structure(flowgraph.graph("examples/approval-parked.json")).as_dict()
        >>> sorted(data), data["nodes"][0]["id"]
        (['edges', 'inputs', 'kind', 'nodes', 'outputs', 'text', 'version'], 'approve')
        """
        shown = [n for n in self.nodes.values() if n.role != "input"]
        nodes = [{**n.as_dict(), "status": n.status} if statuses else n.as_dict() for n in shown]
        head: dict[str, Any] = {"version": VERSION, "kind": self.kind}
        if statuses:
            head["status"] = self.status
        edges = [e.as_dict() for e in self.edges.values()]
        body = {"inputs": self.inputs, "nodes": nodes, "edges": edges, "outputs": self.outputs}
        return {**head, **body, "text": self.text(statuses=statuses)}

    def text(self, *, statuses: bool = False) -> str:
        """The structure text (see the module docstring)."""
        lines = [f"# flowgraph snapshot v{VERSION}", f"kind: {self.kind}"]
        if statuses:
            lines.append(f"status: {_q(self.status)}")
        if self.inputs:
            lines.append("inputs:")
            lines += [f"  {_q(name)}" for name in self.inputs]
        lines.append("nodes:")
        for shape in self.nodes.values():
            if shape.role == "input":
                continue
            lines.append("  " + shape.line(statuses=statuses))
            lines += ["    " + case for case in shape.case_lines()]
        lines.append("edges:")
        lines += ["  " + edge.line() for edge in self.edges.values()]
        if self.outputs:
            lines.append("outputs:")
            lines += [f"  {_q(o)}" for o in self.outputs]
        return "\n".join(lines) + "\n"


def _fold_map(fg: GraphData) -> dict[str, str]:
    return {n: d["template"] for n, d in fg.graph.nodes(data=True) if "template" in d}


def _node_shape(
    fg: GraphData, n: str, d: dict[str, Any], copies_of: list[str], folding: bool
) -> NodeShape:
    role = d.get("role") or "node"
    if role == "input":
        return NodeShape(n, "workflow-input", role="input")
    if role == "missing":
        return NodeShape(n, "MISSING", role="missing")
    node = d["node"]
    attrs: list[tuple[str, Any]] = []
    if node.model_id:
        attrs.append(("model", node.model_id))
    if node.workflow_id and node.type == "workflow":
        attrs.append(("workflow", node.workflow_id))
    if node.logic_type:
        attrs.append(("logic", node.logic_type))
    cases: tuple[tuple[str, str | None], ...] = ()
    if node.logic is not None and node.logic.cases:
        cases = tuple((_json(c.value), c.condition) for c in node.logic.cases)
        attrs.append(("default", node.logic.default))
    if node.logic is not None and node.logic.transform:
        attrs.append(("transform", node.logic.transform))
    iterations = None
    loop = fg.loops.get(n)
    if loop is not None:
        if node.count is not None:
            attrs.append(("count", node.count))
        spawned = [fg.loops[c] for c in copies_of if c in fg.loops]
        iterations = sum(len(x.iterations) for x in spawned) if spawned else len(loop.iterations)
        attrs.append(("body", tuple(sorted(loop.body))))
    if node.loop_node_id is not None and (not folding or d.get("template") is None):
        if d.get("template") is not None:
            attrs.append(("copy-of", d["template"]))
        attrs.append(("loop", node.loop_node_id))
        attrs.append(
            ("iteration", node.iteration_index if node.iteration_index is not None else -1)
        )
    if d.get("duplicate_of"):
        attrs.append(("duplicate-of", d["duplicate_of"]))
    if copies_of:
        states = Counter(str(fg.graph.nodes[c].get("status")) for c in copies_of)
        status: str | None = ",".join(f"{k}:{v}" for k, v in sorted(states.items()))
    else:
        status = d.get("status")
        status = None if status is None else str(status)
    return NodeShape(
        n, str(d.get("type") or "?"), role, tuple(attrs), cases, iterations, len(copies_of), status
    )


def structure(fg: GraphData, *, copies: bool = False) -> Structure:
    """The structure of ``fg``: loop copies folded into their templates unless ``copies``.

    >>> import flowgraph
    >>> s = structure(flowgraph.graph("examples/nested-loops.json"))
    >>> s.nodes["shot"].copies, s.nodes["each-angle"].iterations, s.folded["shot-q10"]
    (4, 4, 'shot')
    >>> s.edges["each-product", "each-angle"].line()
    'each-product -> each-angle: data+loop_body (product)'
    """
    g = fg.graph
    fold = {} if copies else _fold_map(fg)
    copies_of: dict[str, list[str]] = defaultdict(list)
    for c, t in fold.items():
        copies_of[t].append(c)
    nodes = {
        n: _node_shape(fg, n, g.nodes[n], copies_of.get(n, []), not copies)
        for n in sorted(g)
        if n not in fold
    }
    merged: dict[tuple[str, str], tuple[set[str], set[str], set[str]]] = {}
    for u, v, d in g.edges(data=True):
        kinds = [k for k in d["kinds"] if copies or k != "iteration"]
        if not kinds:
            continue
        su, sv = fold.get(u, u), fold.get(v, v)
        if su == sv and u != v:
            continue
        entry = merged.setdefault((su, sv), (set(), set(), set()))
        entry[0].update(kinds)
        entry[1].update(i for i in d["inputs"] if i is not None)
        if "equal" in d:
            entry[2].add(_json(d["equal"]))
    edges = {
        key: EdgeShape(
            key[0],
            key[1],
            tuple(sorted(k, key=_RANK.__getitem__)),
            tuple(sorted(i)),
            tuple(sorted(e)),
        )
        for key, (k, i, e) in sorted(merged.items())
    }
    inputs = sorted(
        str(d.get("name", "")) for _, d in g.nodes(data=True) if d.get("role") == "input"
    )
    outputs = sorted(n for n, d in g.nodes(data=True) if d.get("output"))
    return Structure(
        kind="definition" if fg.job.definition else "run",
        status=fg.job.status,
        inputs=inputs,
        nodes=nodes,
        edges=edges,
        outputs=outputs,
        folded=fold,
    )


def snapshot(fg: GraphData, *, statuses: bool = False, copies: bool = False) -> str:
    """The structure text of ``fg`` (see the module docstring)."""
    return structure(fg, copies=copies).text(statuses=statuses)
