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

Over 400 lines for one job: one pass that makes the graph from tables the steps share
(loop copies, templates, the copy index); the steps are methods of one builder so those tables
are not passed around. Splitting it would spread one algorithm over files.

Several relations between the same two nodes share one edge: ``kinds`` lists them all,
``kind`` is the strongest (in the order of the table) and ``inputs`` the input names.

The builder makes the graph as integers (:class:`~flowgraph._core.Core`, ``fg.graph.core``):
it numbers the nodes, appends each new edge to its source's successor list and its target's
predecessors (number -> edge attributes), and keeps by number what the passes over a run read
of a node (role, type, status, flow node, timing): blocked and the critical path walk those.
The graph's dicts are made when a view first reads them, the neighbour dicts from the core
(:meth:`~flowgraph._core.Core.edge_dicts`), the node attribute dicts by :class:`_LateAttrs`:
the same dicts, in the same order, as if they had been made at once.

The graph built here is flowgraph's own (``fg.graph``, what the queries read: tuples, None
values, the ``FlowNode`` as ``node`` and its ``Timing`` as ``timing``). Users get ``fg.nx``, a
copy built on first use whose attributes are all str, int, float or bool, so that
``nx.write_graphml``, ``nx.write_gexf``, ``nx.node_link_data`` and pydot take it as it is:

=================  ===========================================================================
node attributes    ``role``, ``type``, ``status``, ``model_id``, ``workflow_id``, ``job_id``,
                   ``loop_node_id``, ``iteration_index``, ``flow_index``, ``template``,
                   ``loop_template_of``, ``iterations``, ``output``, ``name``,
                   ``duplicate_of``: each only when it is not None
timings            ``queue_seconds``, ``run_seconds``, ``total_seconds`` (floats, each when
                   known); the ``Timing`` itself is ``fg.timing(id)``, the flow node
                   ``fg.node(id)``
``kind``           as here
``kinds``          joined with ``+``: ``"data+depends_on"``
``inputs``         joined with ``,``: ``"image,prompt"`` (``""`` when none)
``equal``          the case value when a string, else its JSON text (``"1"``, ``"true"``)
=================  ===========================================================================

Loops nest as a tree whatever the payload says: a for-each listed in its own body, for-each
nodes listing each other, a template in two bodies or nesting deeper than
:data:`MAX_LOOP_NESTING` are cut back to one place each (``loop-body-conflict`` warnings), so
no reader walks a loop twice.

>>> from flowgraph.sources import load
>>> fg = build_graph(load({"jobId": "j", "metadata": {"flow": [
...     {"id": "prompt", "type": "generate-prompt", "status": "success",
...      "inputs": [{"name": "text", "ref": {"node": "workflow", "name": "idea"}}]},
...     {"id": "image", "type": "model", "status": "processing",
...      "inputs": [{"name": "prompt", "ref": {"node": "prompt", "name": "text"}}]}]}}))
>>> sorted((u, v, d["kind"]) for u, v, d in fg.nx.edges(data=True))
[('input:idea', 'prompt', 'data'), ('prompt', 'image', 'data')]
>>> fg.graph.edges["prompt", "image"]["inputs"], fg.nx.edges["prompt", "image"]["inputs"]
(('prompt',), 'prompt')
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from operator import itemgetter
from typing import Any, TypeVar

from ._collector import gc_paused
from ._core import Core, Heads
from ._digraph import Digraph
from ._graph import EdgeAttrs, GraphData, Loop, NodeAttrs
from .bodies import MAX_LOOP_NESTING, untangle_bodies
from .findings import Finding
from .model import FlowNode, Input, Job, canonical_json
from .timing import Timing, job_timing
from .vocab import DEPENDENCY_KINDS, EDGE_RANK, GATE_TYPES

__all__ = ["build_graph"]

_RANK = EDGE_RANK
#: the copy index's answer for a loop or an iteration without copies (read, never written)
_NO_ITERATIONS: dict[int, dict[str, str]] = {}
_NO_COPIES: dict[str, str] = {}
G = TypeVar("G", bound=GraphData)


def _node_attrs(
    node: FlowNode, index: int, duplicate_of: str | None, timing: Timing | None
) -> NodeAttrs:
    """The attributes of a flow node in the graph as it is added (``timing``: its node job's)."""
    return {
        "role": "node",
        "type": node.type,
        "status": node.status,
        "model_id": node.model_id,
        "workflow_id": node.workflow_id,
        "job_id": node.job_id,
        "loop_node_id": node.loop_node_id,
        "iteration_index": node.iteration_index,
        "flow_index": index,
        "duplicate_of": duplicate_of,
        "timing": timing,
        "node": node,
    }


class _Builder:
    """Fills the graph's own dicts as it goes (see :func:`_new_node`): ``add_node``/``add_edge``
    would cost more than all the rest of the build on a large flow.

    An edge is created with its final ``kinds``/``inputs`` tuples; an edge linked again is
    noted in ``merging`` and settled (sorted, deduplicated) by :meth:`settle`.
    """

    def __init__(self, job: Job) -> None:
        self.job = job
        self.g = Digraph()
        #: The graph is made as integers (:class:`~flowgraph._core.Core`): node numbers in the
        #: graph's order (flow nodes, then inputs and placeholders as met), successors by
        #: number (:attr:`isucc`) and predecessors by number with the edges' attributes
        #: (:attr:`pin`); the graph's dicts are made from them when a view reads them. The node
        #: attribute dicts too (:class:`_LateAttrs`): ``extra`` holds those of the inputs and
        #: placeholders, what the flow nodes' need is noted as it is found.
        self.extra: dict[str, NodeAttrs] = {}
        self.findings: list[Finding] = []
        self.nodes: dict[str, FlowNode] = {}
        #: the flow index and the id copied of nodes whose id is shared (_add_with_duplicates)
        self.placed: dict[str, tuple[int, str | None]] = {}
        #: the timings of the flow nodes whose node job is in the bundle
        self.timings: dict[str, Timing] = {}
        #: attributes written after a node's first ones, in order: (node, name, value)
        self.late: list[tuple[str, str, Any]] = []
        self.template_of: dict[str, str] = {}
        #: each loop's copies by iteration and template: loop -> iteration -> template -> the
        #: copy (the smallest id of those mapped to it). A copy's refs read its iteration's
        #: dict, looked up once per copy (a tuple key per ref cost a tuple and its hash each)
        self.copy_index: dict[str, dict[int, dict[str, str]]] = {}
        self.loops: dict[str, Loop] = {}
        self.inputs: dict[str, str] = {}
        #: the loop copies, gates and if/else nodes, in the graph's order (add_nodes)
        self.copy_keys: list[str] = []
        self.copy_nodes: list[FlowNode] = []
        self.gates: list[str] = []
        self.logic: list[str] = []
        #: the nodes given a ``loop_template_of`` (GraphData.body_templates)
        self.body_templates: set[str] = set()
        #: Loop copies: the nodes whose refs may mean a copy of the same iteration.
        self.copies: set[str] = set()
        #: Edges out of loop nodes, in the order they were made (for loop results).
        self.loop_edges: list[tuple[str, str]] = []
        #: Edges linked more than once: (source, target) -> (kinds, {input name: None}, data)
        self.merging: dict[tuple[str, str], tuple[list[str], dict[str, None], EdgeAttrs]] = {}
        #: The attributes of the edges made once, shared: (kind, input name) -> attributes. A
        #: large run has a few hundred different ones for its hundreds of thousands of edges
        #: (a shared dict is ~280 bytes less per edge); an edge linked again gets a dict of its
        #: own before it changes (:meth:`link`), and the graph is read only once built.
        self.shared: dict[tuple[str, str | None], EdgeAttrs] = {}
        self.shared_iterating: dict[tuple[Any, ...], EdgeAttrs] = {}
        #: The integer adjacency, made as edges are: each edge appended once, when it is made.
        self.ids: list[str] = []
        self.index: dict[str, int] = {}
        #: successors by number: ``()`` until a node has one, then a list made with it (most
        #: nodes have one: an empty list each, grown by append, would be ~12 MiB on 100k nodes)
        self.isucc: list[Any] = []
        #: predecessors by number: {predecessor's number: edge attributes}, in edge order
        self.pin: list[dict[int, EdgeAttrs]] = []

    def _new_node(self, key: str, attrs: NodeAttrs) -> None:
        """Add an input or placeholder with its ``attrs`` (the flow nodes are numbered first,
        in add_edges), with the next number."""
        self.extra[key] = attrs
        self.index[key] = len(self.ids)
        self.ids.append(key)
        self.isucc.append(())
        self.pin.append({})

    # -- nodes -------------------------------------------------------------------------------
    def add_nodes(self) -> None:
        flow = self.job.flow
        nodes = {node.id: node for node in flow}
        if len(nodes) == len(flow):  # no duplicate ids: the usual case
            self.nodes = nodes
        else:
            self._add_with_duplicates(flow)
        node_jobs = self.job.node_jobs
        if node_jobs:
            for key, node in self.nodes.items():
                child = node_jobs.get(node.job_id) if node.job_id is not None else None
                if child is not None:
                    self.timings[key] = job_timing(child)
        # one pass notes the loops, the copies, the gates and the if/else nodes
        loops, copies, gates, logic = self.loops, self.copy_keys, self.gates, self.logic
        copy_nodes = self.copy_nodes
        for key, node in self.nodes.items():
            kind = node.type
            if node.loop_body_node_ids or kind == "for-each":
                loops[key] = Loop(key, list(node.loop_body_node_ids))
            if node.loop_node_id is not None:
                copies.append(key)
                copy_nodes.append(node)
            if kind in GATE_TYPES:
                gates.append(key)
            elif kind == "logic":
                logic.append(key)

    def _add_with_duplicates(self, flow: list[FlowNode]) -> None:
        """Add the flow's nodes when some share an id: the first by content keeps it, the
        others get ``id#2``, ``id#3``, ... and a ``duplicate-id`` finding each."""
        groups: dict[str, list[tuple[int, FlowNode]]] = defaultdict(list)
        for index, node in enumerate(flow):
            groups[node.id].append((index, node))
        taken = set(groups)
        for node_id, group in groups.items():
            if len(group) > 1:
                group.sort(key=lambda item: canonical_json(item[1].to_wire()))
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
        self.placed[key] = (index, duplicate_of)

    # -- loops -------------------------------------------------------------------------------
    def map_copies(self) -> None:
        nodes = self.nodes
        copies = self.copy_keys  # the loops are known: add_nodes noted them (in flow order)
        self.copies = in_copies = set(copies)
        self.findings += untangle_bodies(self.loops, self.copies)
        # how many loops deep a copy is, for those nested (a copy not in it is 1 deep: in a
        # for-each that is no copy; not stored: a 100k run has ~90k of them)
        depth: dict[str, int] = {}
        for key, node in zip(copies, self.copy_nodes, strict=True):
            if node.loop_node_id not in in_copies or key in depth:  # the usual case: one level
                continue
            chain: list[str] = []
            in_chain: set[str] = set()
            cur = key
            while cur not in depth and cur in nodes and nodes[cur].loop_node_id is not None:
                if cur in in_chain:
                    break
                chain.append(cur)
                in_chain.add(cur)
                cur = nodes[cur].loop_node_id or ""
            base = depth.get(cur, 0)
            for n, item in enumerate(reversed(chain), start=1):
                depth[item] = base + n
        # mapped outer loops first (an inner loop copy's body is its template's), each depth in
        # flow order: the objects are read in the order they sit in memory (by id, ~4% more
        # build time at 10k and 100k). Where the order could show, the result is made the one
        # of mapping by id: the smallest id keeps a copy_index entry, the iterations
        # are ordered by their smallest copy, the findings by (depth, id).
        order = copies
        if any(d != 1 for d in depth.values()):
            order = sorted(copies, key=lambda k: depth.get(k, 1))  # stable: flow order
        # a body's templates by (type, model or workflow) and by type; bodies are lists kept
        # in the loops (a loop copy's empty one is replaced, never changed), so keyed by id
        tables: dict[int, tuple[dict[tuple[Any, ...], list[str]], dict[Any, str]]] = {}
        loops, template_of, copy_index = self.loops, self.template_of, self.copy_index
        left_out: list[tuple[int, str, Finding]] = []
        order_nodes = self.copy_nodes if order is copies else [nodes[k] for k in order]
        # the loop of the copy before and its template table: copies of a loop come in runs
        last_id: str | None = None
        loop: Loop | None = None
        table: dict[tuple[Any, ...], list[str]] | None = None
        single: dict[Any, str] = {}
        of_loop: dict[int, dict[str, str]] = {}
        too_deep = {k for k, d in depth.items() if d > MAX_LOOP_NESTING}
        for key, node in zip(order, order_nodes, strict=True):
            loop_id = node.loop_node_id or ""
            if loop_id != last_id:
                last_id, loop, table = loop_id, loops.get(loop_id), None
                of_loop = copy_index.setdefault(loop_id, {})
                body = None if loop is None else loop.body or self._body_via_template(loop_id)
                if body:
                    tabled = tables.get(id(body))
                    if tabled is None:
                        tabled = tables[id(body)] = self._table(body)
                    table, single = tabled
            if loop is None or (too_deep and key in too_deep):
                left_out.append(
                    (depth.get(key, 1), key, self._orphan(key, loop_id, depth.get(key, 1)))
                )
                continue
            iteration = node.iteration_index if node.iteration_index is not None else -1
            members = loop.iterations.get(iteration)
            if members is None:
                loop.iterations[iteration] = [key]
            else:
                members.append(key)
            template = None
            if table is not None:
                template = single.get(node.type)  # the one template of its type: the usual case
                if template is None:
                    candidates = table.get(
                        (node.type, node.model_id or node.workflow_id)
                    ) or table.get((node.type,))
                    if candidates:
                        template = (
                            candidates[0] if len(candidates) == 1 else _closest(key, candidates)
                        )
            if template is None:
                left_out.append(
                    (
                        depth.get(key, 1),
                        key,
                        Finding(
                            "warning",
                            "unmatched-copy",
                            key,
                            f"no body template of loop {loop_id!r} has type {node.type!r}"
                            + (f" and model {node.model_id!r}" if node.model_id else ""),
                        ),
                    )
                )
                continue
            template_of[key] = template
            here = of_loop.get(iteration)
            if here is None:
                of_loop[iteration] = {template: key}
            else:
                first = here.get(template)
                if first is None or key < first:
                    here[template] = key
            if key in loops:  # a loop copy: its body (and so what a table says) may change
                if template in loops and not loops[key].body:
                    loops[key].body = list(loops[template].body)
                last_id = None
        if left_out:
            self.findings += [finding for *_, finding in sorted(left_out, key=itemgetter(0, 1))]
        first_mapped = _first_mapped(depth)
        for loop in self.loops.values():
            iterations = loop.iterations
            for copies_of_iteration in iterations.values():
                copies_of_iteration.sort()
            if len(iterations) > 1:  # first the iteration of the copy mapped first by id
                uniform = (
                    not depth or len({depth.get(k, 1) for m in iterations.values() for k in m}) == 1
                )
                by_first = _smallest_copy if uniform else first_mapped  # (same depth: by id)
                loop.iterations = dict(sorted(iterations.items(), key=by_first))
        # a template's loop: its for-each (bodies are untangled: one each), else the first
        # copy by id that lists it without being mapped to a template itself
        for loop_id in sorted(self.loops, key=lambda k: (k in self.copies, k)):
            loop = self.loops[loop_id]
            for template in loop.body:
                if template in nodes and loop_id not in self.template_of:
                    if template not in self.body_templates:  # (the first loop's, as setdefault)
                        self.late.append((template, "loop_template_of", loop_id))
                    self.body_templates.add(template)
            self.late.append((loop_id, "iterations", len(loop.iterations)))

    def _body_via_template(self, loop_id: str) -> list[str]:
        template = self.template_of.get(loop_id)
        if template is not None and template in self.loops:
            return self.loops[template].body
        return []

    def _orphan(self, key: str, loop_id: str, depth: int) -> Finding:
        """The finding for a copy left out of its loop: nested too deep, or its loopNodeId is
        not a for-each node (a warning) or not in the flow (an error)."""
        if depth > MAX_LOOP_NESTING:
            return Finding(
                "warning",
                "orphan-copy",
                key,
                f"loop copy nested more than {MAX_LOOP_NESTING} loops deep (loopNodeId "
                f"{loop_id!r}); left out of its loop",
            )
        there = loop_id in self.nodes
        return Finding(
            "warning" if there else "error",
            "orphan-copy",
            key,
            f"loop copy names loopNodeId {loop_id!r}, which is "
            + ("not a for-each node" if there else "not in the flow"),
        )

    def _table(self, body: list[str]) -> tuple[dict[tuple[Any, ...], list[str]], dict[Any, str]]:
        """A body's templates by ``(type, model or workflow)`` and by ``(type,)``, in order;
        and by type those that are the only one of their type (a copy of that type stands for
        it, whatever its model: both lookups would give it)."""
        table: dict[tuple[Any, ...], list[str]] = defaultdict(list)
        for template in body:
            t = self.nodes.get(template)
            if t is not None:
                table[(t.type, t.model_id or t.workflow_id)].append(template)
                table[(t.type,)].append(template)
        single = {k[0]: v[0] for k, v in table.items() if len(k) == 1 and len(v) == 1}
        return dict(table), single

    # -- edges -------------------------------------------------------------------------------
    def resolve(self, target: str, consumer: str) -> str:
        """The node a ref from ``consumer`` to ``target`` means (the copy in the same iteration)."""
        node = self.nodes.get(consumer)
        seen = 0
        while node is not None and node.loop_node_id is not None and seen < MAX_LOOP_NESTING:
            loop_id = node.loop_node_id
            iteration = node.iteration_index if node.iteration_index is not None else -1
            found = (
                self.copy_index.get(loop_id, _NO_ITERATIONS).get(iteration, _NO_COPIES).get(target)
            )
            if found is not None:
                return found
            if self.template_of.get(loop_id) == target:
                return loop_id
            node = self.nodes.get(loop_id)
            seen += 1
        return target

    def link(
        self, source: str, target: str, kind: str, name: str | None = None, equal: Any = None
    ) -> None:
        u, v = self.index[source], self.index[target]
        into = self.pin[v]
        data = into.get(u)
        if data is None:
            if equal is None:
                data = self.share(kind, name)
            else:
                data = {"kind": kind, "kinds": (kind,), "inputs": (name,) if name else ()}
                data["equal"] = equal
            self.attach(u, v, data)
            if source in self.loops:
                self.loop_edges.append((source, target))
            return
        merging = self.merging.get((source, target))
        if merging is None:  # from here the edge changes: attributes of its own
            data = into[u] = data.copy()
            merging = (list(data["kinds"]), dict.fromkeys(data["inputs"], None), data)
            self.merging[(source, target)] = merging
        kinds, inputs, _ = merging
        if kind not in kinds:
            kinds.append(kind)
            if _RANK[kind] < _RANK[data["kind"]]:
                data["kind"] = kind
        if name:
            inputs[name] = None  # an ordered set: first mention first, each once
        if equal is not None:
            data["equal"] = equal

    def iterating(self, data: EdgeAttrs) -> EdgeAttrs:
        """The attributes of an edge with one kind, ``data``, that is an iteration edge too:
        shared like :meth:`share`'s when it has no branch value (every copy that reads its
        loop's item has one: ~90k on a 100k run)."""
        if "equal" in data:
            merged = data.copy()
            merged["kinds"] = (*data["kinds"], "iteration")
            return merged
        key = (data["kind"], data["kinds"], data["inputs"])
        found = self.shared_iterating.get(key)
        if found is None:
            found = self.shared_iterating[key] = {
                "kind": data["kind"],
                "kinds": (*data["kinds"], "iteration"),
                "inputs": data["inputs"],
            }
        return found

    def attach(self, u: int, v: int, data: EdgeAttrs) -> None:
        """Make the new edge ``u -> v`` with ``data``: in the predecessors and successors by
        number (see :attr:`isucc`). add_edges' main pass does the same inline."""
        self.pin[v][u] = data
        after = self.isucc[u]
        if after:
            after.append(v)
        else:
            self.isucc[u] = [v]

    def share(self, kind: str, name: str | None) -> EdgeAttrs:
        """The shared attributes of an edge of one ``kind`` for the input ``name`` (not to be
        changed: see :attr:`shared`)."""
        data = self.shared.get((kind, name))
        if data is None:
            data = {"kind": kind, "kinds": (kind,), "inputs": (name,) if name else ()}
            self.shared[(kind, name)] = data
        return data

    def settle(self) -> None:
        """Give the edges linked more than once their final ``kinds`` and ``inputs``."""
        rank = _RANK.__getitem__
        for kinds, inputs, data in self.merging.values():
            data["kinds"] = tuple(sorted(kinds, key=rank))
            data["inputs"] = tuple(inputs)
        self.merging.clear()

    def _ref_target(self, ref_node: str, name: str | None, consumer: str, where: _Where) -> str:
        if ref_node == "workflow":
            label = name or ""
            key = self.inputs.get(label)
            if key is None:
                key = f"input:{label}"
                while key in self.index:  # (every node's key, flow nodes' too)
                    key = "input:" + key
                self.inputs[label] = key
                self._new_node(
                    key, {"role": "input", "type": "workflow-input", "status": None, "name": label}
                )
            return key
        target = self.resolve(ref_node, consumer) if consumer in self.copies else ref_node
        if target not in self.nodes:
            self._missing(target, consumer, where)
        return target

    def _missing(self, target: str, consumer: str, where: _Where) -> None:
        if target not in self.index:
            self._new_node(target, {"role": "missing", "type": None, "status": None})
        self.findings.append(
            Finding(
                "error",
                "dangling-ref",
                consumer,
                f"{_where_text(where)} refers to {target!r}, which is not in the flow",
            )
        )

    def _input_edges(self, key: str, inp: Input, kind: str, where: _Where) -> None:
        ref = inp.ref
        if ref is not None:
            if ref.node is not None:
                source = self._ref_target(ref.node, ref.name, key, where)
                edge_kind = "branch" if ref.equal is not None else kind
                self.link(source, key, edge_kind, inp.name, ref.equal)
            for cond in ref.conditional:
                source = self._ref_target(cond, None, key, (where, " (conditional)"))
                self.link(source, key, "conditional", inp.name)
        for i, item in enumerate(inp.items):
            for sub in item:
                self._input_edges(key, sub, "item", (inp.name, i))

    def add_edges(self) -> None:
        nodes = self.nodes
        copies = self.copies
        loops = self.loops
        inputs = self.inputs
        link = self.link
        resolve = self.resolve
        loop_edges = self.loop_edges
        copy_index = self.copy_index
        merging = self.merging
        share = self.share
        data_edges: dict[str | None, EdgeAttrs] = {}
        iterating_of: dict[int, EdgeAttrs] = {}
        self.ids = list(nodes)  # the flow nodes: numbered in the graph's order
        self.index = index = dict(zip(self.ids, range(len(self.ids)), strict=True))
        isucc = self.isucc
        isucc += [()] * len(self.ids)
        pin: list[dict[int, EdgeAttrs]] = [{} for _ in self.ids]
        self.pin = pin
        flow_nodes = len(self.ids)  # numbers below it are flow nodes
        # the numbers are the index's own int objects (enumerate's would be ~28 bytes more each)
        for v, (key, node) in zip(list(index.values()), nodes.items(), strict=True):
            is_copy = node.loop_node_id is not None
            if is_copy:  # where its refs look for a copy of the same iteration first
                iteration = node.iteration_index if node.iteration_index is not None else -1
                loop_id = node.loop_node_id or ""
                here = copy_index.get(loop_id, _NO_ITERATIONS).get(iteration, _NO_COPIES)
            into = pin[v]
            for inp in node.inputs:
                # the usual input: one ref to a flow node or to a workflow input already seen;
                # anything else (items, conditional refs, new or dangling targets) goes the
                # general way, _input_edges
                ref = inp.ref
                if ref is None or inp.items or ref.conditional:
                    if inp.items or ref is not None:
                        self._input_edges(key, inp, "data", (inp.name, None))
                    continue  # a literal value: no edge
                source = ref.node
                if source is None:
                    continue
                if source == "workflow":
                    source = inputs.get(ref.name or "")
                    if source is None:
                        self._input_edges(key, inp, "data", (inp.name, None))
                        continue
                    u = index[source]
                else:
                    if is_copy:  # the copy of the same iteration, when there is one
                        found = here.get(source)
                        if found is not None:
                            source = found
                        elif source != loop_id or loop_id in copies:
                            source = resolve(source, key)
                        # else: its own for-each (the item), which is no copy: itself
                    number = index.get(source)
                    if number is None or number >= flow_nodes:  # not a flow node
                        self._input_edges(key, inp, "data", (inp.name, None))
                        continue
                    u = number
                name = inp.name
                equal = ref.equal
                edge_kind = "data" if equal is None else "branch"
                if u in into:
                    link(source, key, edge_kind, name, equal)
                    continue
                if equal is None:  # share("data", name), its dict read without a call
                    data = data_edges.get(name)
                    if data is None:
                        data = data_edges[name] = share(edge_kind, name)
                else:
                    data = {
                        "kind": edge_kind,
                        "kinds": (edge_kind,),
                        "inputs": (name,) if name else (),
                        "equal": equal,
                    }
                into[u] = data
                after = isucc[u]
                if after:
                    after.append(v)
                else:
                    isucc[u] = [v]
                if source in loops and not (is_copy and source == loop_id):
                    # (a copy reading its own loop's item leads to no loop result: left out)
                    loop_edges.append((source, key))
            for dep in node.depends_on:
                source = self.resolve(dep, key) if key in copies else dep
                if source not in nodes:
                    self._missing(source, key, "dependsOn")
                link(source, key, "depends_on")
        for loop_id, loop in loops.items():
            if loop_id not in self.template_of:
                for template in loop.body:
                    if template in nodes:
                        link(loop_id, template, "loop_body")
                    else:
                        self._missing(template, loop_id, "loopBodyNodeIds")
            spawned = self.share("iteration", None)
            u = index[loop_id]
            after = isucc[u]
            for copies_of_iteration in loop.iterations.values():
                for copy in copies_of_iteration:
                    v = index[copy]
                    into = pin[v]
                    both = into.get(u)
                    if both is not None:  # the copy reads the loop too (its item, say)
                        if (loop_id, copy) in merging:
                            link(loop_id, copy, "iteration")
                            after = isucc[u]
                        elif "iteration" not in both["kinds"]:
                            # link() inlined: one kind so far, stronger than iteration; a
                            # shared dict's iterating one asked for once (by its id: it lives
                            # in the graph)
                            more = iterating_of.get(id(both))
                            if more is None:
                                more = self.iterating(both)
                                if "equal" not in both:
                                    iterating_of[id(both)] = more
                            into[u] = more
                        continue
                    # link() and attach() inlined; not a loop edge: no loop result goes
                    # through it
                    into[u] = spawned
                    if after:
                        after.append(v)
                    else:
                        after = isucc[u] = [v]
        self.settle()
        self.add_loop_results()
        self.settle()

    def add_loop_results(self) -> None:
        consumers: dict[str, list[str]] = defaultdict(list)
        loops, pin, index = self.loops, self.pin, self.index
        depends = DEPENDENCY_KINDS.isdisjoint
        for source, target in self.loop_edges:
            loop = loops[source]
            if not loop.iterations or depends(pin[index[target]][index[source]]["kinds"]):
                continue
            reader = self.nodes.get(target)
            if reader is not None and reader.loop_node_id == source:  # a copy of the loop
                continue
            if self._inside(target, source) or target in loop.body:
                continue
            consumers[source].append(target)
        result = self.share("loop_result", None)
        for loop_id, targets in consumers.items():
            for last in self.terminals(loop_id):
                u = index[last]
                for target in targets:
                    if last == target:
                        continue
                    v = index[target]
                    if u in pin[v] or last in loops:
                        self.link(last, target, "loop_result")
                    else:  # link() inlined
                        self.attach(u, v, result)

    def heads(self) -> Heads:
        """The core's :data:`~flowgraph._core.Heads`: the flow nodes', then the others'."""
        flow = list(self.nodes.values())
        extra = list(self.extra.values())
        timings = self.timings
        return (
            ["node"] * len(flow) + [d["role"] for d in extra],
            [n.type for n in flow] + [d["type"] for d in extra],
            [n.status for n in flow] + [d["status"] for d in extra],
            [*flow, *[None] * len(extra)],
            [timings.get(k) for k in self.nodes] + [None] * len(extra)
            if timings
            else [None] * (len(flow) + len(extra)),
        )

    def _inside(self, node_id: str, loop_id: str) -> bool:
        """True when ``node_id`` is a copy spawned by ``loop_id`` or by a loop nested in it
        (reading the outer loop's item from a nested body is not a loop-result dependency)."""
        node = self.nodes.get(node_id)
        for _ in range(MAX_LOOP_NESTING):
            if node is None or node.loop_node_id is None:
                return False
            if node.loop_node_id == loop_id:
                return True
            node = self.nodes.get(node.loop_node_id)
        return False

    def terminals(self, loop_id: str) -> list[str]:
        """The copies that end each iteration of a loop, inner loops expanded (no recursion).

        Linear in the loop's copies: successors come from the adjacency by number.
        """
        isucc, index, loops = self.isucc, self.index, self.loops
        out: list[str] = []
        seen = {loop_id}
        todo = [loop_id]
        while todo:
            loop = loops[todo.pop()]
            for copies in loop.iterations.values():
                members = {index[c] for c in copies}
                ends = [c for c in copies if members.isdisjoint(isucc[index[c]])]
                out += ends
                for copy in ends:
                    inner = loops.get(copy)
                    if inner is not None and inner.iterations and copy not in seen:
                        seen.add(copy)
                        todo.append(copy)
        return sorted(set(out))


def _smallest_copy(item: tuple[int, list[str]]) -> Any:
    return item[1][0]


def _first_mapped(depth: dict[str, int]) -> Callable[[tuple[int, list[str]]], Any]:
    """The key of an iteration's ``(index, copies)``: its first copy by (depth, id)."""
    return lambda item: min((depth.get(k, 1), k) for k in item[1])


def _closest(key: str, candidates: list[str]) -> str:
    """Of several templates a copy could stand for, the one its id is closest to: a prefix of
    it, else the most similar (difflib), else the largest id."""
    import difflib  # only here: a run whose copies each match one template never needs it

    return max(
        candidates,
        key=lambda t: (key.startswith(t), difflib.SequenceMatcher(None, t, key).ratio(), t),
    )


#: Where a ref sits, for a dangling-ref message, formatted only when one is reported:
#: ``(input name, item index or None)``, ``(where, suffix)`` or a plain text.
_Where = Any


def _where_text(where: _Where) -> str:
    if isinstance(where, str):
        return where
    first, second = where
    if isinstance(second, str):
        return _where_text(first) + second
    return f"input {first!r}" if second is None else f"input {first!r} item {second}"


class _LateAttrs:
    """Makes the node attribute dicts of a built graph when they are first read (see
    :class:`~flowgraph._digraph.Digraph`): the passes over a run (blocked, the critical path)
    read the core's :data:`~flowgraph._core.Heads` instead, and a build that made the dicts
    at once spent ~15% of its time on them. The dicts are the ones the builder would have
    made: its first attributes, then ``template``, then what it noted later (``late``), then
    ``output``, key order included; inputs and placeholders as they were made."""

    def __init__(self, b: _Builder) -> None:
        self.nodes, self.placed, self.timings = b.nodes, b.placed, b.timings
        self.template_of, self.late, self.extra = b.template_of, b.late, b.extra
        self.templates, self.isucc, self.pin = b.body_templates, b.isucc, b.pin

    def __call__(self) -> dict[str, NodeAttrs]:
        placed, timings, isucc, pin = self.placed, self.timings, self.isucc, self.pin
        attrs: dict[str, NodeAttrs] = {}
        for index, (key, node) in enumerate(self.nodes.items()):
            at, duplicate_of = placed[key] if placed else (index, None)
            attrs[key] = _node_attrs(node, at, duplicate_of, timings.get(key) if timings else None)
        for key, template in self.template_of.items():
            attrs[key]["template"] = template
        for key, name, value in self.late:
            attrs[key][name] = value  # type: ignore[literal-required]
        # the kinds through which a node is read: every kind but iteration and loop_body, the
        # weakest two, so an edge has one of them exactly when its strongest ``kind`` is one
        reads = frozenset(("data", "branch", "item", "conditional", "depends_on", "loop_result"))
        templates = self.templates
        for u, (key, node) in enumerate(self.nodes.items()):  # (flow nodes: numbers 0...)
            d = attrs[key]
            if node.loop_node_id is not None or key in templates:
                d["output"] = False
                continue
            referenced = False
            for w in isucc[u]:
                if pin[w][u]["kind"] in reads:
                    referenced = True
                    break
            d["output"] = bool(node.include_outputs_in_workflow_job) or not referenced
        attrs.update(self.extra)
        return attrs


def build_graph(job: Job, cls: type[G] = GraphData) -> G:  # type: ignore[assignment]
    """Build the graph of a loaded job as a ``cls`` (:class:`~flowgraph._graph.GraphData` or
    a subclass: the facade builds its :class:`~flowgraph.flow_graph.FlowGraph` this way)."""
    with gc_paused():
        b = _Builder(job)
        b.add_nodes()
        b.map_copies()
        b.add_edges()
        heads = b.heads()
    b.g.make_nodes_later(_LateAttrs(b))
    b.g.make_edges_later(Core(b.ids, heads, b.isucc, list(map(len, b.pin)), b.index, None, b.pin))
    b.g.frozen = True  # read only from here: fg.nx is the copy to change
    return cls(
        job=job,
        graph=b.g,
        loops=b.loops,
        findings=b.findings,
        inputs=dict(b.inputs),
        gates=b.gates,
        logic=b.logic,
        body_templates=frozenset(b.body_templates),
        copy_templates=b.template_of,
    )
