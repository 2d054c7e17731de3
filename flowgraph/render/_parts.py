"""The parts of a picture: a drawn box, a cluster (a loop, an iteration, a sub-workflow) and a
drawn link (every graph edge between the nodes of two boxes, folded); :mod:`.scene` makes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..vocab import EDGE_RANK
from ._labels import few
from ._loops import Key

__all__ = ["Box", "Cluster", "Link"]


@dataclass
class Box:
    """One drawn node: a flow node, a loop template standing for its copies, or a group."""

    key: Key
    kind: str  # node | input | missing | fold | group | stretch (finished nodes, folded)
    node: str | None  # the flow node it shows (the template for a fold)
    members: list[str]  # the flow nodes it stands for
    lines: list[str]  # label lines, cleaned and cut (escape them for the output format)
    state: str
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
    critical: bool = False

    @property
    def kind(self) -> str:
        """The strongest kind (in :data:`flowgraph.vocab.EDGE_KINDS` order)."""
        return min(self.kinds, key=lambda k: EDGE_RANK.get(k, len(EDGE_RANK)))

    @property
    def label(self) -> str:
        """Case values for a branch, input names for data, item and conditional edges."""
        if "branch" in self.kinds and self.equals:
            return few(sorted(self.equals))
        if self.kind in ("data", "item", "conditional", "branch"):
            return few(sorted(self.inputs))
        return ""
