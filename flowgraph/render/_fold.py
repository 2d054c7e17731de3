"""A picture too big to lay out: finished stretches folded into one box each.

``dot`` grows steeply with boxes (about 500 boxes take 2 s, 1,000 boxes 19 s, 2,500 more than
150 s), and a picture of thousands of boxes is not read anyway. Above :data:`BOX_BUDGET` boxes,
:func:`fold_finished` puts every connected stretch of finished boxes outside the loops (plain
nodes that succeeded or were skipped, passed gates among them; not outputs or what is
highlighted) into one box
that says how many nodes it stands for, and names the first few; links to and from a stretch
are folded onto its box. What is unfinished, failed, blocked or waiting stays as it was: the
part of a big run that needs reading. The picture's title says what was folded.
:data:`SFDP_ABOVE`: a picture still over that many boxes is laid out by ``sfdp`` (no
clusters, but seconds instead of minutes).
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from .._text import clean
from ._labels import LINE
from ._parts import Box, Link

if TYPE_CHECKING:
    from ._loops import Key

__all__ = ["BOX_BUDGET", "SFDP_ABOVE", "fold_finished"]

#: Above this many boxes, finished stretches are folded (``dot`` lays out ~700 boxes in ~5 s).
BOX_BUDGET = 700
#: Above this many boxes (after folding), ``sfdp`` lays the picture out instead of ``dot``.
SFDP_ABOVE = 1500

_DONE = ("success", "skipped")


def _foldable(box: Box) -> bool:
    return (
        box.kind == "node"
        and box.cluster is None
        and box.state in _DONE
        and not box.output
        and box.mark is None
    )


def fold_finished(
    boxes: dict[Key, Box], links: dict[tuple[Key, Key], Link]
) -> tuple[str, dict[Key, Key]] | None:
    """Fold the finished stretches of ``boxes`` (in place; ``links`` follow) when there are
    more than :data:`BOX_BUDGET`: the line the title gets and which box each folded box went
    into, or None when nothing was folded."""
    if len(boxes) <= BOX_BUDGET:
        return None
    parent: dict[Key, Key] = {k: k for k, b in boxes.items() if _foldable(b)}

    def find(k: Key) -> Key:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for a, b in links:
        if a in parent and b in parent:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    groups: dict[Key, list[Key]] = defaultdict(list)
    for k in sorted(parent):
        groups[find(k)].append(k)
    stretches = [keys for keys in groups.values() if len(keys) > 1]
    if not stretches:
        return None
    into: dict[Key, Key] = {}
    folded = 0
    for i, keys in enumerate(stretches):
        members = sorted(m for k in keys for m in boxes[k].members)
        names = sorted(boxes[k].node or "" for k in keys)
        key: Key = ("2", f"{i:06d}")
        skipped = sum(1 for k in keys if boxes[k].state == "skipped")
        state = "success" if skipped < len(keys) else "skipped"
        lines = [
            f"{len(keys)} finished nodes",
            clean(", ".join(names[:3]) + (" ..." if len(names) > 3 else ""), LINE, 1),
            f"{len(keys) - skipped} ok / {skipped} skipped" if skipped else "all ok",
        ]
        tooltip = [f"folded: {len(keys)} finished nodes", *names[:20]]
        boxes[key] = Box(key, "stretch", None, members, lines, state, "box3d", tooltip)
        for k in keys:
            into[k] = key
            del boxes[k]
        folded += len(keys)
    for (a, b), lk in list(links.items()):
        fa, fb = into.get(a, a), into.get(b, b)
        if (fa, fb) == (a, b):
            continue
        del links[(a, b)]
        if fa == fb:
            continue  # inside one stretch
        merged = links.get((fa, fb))
        if merged is None:
            merged = links[(fa, fb)] = Link(boxes[fa], boxes[fb])
        merged.kinds |= lk.kinds
        merged.inputs |= lk.inputs
        merged.equals |= lk.equals
    line = f"folded: {folded} finished nodes into {len(stretches)} boxes (over {BOX_BUDGET} boxes)"
    return line, into
