"""What is blocked and why: nodes that cannot progress without someone doing something.

A node is blocked when it has not finished and one of these stands in its way (its root causes):

=====================  =================================================================
``awaiting-approval``  the node is a ``user-approval`` gate parked for a person
``awaiting-selection`` the node is a ``user-selection`` gate parked for a person
``waiting-on-gate``    an upstream gate is parked
``failed-upstream``    an upstream node failed
``rejected-upstream``  an upstream gate was rejected
``missing-dependency`` it depends on a node that is not in the flow
``job-ended``          the workflow job ended (success, failure, canceled) before the node ran,
                       while it ran, or while it was a gate waiting for a person
``cycle``              it depends on itself through a cycle
=====================  =================================================================

Root causes are nodes: a failed or rejected node, a parked gate, a node not in the flow, a
cycle's members; ``job-ended`` names none (``causes == []``: the job itself). A node that failed
is a root cause, never blocked, so only a parked gate (``causes == [itself]``) and a node on a
cycle (its members) name themselves. Once the job has ended nobody can resume a gate: a gate
still waiting for a person, and what waits on it, is ``job-ended``, the message saying the end
status and time (:func:`is_parked` tells the gates one can act on; :func:`root_causes`).

A for-each that failed or was rejected because of an iteration (engines before SDK 2.4 end the
iteration or the loop on a rejection and may run on; SDK 2.4 cancels the job) passes its failed
copies on as the causes: to what reads it and to its copies that never ran. Nodes merely waiting for running work are not blocked, and neither are nodes on a branch not
taken (they will be skipped): an if/else succeeded with an ``output`` none of the node's branch
refs to it expects (opaque values: the editor's ``"2"``, ``"3"``, default ``"1"``, any string;
``2`` and ``"2"`` are one value), its conditional refs were all skipped, a data input comes from
a skipped node, or it is a gate guarding one. One pass in topological order; no recursion.

A ``workflow`` node still processing whose child job the bundle holds goes inside
(:mod:`flowgraph.subflows`): the child's blocked nodes come first, their ids and causes paths
(``brand/artDirectorOK``, ``inside="brand"``), then the node itself, blocked by the child's root
causes ("waits for a gate parked for a person: 'artDirectorOK' inside sub-workflow brand"), and
what it blocks. The module is over 400 lines because it does one job: this pass and its texts.

>>> import flowgraph
>>> fg = flowgraph.graph({"jobId": "j", "status": "canceled",
...     "updatedAt": "2026-11-20T09:04:00.000Z", "metadata": {"flow": [
...     {"id": "gen", "status": "success"},
...     {"id": "ok", "type": "user-approval", "status": "pending", "dependsOn": ["gen"]},
...     {"id": "up", "status": "pending", "dependsOn": ["ok"]}]}})
>>> [(b.node, b.reason, b.causes) for b in fg.blocked()]
[('ok', 'job-ended', []), ('up', 'job-ended', [])]
>>> fg.blocked()[0].message
'the workflow job ended (canceled at 2026-11-20 09:04:00 UTC) while this gate waited for a person: it can no longer be approved or rejected'
"""  # noqa: E501

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from ._graph import node_dicts, node_pred, node_succ
from ._text import one_line
from .order import around_cycles, core_of, numbered_order
from .subflows import child_graph
from .timing import ended_at_of, parse_time
from .vocab import GATE_REASONS, GATE_TYPES, is_terminal_job_status

if TYPE_CHECKING:
    from ._graph import GraphData
    from .model import Input, Job

__all__ = [
    "REASONS",
    "Blocked",
    "blocked",
    "failed_by_iteration",
    "is_parked",
    "not_taken",
    "root_causes",
]

REASONS = (
    *GATE_REASONS,
    "waiting-on-gate",
    "failed-upstream",
    "rejected-upstream",
    "missing-dependency",
    "job-ended",
    "cycle",
)

# a node's state in the pass: _ROOT is a root cause itself (failed, rejected, parked gate,
# missing node, cycle); _CARRY a loop that failed because of an iteration, passing on its
# failed copies as the causes
_DONE, _SKIP, _WAIT, _ROOT, _BLOCKED, _CARRY = "done", "skip", "wait", "root", "blocked", "carry"
_FAILED = ("failure", "rejected")
#: a kind of root cause -> the reason of what it blocks, and the message; worst first
_CAUSES = {
    "failure": ("failed-upstream", "upstream node failed"),
    "rejected": ("rejected-upstream", "upstream gate was rejected"),
    "missing": ("missing-dependency", "depends on a node that is not in the flow"),
    "cycle": ("cycle", "depends on a cycle"),
    "gate": ("waiting-on-gate", "waits for a gate parked for a person"),
}
_CAUSE_RANK = tuple(_CAUSES)
_NO_CAUSES: dict[str, str] = {}  # shared, never written
_NOT_RUN = ("pending", None)


@dataclass
class Blocked:
    """A blocked node, why (``reason``, one of :data:`REASONS`), and its root ``causes``."""

    node: str
    reason: str
    causes: list[str]
    message: str = ""
    chain: list[str] = field(default_factory=list)
    #: the sub-workflow node (a path: ``brand``, ``brand/logoKit``) whose child job this node
    #: is in; ``node`` and ``causes`` are then paths too (``brand/artDirectorOK``)
    inside: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The JSON printed by ``flowgraph blocked --json`` (``inside`` only when set)."""
        out = asdict(self)
        if self.inside is None:
            del out["inside"]
        return out


def is_parked(b: Blocked) -> bool:
    """True for a gate a person can act on now: what deserves the call that resumes it (a
    gate of an ended job is ``job-ended``, not parked).

    >>> is_parked(Blocked("ok", "awaiting-approval", ["ok"]))
    True
    """
    return b.reason in GATE_REASONS


def root_causes(items: Iterable[Blocked]) -> list[str | None]:
    """The distinct root causes that the blocked nodes ``items`` name, sorted, then ``None``
    for the job itself when a node is blocked because the job ended (it names no node): its
    length is the number of root causes.

    >>> root_causes([Blocked("b", "failed-upstream", ["a"]), Blocked("c", "job-ended", []),
    ...              Blocked("d", "failed-upstream", ["a"])])
    ['a', None]
    """
    items = list(items)
    named = sorted({c for b in items for c in b.causes})
    return [*named, None] if any(not b.causes for b in items) else [*named]


def _parked(kind: str | None, status: str | None, preds_done: bool) -> str | None:
    waiting = status == "pending" and preds_done
    if kind == "user-approval" and waiting:
        return "awaiting-approval"
    if kind == "user-selection" and (waiting or status == "processing"):
        return "awaiting-selection"
    return None


def _same_value(a: Any, b: Any) -> bool:
    """Branch values are opaque; a number and the same digits as text are one value."""
    return a == b or ({type(a), type(b)} == {int, str} and str(a) == str(b))


class _Look:
    """What the pass reads of a node by id, by number from the core's heads (no attribute
    dict is made for it): its status, type and flow node, and a copy's template; and its
    predecessors (``look[n]``, each made once) and successors in the executed graph
    (:func:`~flowgraph._graph.node_pred`: no neighbour dict of the graph is made)."""

    __slots__ = ("core", "g", "index", "kept", "node_at", "status_at", "templates", "type_at")

    def __init__(self, fg: GraphData) -> None:
        self.g = fg.execution
        # the executed graph's core: its lists cover fg.graph's nodes too (shared)
        self.core = core = core_of(self.g)
        self.index, self.status_at, self.type_at = core.index, core.status, core.type
        self.node_at, self.templates = core.node, fg.copy_templates
        self.kept: dict[str, Any] = {}  # predecessors, each made once

    def __getitem__(self, n: str) -> Any:
        preds = self.kept.get(n)
        if preds is None:
            preds = self.kept[n] = node_pred(self.g, n)
        return preds

    def succ(self, n: str) -> Any:
        return node_succ(self.g, n)

    def status(self, n: str) -> str | None:
        status: str | None = self.status_at[self.index[n]]
        return status

    def type(self, n: str) -> str | None:
        kind: str | None = self.type_at[self.index[n]]
        return kind

    def node(self, n: str) -> Any:
        return self.node_at[self.index[n]]


def _branch_not_taken(look: _Look, n: str, preds: Any) -> bool:
    """True when an if/else before ``n`` succeeded and chose a value none of ``n``'s branch
    refs to it expects (an edge keeps one; inputs and items may hold several). Unknown, so
    False, when the if/else has no ``output``."""
    for p, data in preds.items():
        if "branch" not in data["kinds"] or look.status(p) != "success":
            continue
        output = look.node(p).output
        if output is None or _same_value(output, data.get("equal")):
            continue
        ids = (p, look.templates.get(p, p))  # a copy's consumer may name the template
        todo: list[Input] = list(getattr(look.node(n), "inputs", ()))
        while todo:
            inp = todo.pop()
            ref = inp.ref
            if ref is not None and ref.node in ids and _same_value(output, ref.equal):
                break
            for item in inp.items:
                todo.extend(item)
        else:
            return True
    return False


def _skipped(look: _Look, n: str, preds: Any, state: dict[str, str]) -> bool:
    """True when ``n`` will be skipped (see the module doc)."""
    if _branch_not_taken(look, n, preds):
        return True
    conditional, skipped_input, all_skipped = False, False, True
    gate = look.type(n) in GATE_TYPES
    for p, d in preds.items():
        kinds = d["kinds"]
        skipped = state.get(p) == _SKIP
        if "conditional" in kinds:
            conditional = True
            all_skipped = all_skipped and skipped
        if skipped and ("data" in kinds or (gate and "depends_on" in kinds)):
            skipped_input = True
    return all_skipped if conditional else skipped_input


def _iteration_roots(
    fg: GraphData, n: str, memo: dict[str, dict[str, str]], look: _Look | None = None
) -> dict[str, str]:
    """For the for-each ``n``: the failed or rejected copies that made it fail, ``{copy:
    status}`` (in its iterations or in loops nested in them; a copy that is a loop failed by
    its own iterations is not one, its copies are). ``memo`` keeps each loop's, so each is
    worked out once, without recursion: loops that list each other cannot make it loop."""
    loops, look = fg.loops, look or _Look(fg)
    status_at, index = look.status_at, look.index  # by number: a big loop has many copies
    stack, opened = [n], {n}
    # a loop's copies read once: the loops among them and those failed (a big loop's copies
    # are spread over memory; a second pass over them cost as much as the first)
    read: dict[str, tuple[list[str], dict[str, str]]] = {}
    while n not in memo:  # post order: a loop once the loops among its copies are done
        top = stack[-1]
        seen = read.get(top)
        if seen is None:
            sub: list[str] = []
            found: dict[str, str] = {}
            for members in loops[top].iterations.values():
                for c in members:
                    if c in loops:
                        sub.append(c)
                    if (s := status_at[index[c]]) in _FAILED:
                        found[c] = str(s)
            read[top] = sub, found
        else:
            sub, found = seen
        inner = [c for c in sub if c not in memo and c not in opened]
        if inner:
            opened.update(inner)
            stack += inner
            continue
        stack.pop()
        for c in sub:
            if memo.get(c):  # a loop failed by its own iterations: those are the roots
                found.pop(c, None)
                found.update(memo[c])
        memo[top] = found or _NO_CAUSES
    return memo[n]


def _gather(
    preds: Any, state: dict[str, str], causes: dict[str, dict[str, str]], kinds: dict[str, str]
) -> dict[str, str]:
    """The root causes (id -> kind) that the predecessors ``preds`` pass on. A predecessor's
    own dict is shared, not copied, when it is the only one (a long chain costs no copies)."""
    found: dict[str, str] = _NO_CAUSES
    shared = True  # found is not ours: copy it before adding to it
    for p in preds:
        ps = state.get(p)
        if ps == _ROOT:
            if shared:
                found, shared = dict(found), False
            found[p] = kinds[p]
        elif ps in (_BLOCKED, _CARRY):
            more = causes[p]
            if not found:
                found = more
            elif more and more is not found:
                if shared:
                    found, shared = dict(found), False
                found.update(more)
    return found


def blocked(fg: GraphData) -> list[Blocked]:
    """Every blocked node with its reason and root causes, in dependency order (a node after
    everything it depends on, the members of a cycle side by side; then by id).

    Worked out once per graph (it is read only once built) and kept: ``show`` asks for it for
    its rows, its exit status and a picture's marks; each call gets a list of its own."""
    if fg.job.definition:
        return []
    kept: list[Blocked] | None = fg.__dict__.get(_KEPT)
    if kept is None:
        kept = fg.__dict__[_KEPT] = _pass(fg)[0]
    return list(kept)


_KEPT = "_blocked"  # where blocked() keeps its answer in the graph's __dict__


def not_taken(fg: GraphData) -> set[str]:
    """The flow nodes the engine has not marked skipped yet that will be, as a branch not taken
    (see the module doc); empty at once when no if/else that has chosen has a consumer left."""
    look = _Look(fg)
    status, succ, executed = look.status, look.succ, fg.execution
    logic = fg.logic
    if logic is None:
        logic = [n for n, d in node_dicts(fg.execution).items() if d.get("type") == "logic"]
    if fg.job.definition or not any(
        "branch" in e["kinds"] and status(c) in _NOT_RUN
        for n in logic
        if n in executed and status(n) == "success"
        for c, e in succ(n).items()
    ):
        return set()
    state = _pass(fg)[1]
    return {n for n, s in state.items() if s == _SKIP and status(n) != "skipped"}


def _pass(fg: GraphData) -> tuple[list[Blocked], dict[str, str]]:
    """The pass over a run: its blocked nodes, and the state of every node that is not done
    (a node ``state`` leaves out succeeded: most of a run, not written one by one).

    It walks the node numbers of the integer core (:mod:`flowgraph._core`) in execution
    order, the order the critical path has already made, and reads a node's attributes by
    number; ids and the dicts are for the few nodes not done."""
    g, job, ended = fg.execution, fg.job, is_terminal_job_status(fg.job.status)
    end = _end_text(job) if ended else ""
    look = pred = _Look(fg)
    core = look.core
    ids, index, role_at, status_at, type_at = (
        core.ids,
        core.index,
        core.role,
        core.status,
        core.type,
    )
    numbered = numbered_order(core)  # None when there is a cycle
    component: dict[str, list[str]] = {}  # a node on a cycle -> the cycle's members
    if numbered is not None:
        order, depths = numbered
        depth: Any = {}  # filled below for the nodes in ``out`` only
    else:
        names, depth, component = around_cycles(g)
        order, depths = [index[n] for n in names], []
    memo: dict[str, dict[str, str]] = {}  # a loop -> the failed copies that made it fail
    state: dict[str, str] = {}  # a node -> its state; absent: _DONE
    causes: dict[str, dict[str, str]] = {}  # node -> {root cause id: cause kind}; never written
    kinds: dict[str, str] = {}  # a root cause -> its kind
    out: list[Blocked] = []
    home: dict[str, str] = {}  # an item inside a sub-workflow -> the sub-workflow node
    for n in component:
        status = look.status(n)
        if status == "skipped":
            state[n] = _SKIP
        elif status != "success":  # a node that failed is a root cause as what it is
            state[n], kinds[n] = _ROOT, str(status) if status in _FAILED else "cycle"
    # the nodes done (the usual case) are passed over in one comprehension, and not written
    for i in [i for i in order if status_at[i] != "success"]:
        status = status_at[i]
        role, n = role_at[i], ids[i]
        if role == "missing":
            state[n], kinds[n] = _ROOT, "missing"
            continue
        if status == "skipped":
            state[n] = _SKIP
            continue
        if role == "input":
            continue
        if status in _FAILED:
            carried = _iteration_roots(fg, n, memo, look) if n in fg.loops else _NO_CAUSES
            if carried:  # its failed copies are the root causes; they reach what it blocks
                state[n], causes[n] = _CARRY, carried
            else:
                state[n], kinds[n] = _ROOT, str(status)
            continue
        preds = pred[n]
        if _skipped(look, n, preds, state):
            state[n] = _SKIP
            continue
        inner = _inside(fg, n) if status == "processing" and not ended else None
        if inner is not None:  # a sub-workflow node whose child job cannot progress
            items, found = inner
            kinds.update(found)
            state[n], causes[n] = _BLOCKED, found
            home.update((b.node, n) for b in items)
            out += items
            roots = sorted(found)
            kind = min(found.values(), key=_CAUSE_RANK.index)
            own = {c[len(n) + 1 :]: k for c, k in found.items()}  # the child's own ids
            text = f"{_message(own, sorted(own))} inside sub-workflow {one_line(n)}"
            out.append(Blocked(n, _CAUSES[kind][0], roots, text, [roots[0], n]))
            continue
        found = _gather(preds, state, causes, kinds)
        ready = not found and all(
            state.get(p, _DONE) in (_DONE, _SKIP) or preds[p]["kinds"] == ("iteration",)
            for p in preds
        )
        gate = _parked(type_at[i], status, ready)
        if gate is not None and not ended:
            state[n], kinds[n] = _ROOT, "gate"
            out.append(Blocked(n, gate, [n], _gate_message(gate)))
        elif ended and (gate or status == "processing" or (not found and status in _NOT_RUN)):
            state[n], causes[n] = _BLOCKED, _NO_CAUSES  # nobody can resume it now
            out.append(Blocked(n, "job-ended", [], _ended_message(end, gate, status)))
        elif status == "processing" or not found:
            state[n] = _WAIT
        else:
            state[n], causes[n] = _BLOCKED, found
            kind = min(found.values(), key=_CAUSE_RANK.index)
            roots = sorted(found)
            chain = _chain(pred, roots[0], n, causes, state)
            out.append(Blocked(n, _CAUSES[kind][0], roots, _message(found, roots), chain))
    for n in component:
        if look.status(n) not in ("success", "skipped", *_FAILED):
            members = component[n]
            text = "this node is on a cycle: " + " -> ".join(members[:5])
            out.append(Blocked(n, "cycle", members[:20], text))
    # dependency order, then ids; a sub-workflow's own items (in their order) before its node
    if numbered is not None:
        depth = {n: depths[index[n]] for n in {home.get(b.node, b.node) for b in out}}
    rank = {id(b): i for i, b in enumerate(out)}
    out.sort(
        key=lambda b: (
            (depth[home[b.node]], home[b.node], 0, rank[id(b)])
            if b.node in home
            else (depth[b.node], b.node, 1, 0)
        )
    )
    return out, state


#: what blocks the nodes of a child job (its items' reasons) -> the kind of root cause
_KIND_OF = {reason: kind for kind, (reason, _) in _CAUSES.items()} | dict.fromkeys(
    GATE_REASONS, "gate"
)


def _inside(fg: GraphData, n: str) -> tuple[list[Blocked], dict[str, str]] | None:
    """The blocked items of the sub-workflow node ``n``'s child job, their ids made paths
    (``n/inner``), and its root causes with their kinds; None when its job is not in the bundle
    or nothing in it is stuck."""
    child = child_graph(fg, n)
    if child is None:
        return None
    items = blocked(child)
    found: dict[str, str] = {}
    for b in items:
        for c in b.causes:
            found.setdefault(f"{n}/{c}", _KIND_OF.get(b.reason, "cycle"))
    if not found:
        return None  # only its end: the parent's own status says the rest

    def path(x: str) -> str:
        return x if x == "..." else f"{n}/{x}"

    where = one_line(n)
    return [
        Blocked(
            path(b.node),
            b.reason,
            [path(c) for c in b.causes],
            f"{b.message} (inside sub-workflow {where})",
            [path(c) for c in b.chain],
            n if b.inside is None else f"{n}/{b.inside}",
        )
        for b in items
    ], found


def _ended_message(end: str, gate: str | None, status: str | None) -> str:
    what = "while this node was processing" if status == "processing" else "before this node ran"
    if gate is not None:
        verb = "approved" if gate == "awaiting-approval" else "selected"
        what = f"while this gate waited for a person: it can no longer be {verb} or rejected"
    return f"the workflow job ended ({end}) {what}"


def _end_text(job: Job) -> str:
    """``canceled at 2026-11-20 09:04:00 UTC``: the job's end status and time when known (from
    :func:`~flowgraph.timing.ended_at_of`)."""
    status = one_line(job.status)
    when = parse_time(ended_at_of(job))
    return f"{status} at {when:%Y-%m-%d %H:%M:%S} UTC" if when else status


def failed_by_iteration(g: GraphData, n: str) -> bool:
    """True for a for-each that failed because a copy in it (or in a loop nested in it) did."""
    return n in g.loops and bool(_iteration_roots(g, n, {}))


def _gate_message(reason: str) -> str:
    who = "approve or reject" if reason == "awaiting-approval" else "select or reject"
    return f"parked until a person acts: {who} it"


def _names(ids: list[str]) -> str:
    return ", ".join(repr(r) for r in ids[:5]) + (" ..." if len(ids) > 5 else "")


def _message(found: dict[str, str], roots: list[str]) -> str:
    """What blocks a node, one part per kind of root cause, worst first:
    ``upstream gate was rejected: 'g'; depends on a node that is not in the flow: 'ghost'``."""
    kinds = set(found.values())
    if len(kinds) == 1:
        return f"{_CAUSES[kinds.pop()][1]}: {_names(roots)}"
    return "; ".join(
        f"{text}: {_names([r for r in roots if found[r] == kind])}"
        for kind, (_, text) in _CAUSES.items()
        if kind in kinds
    )


_CHAIN_LIMIT = 12


def _chain(
    pred: Any, target: str, n: str, causes: dict[str, dict[str, str]], state: dict[str, str]
) -> list[str]:
    """A path from the root cause ``target`` to ``n`` through blocked nodes (``pred``: node ->
    predecessors), for display; a loop failed by an iteration stands for its failed copies
    (``[copy, loop, ..., n]``). Long chains keep their last nodes: ``[target, "...", ..., n]``.
    """
    chain = [n]
    cur = n
    while len(chain) < _CHAIN_LIMIT:
        preds = pred[cur]
        if target in preds or state.get(cur) == _CARRY or target.startswith(f"{cur}/"):
            chain.append(target)
            break
        nxt, best = None, (True, True, "")  # next to the cause, not a failed loop, smallest id
        for p in preds:
            if target in causes.get(p, ()):
                key = (target not in pred[p], state[p] == _CARRY, p)
                if nxt is None or key < best:
                    nxt, best = p, key
        if nxt is None:
            break
        chain.append(nxt)
        cur = nxt
    else:
        chain += ["...", target]
    chain.reverse()
    return chain
