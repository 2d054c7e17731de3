"""One self-contained HTML file that carries a run: ``flowgraph report`` and ``fg.to_html()``.

The header is ``show``'s verdict (job, workflow, status, elapsed, cost, the wall-clock split,
what is blocked and why, the next step, the call that resumes a parked gate), written here as
escaped HTML. The graph is the picture of ``flowgraph render`` inlined as SVG (collapsed; the
expanded one beside it when it differs), the timeline tab the Gantt of ``render --format
gantt``; ``report.js`` (hand-written, no library) adds pan and zoom, search, the
critical-path and blocked toggles, the node panel and ``#node=ID`` links, from the run's data
(:func:`~flowgraph.htmlreport.payload.report_data`) embedded as a
``<script type="application/json">`` block.

Safe to open from anyone: a Content-Security-Policy ``<meta>`` forbids every request (nothing
but the page's own script, by its hash, runs), the JSON block has every ``<``, ``>`` and ``&``
as ``\\u`` escapes (no payload text can end it), the SVGs are Graphviz's and the Gantt's own
escaped text with every link removed, and the panel writes payload text with ``textContent``
only; an asset is a link only for an ``http(s)`` URL. The same run gives the same bytes.

>>> import flowgraph, shutil, pytest
>>> if shutil.which("dot") is None:
...     pytest.skip("needs Graphviz's dot")
>>> page = to_html(flowgraph.graph("examples/approval-parked.json"))
>>> page.startswith("<!doctype html>"), "Content-Security-Policy" in page
(True, True)
>>> page == to_html(flowgraph.graph("examples/approval-parked.json"))
True
"""

from __future__ import annotations

from .page import CSP, to_html

__all__ = ["CSP", "to_html"]
