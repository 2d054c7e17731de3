"""The run as a Gantt chart in SVG, written here (no browser, no Graphviz): ``render --format
gantt``.

One row per node (loop copies: one row per loop iteration when the run has more than
:data:`COLLAPSE_ABOVE` of them), in order of first start; queued spans light, running spans
dark, gate waits amber; the bars of the critical path's nodes carry
``class="... critical"`` and a red outline. A time axis runs along the top. Every text is
escaped (:func:`xml.sax.saxutils.escape`), so any id is safe; the same run gives the same bytes.

>>> import flowgraph
>>> svg = to_gantt(flowgraph.graph("examples/timed-bundle.json"))
>>> svg.startswith("<svg") and svg.count('class="bar running') == 5
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

from .._text import clip, one_line, seconds
from ._spans import on_path, rows, spans_by_node, spans_of

if TYPE_CHECKING:
    from .._graph import GraphData

__all__ = ["COLLAPSE_ABOVE", "to_gantt"]

#: Above this many loop copies, a loop's copies share one row per iteration.
COLLAPSE_ABOVE = 40
_ROW, _BAR, _LABEL, _CHART, _TOP = 22, 14, 220, 760, 40
_FILL = {"queued": "#c6dbef", "running": "#2171b5", "gate": "#fdae6b"}
_STYLE = (
    ".critical{stroke:#d62728;stroke-width:2}"
    "text{font-family:sans-serif;font-size:12px;fill:#222}"
    ".tick{stroke:#ddd}.axis{font-size:10px;fill:#555}"
)


def _step(total: float) -> float:
    """A tick step (seconds) giving 4 to 10 ticks over ``total``."""
    for step in (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 86400):
        if total / step <= 10:
            return float(step)
    return 86400.0 * max(1, int(total / 86400 / 10) + 1)


def to_gantt(fg: GraphData) -> str:
    """The SVG text of the chart."""
    tl = spans_of(fg)
    by_node = spans_by_node(tl)
    critical = set(on_path(fg))
    lanes = rows(fg, tl, COLLAPSE_ABOVE)
    total = max(tl.elapsed, max(s.end for s in tl.spans), 1) / 1e6
    scale = _CHART / total
    height = _TOP + _ROW * len(lanes) + 10
    width = _LABEL + _CHART + 20
    out = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}">'
        ),
        f"<title>{escape(one_line('timeline of ' + fg.job.job_id))}</title>",
        f"<style>{_STYLE}</style>",
        f'<rect width="{width}" height="{height}" fill="white"/>',
        (
            f'<g class="axis-group"><text x="4" y="16">{escape(one_line(fg.job.job_id))} '
            f"({escape(seconds(tl.elapsed / 1e6))})</text>"
        ),
    ]
    step = _step(total)
    t = 0.0
    while t <= total + 1e-9:
        x = _LABEL + t * scale
        out.append(
            f'<line class="tick" x1="{x:.2f}" y1="{_TOP - 8}" x2="{x:.2f}" y2="{height - 10}"/>'
        )
        out.append(
            f'<text class="axis" x="{x:.2f}" y="{_TOP - 12}" text-anchor="middle">'
            f"{escape(seconds(t))}</text>"
        )
        t += step
    out.append("</g>")
    for i, lane in enumerate(lanes):
        y = _TOP + i * _ROW
        label = lane.lane if not lane.group else _lane_label(lane.group, lane.lane, lane.nodes)
        out.append(
            f'<g class="row" data-row={quoteattr(label)}>'
            f'<text x="4" y="{y + _BAR - 2}">{escape(clip(one_line(label), 30))}</text>'
        )
        for n in lane.nodes:
            mark = " critical" if n in critical else ""
            for s in by_node[n]:
                x = _LABEL + s.start / 1e6 * scale
                w = max((s.end - s.start) / 1e6 * scale, 0.5)
                tip = f"{n} {s.kind} {seconds((s.end - s.start) / 1e6)}"
                out.append(
                    f'<rect class="bar {s.kind}{mark}" data-node={quoteattr(n)} '
                    f'x="{x:.2f}" y="{y}" width="{w:.2f}" height="{_BAR}" '
                    f'fill="{_FILL[s.kind]}"><title>{escape(one_line(tip))}</title></rect>'
                )
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _lane_label(loop: str, lane: str, nodes: tuple[str, ...]) -> str:
    """A row's label: the node, or the loop and iteration with its one node or how many."""
    if len(nodes) == 1:
        return nodes[0] if nodes[0] == lane else f"{loop} [{lane}] {nodes[0]}"
    return f"{loop} [{lane}] ({len(nodes)} nodes)"
