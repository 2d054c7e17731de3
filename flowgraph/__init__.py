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

from . import errors as _errors
from ._version import __version__
from .errors import *  # noqa: F403 (every error class is part of the face)

if TYPE_CHECKING:  # the names below are imported on first use (``__getattr__``)
    from .api import fetch as fetch
    from .api import fetch_workflow as fetch_workflow
    from .findings import Finding as Finding
    from .flow_graph import FlowGraph as FlowGraph
    from .flow_graph import build as build
    from .flow_graph import diff as diff
    from .flow_graph import graph as graph
    from .model import Job as Job
    from .runs import history as history
    from .sources import load as load

#: Public name -> the module that defines it, imported on first use.
_LAZY = {
    "load": "sources",
    "build": "flow_graph",
    "graph": "flow_graph",
    "diff": "flow_graph",
    "FlowGraph": "flow_graph",
    "Job": "model",
    "Finding": "findings",
    "fetch": "api",
    "fetch_workflow": "api",
    "history": "runs",
}
__all__ = [  # noqa: RUF022 (the face's names in the README's order, then the errors)
    "__version__",
    "load",
    "build",
    "graph",
    "diff",
    "FlowGraph",
    "Job",
    "Finding",
    "fetch",
    "fetch_workflow",
    "history",
]
__all__ += _errors.__all__


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'flowgraph' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
