"""Pictures of a run: one renderer per format, behind one dispatch, :func:`render`.

svg, png and pdf are the DOT text (:func:`~flowgraph.render.dot.to_dot`) run through Graphviz's
``dot`` (by :mod:`flowgraph.render._dot_exec`, the only module that runs a program); dot is that
text, mermaid the Mermaid text (:func:`~flowgraph.render.mermaid.to_mermaid`), json the
node-link document (:func:`~flowgraph.render.nodelink.node_link`); trace and gantt the run's
timeline (:mod:`flowgraph.render.trace`, :mod:`flowgraph.render.gantt`: from the node jobs,
drawn without Graphviz). The graph pictures draw one scene
(:func:`flowgraph.render.scene.build_scene`) in one style (:mod:`flowgraph.render.styles`).
Importing this package does not import ``graphviz``: only drawing does.

>>> import flowgraph
>>> fg = flowgraph.graph("examples/approval-parked.json")
>>> format_for("run.mmd"), format_for("run.svg"), format_for("-", "json")
('mermaid', 'svg', 'json')
>>> import shutil, pytest
>>> if shutil.which("dot") is None:
...     pytest.skip("needs Graphviz's dot")
>>> render(fg, "svg")[:5]
b'<?xml'
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..errors import FlowgraphError, RenderError
from ..vocab import EXTENSION_FORMATS, PICTURE_FORMATS, RENDER_FORMATS, SUFFIX_FORMATS
from ._dot_exec import DEFAULT_TIMEOUT, run_dot
from .dot import to_dot
from .gantt import to_gantt
from .mermaid import to_mermaid
from .nodelink import node_link
from .trace import to_trace

if TYPE_CHECKING:
    from .._graph import GraphData

__all__ = [
    "FORMATS",
    "HIGHLIGHTS",
    "format_for",
    "highlight_options",
    "node_link",
    "render",
    "to_dot",
    "to_mermaid",
    "too_big_to_expand",
]

#: What :func:`render` can produce.
FORMATS = RENDER_FORMATS
#: The options of :func:`render` (:func:`~flowgraph.render.dot.to_dot`'s).
_OPTIONS = frozenset(
    {
        "expand_loops",
        "highlight_critical",
        "highlight_blocked",
        "legend",
        "max_copies",
        "focus",
        "depth",
        "job_ids",
        "iteration",
    }
)
#: What ``flowgraph render --highlight`` can name, and the option of :func:`render` each sets.
HIGHLIGHTS = {"critical": "highlight_critical", "blocked": "highlight_blocked"}


def format_for(path: str, format: str | None = None) -> str:
    """The format to write ``path`` in: ``format`` when given, else the file's extension
    (``.gv`` is dot, ``.mmd`` mermaid; ``.trace.json`` is trace, ``.gantt.svg`` gantt).
    :class:`~flowgraph.errors.FlowgraphError` when it is not one of :data:`FORMATS`.

    >>> format_for("out/run.GV"), format_for("run.svg", "png"), format_for("run.trace.json")
    ('dot', 'png', 'trace')
    >>> format_for("run.gif")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    flowgraph.errors.FlowgraphError: cannot tell the format of 'run.gif': use --format svg|png|...
    """
    ext = os.path.splitext(path)[1].lstrip(".").lower()
    suffix = next((f for end, f in SUFFIX_FORMATS.items() if path.lower().endswith(end)), None)
    fmt = format or suffix or EXTENSION_FORMATS.get(ext, ext)
    if fmt not in FORMATS:
        raise FlowgraphError(
            f"cannot tell the format of {path!r}: use --format {'|'.join(FORMATS)}"
        )
    return fmt


def too_big_to_expand(g: GraphData, max_copies: int | None = None) -> dict[str, int]:
    """The top-level loops ``expand_loops`` still draws collapsed: more copies than
    ``max_copies`` (default :data:`~flowgraph.render.scene.MAX_COPIES`), with their counts.

    >>> import flowgraph
    >>> too_big_to_expand(flowgraph.graph("examples/foreach-failed.json"), 2)
    {'each-style': 6}
    """
    from ._loops import Families
    from .scene import MAX_COPIES

    limit = MAX_COPIES if max_copies is None else max_copies
    fam = Families(g, True, limit)
    return {r: c for r, c in sorted(fam.copies_in.items()) if c > limit}


def highlight_options(text: str) -> dict[str, bool]:
    """The options of :func:`render` that a ``--highlight`` value (comma-separated names of
    :data:`HIGHLIGHTS`) turns on or off. :class:`~flowgraph.errors.FlowgraphError` for a name
    it does not know.

    >>> highlight_options(" blocked,critical ")
    {'highlight_critical': True, 'highlight_blocked': True}
    >>> highlight_options("")
    {'highlight_critical': False, 'highlight_blocked': False}
    >>> highlight_options("blocked,slow")
    Traceback (most recent call last):
        ...
    flowgraph.errors.FlowgraphError: unknown --highlight ['blocked', 'slow']: use critical, blocked
    """
    wanted = {name.strip() for name in text.split(",") if name.strip()}
    if wanted - set(HIGHLIGHTS):
        raise FlowgraphError(f"unknown --highlight {sorted(wanted)}: use {', '.join(HIGHLIGHTS)}")
    return {option: name in wanted for name, option in HIGHLIGHTS.items()}


#: A renderer: (graph, format, options, timeout of ``dot``) -> bytes. Every renderer takes
#: the four; those a renderer does not use are named ``_...``.
_Renderer = Callable[["GraphData", str, dict[str, Any], float], bytes]


def _picture(g: GraphData, fmt: str, options: dict[str, Any], timeout: float) -> bytes:
    return run_dot(to_dot(g, **options).source, fmt, timeout)


def _dot(g: GraphData, _fmt: str, options: dict[str, Any], _timeout: float) -> bytes:
    source: str = to_dot(g, **options).source
    return source.encode("utf-8")


def _mermaid(g: GraphData, _fmt: str, options: dict[str, Any], _timeout: float) -> bytes:
    keys = ("expand_loops", "highlight_critical", "highlight_blocked")
    flags: dict[str, Any] = {k: bool(options.get(k, False)) for k in keys}
    flags.update(
        (k, options[k]) for k in ("focus", "depth", "iteration") if options.get(k) is not None
    )
    return to_mermaid(g, **flags).encode()


def _json(g: GraphData, _fmt: str, _options: dict[str, Any], _timeout: float) -> bytes:
    return (json.dumps(node_link(g), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _trace(g: GraphData, _fmt: str, _options: dict[str, Any], _timeout: float) -> bytes:
    return to_trace(g).encode("utf-8")


def _gantt(g: GraphData, _fmt: str, _options: dict[str, Any], _timeout: float) -> bytes:
    return to_gantt(g).encode("utf-8")


#: Format -> its renderer: one per format of :data:`FORMATS`.
_RENDERERS: dict[str, _Renderer] = {
    **dict.fromkeys(PICTURE_FORMATS, _picture),
    "dot": _dot,
    "mermaid": _mermaid,
    "json": _json,
    "trace": _trace,
    "gantt": _gantt,
}


def render(
    g: GraphData, format: str = "svg", *, timeout: float = DEFAULT_TIMEOUT, **options: Any
) -> bytes:
    """The picture of ``g`` as bytes: svg, png or pdf (through ``dot``), dot (DOT text),
    mermaid (:func:`~flowgraph.render.mermaid.to_mermaid`) or json (the node-link document).

    ``options`` are :func:`~flowgraph.render.dot.to_dot`'s; Mermaid uses ``expand_loops``, the
    highlights, ``focus`` and ``depth``; json none. ``timeout`` bounds the ``dot`` run
    (:class:`~flowgraph.errors.RenderError` after it).

    >>> import flowgraph
    >>> fg = flowgraph.graph("examples/approval-parked.json")
    >>> render(fg, "dot").startswith(b"digraph flowgraph {")
    True
    >>> render(fg, "mermaid").splitlines()[0]
    b'flowchart LR'
    >>> render(fg, "gif")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    flowgraph.errors.RenderError: unknown format 'gif': expected one of svg, png, pdf, dot, ...
    """
    unknown = sorted(set(options) - _OPTIONS)
    if unknown:
        raise TypeError(f"render() got unexpected option(s): {', '.join(unknown)}")
    fmt = str(format).lower()
    renderer = _RENDERERS.get(fmt)
    if renderer is None:
        raise RenderError(f"unknown format {format!r}: expected one of {', '.join(FORMATS)}")
    return renderer(g, fmt, options, timeout)
