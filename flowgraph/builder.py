"""Build the networkx graph of a job's flow: nodes, typed edges, loops, inputs, placeholders.

Nodes are keyed by flow node id; workflow inputs get their own keys (``input:NAME``) and refs to
ids that are not in the flow get a ``missing`` placeholder. Every edge has a ``kind``:

=============  ===========================================================================
``data``       ``inputs[].ref.node``: the target reads an output of the source
``branch``     a ref with ``equal``: live only when the if/else source chose that value
``conditional`` ``inputs[].ref.conditional``: succeeds/skips with the source
``item``       a ref inside an ``inputs_array`` item
``depends_on`` ``dependsOn``
``loop_body``  a for-each to each of its body templates
``iteration``  a for-each to each of its copies (one per template and iteration)
``loop_result`` the last copies of every iteration to a node that reads the loop's results
=============  ===========================================================================

Several relations between the same two nodes share one edge: ``kinds`` lists them all,
``kind`` is the strongest (in the order of the table) and ``inputs`` the input names.

>>> from flowgraph.sources import load
>>> fg = build(load({"jobId": "j", "metadata": {"flow": [
...     {"id": "prompt", "type": "generate-prompt", "status": "success",
...      "inputs": [{"name": "text", "ref": {"node": "workflow", "name": "idea"}}]},
...     {"id": "image", "type": "model", "status": "processing",
...      "inputs": [{"name": "prompt", "ref": {"node": "prompt", "name": "text"}}]}]}}))
>>> sorted((u, v, d["kind"]) for u, v, d in fg.nx.edges(data=True))
[('input:idea', 'prompt', 'data'), ('prompt', 'image', 'data')]
"""

from __future__ import annotations

import difflib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from .findings import Finding
from .model import FlowNode, Input, Job
from .timing import job_timing
from .vocab import GATE_TYPES

__all__ = ["build", "Loop", "EDGE_KINDS", "DEPENDENCY_KINDS"]

#: Edge kinds, strongest first (the order that picks an edge's ``kind``).
EDGE_KINDS = (
    "branch",
    "data",
    "item",
    "conditional",
    "depends_on",
    "loop_result",
    "iteration",
    "loop_body",
)
_RANK = {kind: i for i, kind in enumerate(EDGE_KINDS)}
#: Kinds through which a node reads or waits for another (what makes a loop consumer).
DEPENDENCY_KINDS = frozenset({"branch", "data", "item", "conditional", "depends_on"})


@dataclass
class Loop:
    """A for-each node (a template or a copy of one) and what it spawned.

    ``iterations`` maps an iteration index to the ids of its copies (sorted).
    """

    id: str
    body: list[str] = field(default_factory=list)
    iterations: dict[int, list[str]] = field(default_factory=dict)


class _Builder:
    def __init__(self, job: Job) -> None:
        self.job = job
        self.g: nx.DiGraph = nx.DiGraph()
        self.findings: list[Finding] = []
        self.nodes: dict[str, FlowNode] = {}
        self.template_of: dict[str, str] = {}
        self.copy_index: dict[tuple[str, int, str], str] = {}
        self.loops: dict[str, Loop] = {}
        self.inputs: dict[str, str] = {}
        self.edges: dict[tuple[str, str], dict[str, Any]] = {}

    # -- nodes -------------------------------------------------------------------------------
    def add_nodes(self) -> None:
        groups: dict[str, list[tuple[int, FlowNode]]] = defaultdict(list)
        for index, node in enumerate(self.job.flow):
            groups[node.id].append((index, node))
        taken = set(groups)
        for node_id, group in groups.items():
            if len(group) > 1:
                group.sort(key=lambda item: json.dumps(item[1].to_wire(), sort_keys=True))
                for n, (index, node) in enumerate(group[1:], start=2):
                    new_id = f"{node_id}#{n}"
                    while new_id in taken:
                        new_id += "'"
                    taken.add(new_id)
                    self.findings.append(
                        Finding(
                            "error",
                            "duplicate-id",
                            node_id,
                            f"{len(group)} flow nodes share the id {node_id!r}; "
                            f"flow[{index}] is shown as {new_id!r} and refs go to the first",
                        )
                    )
                    self._add(new_id, node, index, duplicate_of=node_id)
            index, node = group[0]
            self._add(node_id, node, index)

    def _add(self, key: str, node: FlowNode, index: int, duplicate_of: str | None = None) -> None:
        self.nodes[key] = node
        timing = None
        if node.job_id is not None:
            child = self.job.node_jobs.get(node.job_id)
            if child is not None:
                timing = job_timing(child)
        self.g.add_node(
            key,
            role="node",
            type=node.type,
            status=node.status,
            model_id=node.model_id,
            workflow_id=node.workflow_id,
            job_id=node.job_id,
            loop_node_id=node.loop_node_id,
            iteration_index=node.iteration_index,
            flow_index=index,
            duplicate_of=duplicate_of,
            timing=timing,
            node=node,
        )

    # -- loops -------------------------------------------------------------------------------
    def map_copies(self) -> None:
        nodes = self.nodes
        for key, node in nodes.items():
            if node.loop_body_node_ids or node.type == "for-each":
                self.loops[key] = Loop(key, list(node.loop_body_node_ids))
        copies = [k for k, n in nodes.items() if n.loop_node_id is not None]
        depth: dict[str, int] = {}
        for key in copies:
            chain, cur = [], key
            while cur not in depth and cur in nodes and nodes[cur].loop_node_id is not None:
                if cur in chain:
                    break
                chain.append(cur)
                cur = nodes[cur].loop_node_id or ""
            base = depth.get(cur, 0)
            for n, item in enumerate(reversed(chain), start=1):
                depth[item] = base + n
        copies.sort(key=lambda k: (depth.get(k, 0), k))
        index_cache: dict[str, dict[tuple[Any, ...], list[str]]] = {}
        for key in copies:
            node = nodes[key]
            loop_id = node.loop_node_id or ""
            iteration = node.iteration_index if node.iteration_index is not None else -1
            loop = self.loops.get(loop_id)
            if loop is None:
                self.findings.append(
                    Finding(
                        "warning" if loop_id in nodes else "error",
                        "orphan-copy",
                        key,
                        f"loop copy names loopNodeId {loop_id!r}, which is "
                        + ("not a for-each node" if loop_id in nodes else "not in the flow"),
                    )
                )
                continue
            loop.iterations.setdefault(iteration, []).append(key)
            body = loop.body or self._body_via_template(loop_id)
            template = self._match(key, node, body, index_cache)
            if template is None:
                self.findings.append(
                    Finding(
                        "warning",
                        "unmatched-copy",
                        key,
                        f"no body template of loop {loop_id!r} has type {node.type!r}"
                        + (f" and model {node.model_id!r}" if node.model_id else ""),
                    )
                )
                continue
            self.template_of[key] = template
            self.copy_index.setdefault((loop_id, iteration, template), key)
            if template in self.loops and key in self.loops and not self.loops[key].body:
                self.loops[key].body = list(self.loops[template].body)
        for loop in self.loops.values():
            for copies_of_iteration in loop.iterations.values():
                copies_of_iteration.sort()
        for key, template in self.template_of.items():
            self.g.nodes[key]["template"] = template
        for loop_id, loop in self.loops.items():
            for template in loop.body:
                if template in self.g and loop_id not in self.template_of:
                    self.g.nodes[template]["loop_template_of"] = loop_id
            self.g.nodes[loop_id]["iterations"] = len(loop.iterations)

    def _body_via_template(self, loop_id: str) -> list[str]:
        template = self.template_of.get(loop_id)
        if template is not None and template in self.loops:
            return self.loops[template].body
        return []

    def _match(
        self,
        key: str,
        node: FlowNode,
        body: list[str],
        cache: dict[str, dict[tuple[Any, ...], list[str]]],
    ) -> str | None:
        cache_key = "\x00".join(body)
        table = cache.get(cache_key)
        if table is None:
            table = defaultdict(list)
            for template in body:
                t = self.nodes.get(template)
                if t is None:
                    continue
                table[(t.type, t.model_id or t.workflow_id)].append(template)
                table[(t.type,)].append(template)
            cache[cache_key] = table
        candidates = table.get((node.type, node.model_id or node.workflow_id)) or table.get(
            (node.type,)
        )
        if not candidates:
            return None
        if len(candidates) == 1:
            return candidates[0]
        return max(
            candidates,
            key=lambda t: (
                key.startswith(t),
                difflib.SequenceMatcher(None, t, key).ratio(),
                t,
            ),
        )

    # -- edges -------------------------------------------------------------------------------
    def resolve(self, target: str, consumer: str) -> str:
        """The node a ref from ``consumer`` to ``target`` means (the copy in the same iteration)."""
        node = self.nodes.get(consumer)
        seen = 0
        while node is not None and node.loop_node_id is not None and seen < 64:
            loop_id = node.loop_node_id
            iteration = node.iteration_index if node.iteration_index is not None else -1
            found = self.copy_index.get((loop_id, iteration, target))
            if found is not None:
                return found
            if self.template_of.get(loop_id) == target:
                return loop_id
            node = self.nodes.get(loop_id)
            seen += 1
        return target

    def link(self, source: str, target: str, kind: str, name: str | None = None,
             equal: Any = None) -> None:
        data = self.edges.get((source, target))
        if data is None:
            data = {"kind": kind, "kinds": [kind], "inputs": []}
            self.edges[(source, target)] = data
        elif kind not in data["kinds"]:
            data["kinds"].append(kind)
            if _RANK[kind] < _RANK[data["kind"]]:
                data["kind"] = kind
        if name and name not in data["inputs"]:
            data["inputs"].append(name)
        if equal is not None:
            data["equal"] = equal

    def _ref_target(self, ref_node: str, name: str | None, consumer: str, where: str) -> str:
        if ref_node == "workflow":
            label = name or ""
            key = self.inputs.get(label)
            if key is None:
                key = f"input:{label}"
                while key in self.nodes or key in self.g:
                    key = "input:" + key
                self.inputs[label] = key
                self.g.add_node(key, role="input", type="workflow-input", status=None,
                                name=label)
            return key
        target = self.resolve(ref_node, consumer)
        if target not in self.nodes:
            self._missing(target, consumer, where)
        return target

    def _missing(self, target: str, consumer: str, where: str) -> None:
        if target not in self.g:
            self.g.add_node(target, role="missing", type=None, status=None)
        self.findings.append(
            Finding("error", "dangling-ref", consumer,
                    f"{where} refers to {target!r}, which is not in the flow")
        )

    def _input_edges(self, key: str, inp: Input, kind: str, where: str) -> None:
        ref = inp.ref
        if ref is not None:
            if ref.node is not None:
                source = self._ref_target(ref.node, ref.name, key, where)
                edge_kind = "branch" if ref.equal is not None else kind
                self.link(source, key, edge_kind, inp.name, ref.equal)
            for cond in ref.conditional:
                source = self._ref_target(cond, None, key, where + " (conditional)")
                self.link(source, key, "conditional", inp.name)
        for i, item in enumerate(inp.items):
            for sub in item:
                self._input_edges(key, sub, "item", f"input {inp.name!r} item {i}")

    def add_edges(self) -> None:
        for key, node in self.nodes.items():
            for inp in node.inputs:
                self._input_edges(key, inp, "data", f"input {inp.name!r}")
            for dep in node.depends_on:
                source = self.resolve(dep, key)
                if source not in self.nodes:
                    self._missing(source, key, "dependsOn")
                self.link(source, key, "depends_on")
        for loop_id, loop in self.loops.items():
            if loop_id not in self.template_of:
                for template in loop.body:
                    if template in self.nodes:
                        self.link(loop_id, template, "loop_body")
                    else:
                        self._missing(template, loop_id, "loopBodyNodeIds")
            for copies in loop.iterations.values():
                for copy in copies:
                    self.link(loop_id, copy, "iteration")
        self.add_loop_results()
        for data in self.edges.values():
            data["kinds"] = tuple(sorted(data["kinds"], key=_RANK.__getitem__))
            data["inputs"] = tuple(data["inputs"])
        self.g.add_edges_from((u, v, d) for (u, v), d in self.edges.items())

    def add_loop_results(self) -> None:
        consumers: dict[str, list[str]] = defaultdict(list)
        for (source, target), data in self.edges.items():
            loop = self.loops.get(source)
            if loop is None or not loop.iterations:
                continue
            if not DEPENDENCY_KINDS.intersection(data["kinds"]):
                continue
            if self.nodes.get(target) is not None and self.nodes[target].loop_node_id == source:
                continue
            if target in loop.body:
                continue
            consumers[source].append(target)
        for loop_id, targets in consumers.items():
            for last in self.terminals(loop_id):
                for target in targets:
                    if last != target:
                        self.link(last, target, "loop_result")

    def terminals(self, loop_id: str) -> list[str]:
        """The copies that end each iteration of a loop, inner loops expanded (no recursion)."""
        out: list[str] = []
        seen = {loop_id}
        todo = [loop_id]
        succ: dict[str, set[str]] = defaultdict(set)
        for source, target in self.edges:
            succ[source].add(target)
        while todo:
            loop = self.loops[todo.pop()]
            for copies in loop.iterations.values():
                members = set(copies)
                for copy in copies:
                    if succ[copy] & members:
                        continue
                    out.append(copy)
                    inner = self.loops.get(copy)
                    if inner is not None and inner.iterations and copy not in seen:
                        seen.add(copy)
                        todo.append(copy)
        return sorted(set(out))

    def mark_outputs(self) -> None:
        g = self.g
        reads = ("data", "branch", "item", "conditional", "depends_on", "loop_result")
        for key, node in self.nodes.items():
            attrs = g.nodes[key]
            if node.loop_node_id is not None or "loop_template_of" in attrs:
                attrs["output"] = False
                continue
            referenced = any(
                any(k in reads for k in d["kinds"]) for d in g.succ[key].values()
            )
            attrs["output"] = bool(node.include_outputs_in_workflow_job) or not referenced


def build(job: Job) -> "FlowGraph":
    """Build the :class:`~flowgraph.flow_graph.FlowGraph` of a loaded job."""
    from .flow_graph import FlowGraph

    b = _Builder(job)
    b.add_nodes()
    b.map_copies()
    b.add_edges()
    b.mark_outputs()
    gates = [k for k, n in b.nodes.items() if n.type in GATE_TYPES]
    return FlowGraph(
        job=job,
        graph=b.g,
        loops=b.loops,
        findings=b.findings,
        inputs=dict(b.inputs),
        gates=gates,
    )

