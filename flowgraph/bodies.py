"""Loop bodies as a forest: what the builder keeps of the for-each nodes' ``loopBodyNodeIds``.

A payload may list a template in two bodies, a for-each in its own body or for-each nodes in each
other's; nesting must still be a tree (and bounded), or every walk down the loops would run
forever. :func:`untangle_bodies` decides, independently of the flow's order.

>>> loops = {"a": Loop("a", ["b", "a"]), "b": Loop("b", ["a", "x"])}
>>> [f.code for f in untangle_bodies(loops, set())], loops["a"].body, loops["b"].body
(['loop-body-conflict', 'loop-body-conflict'], ['b'], ['x'])
"""

from __future__ import annotations

from collections import defaultdict, deque

from ._graph import Loop
from .findings import Finding

__all__ = ["MAX_LOOP_NESTING", "untangle_bodies"]

#: The deepest nesting of loops followed: a for-each listed deeper in bodies, or a copy spawned
#: deeper in copies, is left out of its loop (and reported). Real runs nest two or three.
MAX_LOOP_NESTING = 64


def untangle_bodies(loops: dict[str, Loop], copies: set[str]) -> list[Finding]:
    """Make the loops' bodies a forest, as nesting is, whatever the payload lists.

    A for-each's body keeps each id once and drops itself, loop copies, ids already in
    another for-each's body and the for-each nodes that contain it (several for-each nodes
    listing each other would otherwise nest forever): each template ends in exactly one
    body. Bodies are handed out from the outermost for-each nodes (those in no body, by
    id) inward, so the result does not depend on the order of the flow; a for-each that
    would nest deeper than :data:`MAX_LOOP_NESTING` stays out. A copy's body drops itself
    and other copies. What a for-each lists in vain is one ``loop-body-conflict`` warning, returned.
    """
    owner: dict[str, str] = {}  # template -> the for-each whose body it is in
    dropped: dict[str, list[str]] = defaultdict(list)  # loop -> what it lists in vain

    def drop(loop_id: str, item: str, why: str) -> None:
        dropped[loop_id].append(f"{item!r} ({why})")

    def own_body(loop_id: str) -> list[str]:
        body: list[str] = []
        for item in dict.fromkeys(loops[loop_id].body):
            if item == loop_id:
                drop(loop_id, item, "itself")
            elif item in copies:
                drop(loop_id, item, "a loop copy")
            else:
                body.append(item)
        return body

    for loop_id in loops:
        if loop_id in copies:
            loops[loop_id].body = own_body(loop_id)
    templates = sorted(k for k in loops if k not in copies)
    bodies = {k: own_body(k) for k in templates}
    listed = {item for body in bodies.values() for item in body}
    entered: set[str] = set()
    level: dict[str, int] = {}  # how deep a for-each nests: 1 for an outermost one
    todo: deque[str] = deque(k for k in templates if k not in listed)
    rest = iter(templates)  # for-each nodes that only nest in each other: smallest id first
    while True:
        if not todo:
            root = next((k for k in rest if k not in entered), None)
            if root is None:
                break
            todo.append(root)
        loop_id = todo.popleft()
        if loop_id in entered:
            continue
        entered.add(loop_id)
        level[loop_id] = level.get(loop_id, 1)
        kept: list[str] = []
        for item in bodies[loop_id]:
            if item in bodies and item not in owner and level[loop_id] >= MAX_LOOP_NESTING:
                drop(loop_id, item, f"a for-each nested more than {MAX_LOOP_NESTING} deep")
                continue
            if item in owner or item in entered:
                inside, up = False, owner.get(loop_id)
                while up is not None and not inside:
                    inside = up == item
                    up = owner.get(up)
                where = owner.get(item)
                if inside:
                    why = "which contains it"
                elif where is not None:
                    why = f"already in the body of {where!r}"
                else:
                    why = "a for-each already shown outside it"
                drop(loop_id, item, why)
                continue
            owner[item] = loop_id
            kept.append(item)
            if item in bodies:
                level[item] = level[loop_id] + 1
                todo.append(item)
        loops[loop_id].body = kept
    findings = []
    for loop_id in sorted(dropped):
        items = dropped[loop_id]
        more = f" and {len(items) - 10} more" if len(items) > 10 else ""
        findings.append(
            Finding(
                "warning",
                "loop-body-conflict",
                loop_id,
                f"for-each {loop_id!r}: loopBodyNodeIds entries ignored: "
                + ", ".join(items[:10])
                + more,
            )
        )
    return findings
