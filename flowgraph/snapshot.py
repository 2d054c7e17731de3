"""The canonical structure text of a graph: what snapshot tests compare and reviewers read.

Format (version 1)::

    # flowgraph snapshot v1
    kind: run                          # or: definition
    inputs:
      idea
    nodes:
      gen: model model=flux-dev
      styles: for-each iterations=3 body=[gen]
    edges:
      input:idea -> gen: data (prompt)
      pick -> a: branch ="if1" (image)
    outputs:
      upscale

Sorted and independent of flow order, key order and camelCase/snake_case input. Left out:
job ids, asset URLs, timings, costs. Loop copies fold into their templates (``copies=N`` on the
template) unless ``copies=True``; ``statuses=True`` adds each node's status (per-state counts on
folded templates). Ids that are not plain words are written as JSON strings.

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
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .flow_graph import FlowGraph

__all__ = ["snapshot", "VERSION"]

VERSION = 1
_PLAIN = re.compile(r"[A-Za-z0-9_.:@/#'-]+\Z")


def _q(text: Any) -> str:
    text = "" if text is None else str(text)
    return text if _PLAIN.match(text) else json.dumps(text, ensure_ascii=False)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def snapshot(fg: FlowGraph, *, statuses: bool = False, copies: bool = False) -> str:
    """The structure text of ``fg`` (see the module docstring)."""
    g = fg.nx
    fold: dict[str, str] = {}
    if not copies:
        for n, d in g.nodes(data=True):
            template = d.get("template")
            if template is not None:
                fold[n] = template
    copy_count: Counter[str] = Counter(fold.values())
    copies_of: dict[str, list[str]] = defaultdict(list)
    for c, t in fold.items():
        copies_of[t].append(c)
    copy_states: dict[str, Counter[str]] = defaultdict(Counter)
    for n, t in fold.items():
        copy_states[t][str(g.nodes[n].get("status"))] += 1
    lines = [f"# flowgraph snapshot v{VERSION}", f"kind: {'definition' if fg.job.definition else 'run'}"]
    inputs = sorted(d.get("name", "") for _, d in g.nodes(data=True) if d.get("role") == "input")
    if inputs:
        lines.append("inputs:")
        lines += [f"  {_q(name)}" for name in inputs]
    lines.append("nodes:")
    for n in sorted(g):
        if n in fold:
            continue
        d = g.nodes[n]
        role = d.get("role")
        if role == "input":
            continue
        if role == "missing":
            lines.append(f"  {_q(n)}: MISSING")
            continue
        parts = [f"  {_q(n)}: {_q(d.get('type') or '?')}"]
        node = d["node"]
        if node.model_id:
            parts.append(f"model={_q(node.model_id)}")
        if node.workflow_id and node.type == "workflow":
            parts.append(f"workflow={_q(node.workflow_id)}")
        if node.logic_type:
            parts.append(f"logic={_q(node.logic_type)}")
        if node.logic is not None and node.logic.cases:
            values = ",".join(_json(c.value) for c in node.logic.cases)
            parts.append(f"cases=[{values}] default={_json(node.logic.default)}")
        if node.logic is not None and node.logic.transform:
            parts.append(f"transform={json.dumps(node.logic.transform)}")
        loop = fg.loops.get(n)
        if loop is not None:
            if node.count is not None:
                parts.append(f"count={node.count}")
            spawned = [fg.loops[c] for c in copies_of.get(n, ()) if c in fg.loops]
            total = sum(len(x.iterations) for x in spawned) if spawned else len(loop.iterations)
            parts.append(f"iterations={total}")
            parts.append("body=[" + ",".join(_q(b) for b in sorted(loop.body)) + "]")
        if copies and node.loop_node_id is not None:
            parts.append(f"copy-of={_q(d.get('template'))} loop={_q(node.loop_node_id)}"
                         f" iteration={node.iteration_index}")
        if copy_count.get(n):
            parts.append(f"copies={copy_count[n]}")
        if d.get("duplicate_of"):
            parts.append(f"duplicate-of={_q(d['duplicate_of'])}")
        if statuses:
            if copy_count.get(n):
                states = copy_states[n]
                parts.append("statuses=" + ",".join(f"{k}:{v}" for k, v in sorted(states.items())))
            else:
                parts.append(f"status={_q(d.get('status'))}")
        lines.append(" ".join(parts))
    edges: set[str] = set()
    for u, v, d in g.edges(data=True):
        su, sv = fold.get(u, u), fold.get(v, v)
        if not copies and d["kind"] == "iteration":
            continue
        if su == sv and (u != v):
            continue
        text = f"  {_q(su)} -> {_q(sv)}: {d['kind']}"
        if "equal" in d:
            text += f" ={_json(d['equal'])}"
        if d["inputs"]:
            text += " (" + ", ".join(_q(i) for i in sorted(d["inputs"])) + ")"
        edges.add(text)
    lines.append("edges:")
    lines += sorted(edges)
    outputs = sorted(_q(n) for n, d in g.nodes(data=True) if d.get("output"))
    if outputs:
        lines.append("outputs:")
        lines += [f"  {o}" for o in outputs]
    return "\n".join(lines) + "\n"
