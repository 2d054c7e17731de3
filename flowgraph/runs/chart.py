"""A small SVG of a history: each run's duration over time (oldest left), failed runs marked
with a red cross, canceled ones grey, runs still going as hollow circles at the time they have
run so far unknown (drawn on the axis), the p50 as a dashed line and each structure version's
first run as a vertical tick. Written by hand (no Graphviz); ids and dates are escaped.

>>> import flowgraph
>>> from flowgraph.runs import from_jobs
>>> h = from_jobs("wflow_x", [flowgraph.load("examples/timed-bundle.json")])
>>> svg = chart(h.stats, h.runs)
>>> svg.startswith("<svg") and "1 run" in svg and "<script" not in svg
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from .._text import one_line, seconds

if TYPE_CHECKING:
    from .rows import RunRows
    from .stats import Stats

__all__ = ["chart"]

_W, _H = 720, 260
_LEFT, _RIGHT, _TOP, _BOTTOM = 56, 16, 28, 40
_COLOURS = {"success": "#2f7d32", "failure": "#c62828", "canceled": "#9e9e9e"}


def _x(i: int, n: int) -> float:
    span = _W - _LEFT - _RIGHT
    return _LEFT + (span * i / (n - 1) if n > 1 else span / 2)


def chart(stats: Stats, runs: list[RunRows]) -> str:
    """The SVG text of ``runs`` (oldest first) and their ``stats`` (see the module doc)."""
    n = len(runs)
    top = max((r.elapsed for r in runs if r.elapsed is not None), default=0.0) or 1.0
    plot = _H - _TOP - _BOTTOM

    def y(value: float) -> float:
        return _TOP + plot * (1 - value / top)

    title = f"{one_line(stats.workflow)}: {n} run{'' if n == 1 else 's'}, duration per run"
    out = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{_W}" height="{_H}" '
            f'viewBox="0 0 {_W} {_H}" font-family="sans-serif" font-size="11">'
        ),
        f"<title>{escape(title)}</title>",
        f'<rect width="{_W}" height="{_H}" fill="#ffffff"/>',
        f'<text x="{_LEFT}" y="16" font-size="13">{escape(title)}</text>',
        (
            f'<line x1="{_LEFT}" y1="{_TOP + plot}" x2="{_W - _RIGHT}" y2="{_TOP + plot}" '
            'stroke="#444"/>'
        ),
        f'<line x1="{_LEFT}" y1="{_TOP}" x2="{_LEFT}" y2="{_TOP + plot}" stroke="#444"/>',
    ]
    for frac in (0.0, 0.5, 1.0):
        value = top * frac
        out.append(
            f'<text x="{_LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end">'
            f"{escape(seconds(value))}</text>"
        )
    if runs:
        for i, label in ((0, runs[0].created), (n - 1, runs[-1].created)):
            anchor = "start" if i == 0 else "end"
            out.append(
                f'<text x="{_x(i, n):.1f}" y="{_H - 22}" text-anchor="{anchor}">'
                f"{escape(one_line((label or '?')[:10]))}</text>"
            )
    p50 = stats.elapsed.get("p50")
    if p50 is not None:
        out.append(
            f'<line x1="{_LEFT}" y1="{y(p50):.1f}" x2="{_W - _RIGHT}" y2="{y(p50):.1f}" '
            'stroke="#1565c0" stroke-dasharray="4 3"/>'
        )
        out.append(
            f'<text x="{_W - _RIGHT}" y="{y(p50) - 4:.1f}" text-anchor="end" fill="#1565c0">'
            f"p50 {escape(seconds(p50))}</text>"
        )
    previous = None
    for i, run in enumerate(runs):
        x = _x(i, n)
        if previous is not None and run.structure != previous:
            out.append(
                f'<line x1="{x:.1f}" y1="{_TOP}" x2="{x:.1f}" y2="{_TOP + plot}" '
                f'stroke="#bbb" stroke-dasharray="2 2"><title>structure {run.structure}'
                "</title></line>"
            )
        previous = run.structure
        tip = escape(f"{one_line(run.run_id)} {one_line(run.status)} {seconds(run.elapsed)}")
        if run.elapsed is None:
            out.append(
                f'<circle cx="{x:.1f}" cy="{_TOP + plot:.1f}" r="3" fill="none" stroke="#444">'
                f"<title>{tip}</title></circle>"
            )
        elif run.status == "failure":
            yy = y(run.elapsed)
            out.append(
                f'<path d="M{x - 4:.1f},{yy - 4:.1f}L{x + 4:.1f},{yy + 4:.1f}M{x - 4:.1f},'
                f'{yy + 4:.1f}L{x + 4:.1f},{yy - 4:.1f}" stroke="#c62828" stroke-width="2">'
                f"<title>{tip}</title></path>"
            )
        else:
            colour = _COLOURS.get(str(run.status), "#444")
            out.append(
                f'<circle cx="{x:.1f}" cy="{y(run.elapsed):.1f}" r="2.5" fill="{colour}">'
                f"<title>{tip}</title></circle>"
            )
    legend = "dot: a finished run · red cross: failed · grey: canceled · hollow: still going"
    out.append(f'<text x="{_LEFT}" y="{_H - 6}" fill="#555">{escape(legend)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
