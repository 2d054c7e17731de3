"""Which rows of ``flowgraph show``'s table fit on one screen, and what the rest adds up to.

A run whose table fits on :data:`SCREEN_LINES` lines shows every row, as is. A bigger one shows
the problems first (failed, rejected, parked, blocked, running), then each top-level loop as one
row (its body templates' failed and parked iterations and blocked copies folded into it), then
as many other rows as fit in dependency order, and one line saying what was left out and how to
see them (``--all``; ``--problems`` shows only the problems).

>>> rows = [{"id": f"n{i}", "depth": 0, "kind": "node", "state": "success"} for i in range(5)]
>>> rows[3]["state"] = "failure"
>>> shown, more = pick(rows, 2)
>>> [r["id"] for r in shown], more
(['n3', 'n0'], '... 3 more nodes not shown: 3 ok (--all lists them)')
"""

from __future__ import annotations

from collections import Counter

from ._graph import GraphData
from ._rows import Row, Rows, ranked
from .blocked import blocked
from .order import core_of

__all__ = [
    "SCREEN_LINES",
    "STATE_WORDS",
    "exit_code",
    "focused",
    "fold",
    "is_problem",
    "opened",
    "pick",
]

#: The lines of one terminal screen: what ``flowgraph show`` and ``summary`` fit in by default.
SCREEN_LINES = 40
_PROBLEM_STATES = frozenset(("failure", "rejected", "parked", "processing"))
#: A state as a count's word (``3 ok``, ``1 running``); other states are their own word.
STATE_WORDS = {"success": "ok", "failure": "failed", "processing": "running"}


def is_problem(r: Row) -> bool:
    """True for a row that needs attention: failed, rejected, parked, running, blocked, or a
    loop with failed or parked iterations or blocked copies."""
    if r.get("state") in _PROBLEM_STATES or r.get("blocked_by") is not None:
        return True
    return bool(r.get("failed") or r.get("parked") or r.get("blocked"))


def fold(rows: list[Row]) -> list[Row]:
    """``rows`` with each top-level loop as one row: its body rows (nested loops too) fold
    their failed and parked iterations and their blocked copies into it."""
    out: list[Row] = []
    loop: Row | None = None
    for r in rows:
        if r["depth"] == 0:
            loop = None
            if r["kind"] == "loop":
                loop = {**r, "parent": r["id"], "failed": [], "parked": [], "blocked": []}
            out.append(loop if loop is not None else r)
            continue
        if loop is None:
            out.append(r)
            continue
        loop["failed"] += r.get("failed", [])
        loop["parked"] += r.get("parked", [])
        for blk in r.get("blocked", []):
            same = next(
                (
                    b
                    for b in loop["blocked"]
                    if (b["reason"], b["causes"]) == (blk["reason"], blk["causes"])
                ),
                None,
            )
            if same is None:
                loop["blocked"].append(dict(blk))
            else:
                same["count"] += blk["count"]
    return out


def pick(rows: list[Row], budget: int, problems_only: bool = False) -> tuple[list[Row], str]:
    """At most ``budget`` rows of :func:`fold` ``(rows)``: problems first, then loops, then
    the rest in order (``problems_only``: the problems, all of them), and the line that says
    what was left out (``""`` when nothing was)."""
    folded = fold(rows)
    bad = [r for r in folded if is_problem(r)]
    if problems_only:
        shown = bad
    else:
        loops = [r for r in folded if r["kind"] == "loop" and not is_problem(r)]
        rest = [r for r in folded if r["kind"] != "loop" and not is_problem(r)]
        shown = (bad + loops + rest)[: max(budget, 1)]
    kept = {id(r) for r in shown}
    left: Counter[str] = Counter(
        r.get("state") or "unknown" for r in folded if id(r) not in kept and r["kind"] != "loop"
    )
    loops_left = sum(1 for r in folded if id(r) not in kept and r["kind"] == "loop")
    if not left and not loops_left:
        return shown, ""
    parts = [f"{k} {STATE_WORDS.get(s, s)}" for s, k in ranked(left).items()]
    what = f"{sum(left.values())} more node{'s' if sum(left.values()) != 1 else ''}"
    if loops_left:
        what += f" and {loops_left} loop{'s' if loops_left != 1 else ''}"
    counts = f": {' / '.join(parts)}" if parts else ""
    return shown, f"... {what} not shown{counts} (--all lists them)"


def focused(rows: list[Row], keep: set[str]) -> list[Row]:
    """The rows of the nodes in ``keep`` (``--focus``): a loop or body row when it or one of
    its copies is kept."""
    return [r for r in rows if r["id"] in keep or any(n in keep for n in r.get("nodes", ()))]


def opened(rows: list[Row], table: Rows, loop: str, index: int, members: list[str]) -> list[Row]:
    """``rows`` with iteration ``index`` of ``loop`` listed copy by copy (``--iteration``):
    an iteration row and its copies (``members``, nested loops' copies too) after the loop's
    own rows, or at the end when the loop has no row of its own (a loop inside a loop copy)."""
    at = next((i for i, r in enumerate(rows) if r["id"] == loop and r["kind"] == "loop"), None)
    depth = 0 if at is None else rows[at]["depth"] + 1
    end = len(rows)
    if at is not None:
        end = next((j for j in range(at + 1, len(rows)) if rows[j]["depth"] < depth), len(rows))
    head = table.iteration_row(loop, index, members, depth)
    copies = [table.node_row(c, depth + 1, "copy") for c in table.in_order(members)]
    return [*rows[:end], head, *copies, *rows[end:]]


def exit_code(g: GraphData) -> int:
    """``flowgraph show``'s exit status, as ``blocked``'s: 1 when a node failed or was rejected
    or something is blocked, else 0."""
    core = core_of(g.execution)  # the statuses by number: no attribute dict made for this
    failed = any(core.status[i] in ("failure", "rejected") for i in core.live())
    return 1 if failed or blocked(g) else 0
