"""flowgraph: turn a Scenario workflow job into a graph you can question.

>>> import flowgraph
>>> fg = flowgraph.graph("examples/approval-parked.json")
>>> [(b.node, b.reason) for b in fg.blocked()]
[('approve', 'awaiting-approval'), ('upscale', 'waiting-on-gate'), ('remove-bg', 'waiting-on-gate')]

The public names are loaded on first use, so ``flowgraph --help`` starts fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .errors import *  # noqa: F403
from .errors import __all__ as _errors

if TYPE_CHECKING:
    from .builder import build
    from .findings import Finding
    from .flow_graph import FlowGraph
    from .sources import load
    from .model import Job

__version__ = "0.1.0"

_LAZY = {
    "load": "sources",
    "build": "builder",
    "FlowGraph": "flow_graph",
    "Job": "model",
    "Finding": "findings",
    "fetch": "remote",
    "fetch_workflow": "remote",
    "diff": "compare",
}
__all__ = ["graph", *_LAZY, *_errors]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'flowgraph' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def graph(source: Any) -> FlowGraph:
    """``build(load(source))``: the graph of a job from any source :func:`load` accepts."""
    from .builder import build
    from .flow_graph import FlowGraph
    from .sources import load

    if isinstance(source, FlowGraph):
        return source
    return build(load(source))
