"""The report page: escaped header, inlined pictures, the JSON block, the script and its CSP.

>>> data_block({"id": "</script><script>alert(1)</script>", "n": float("nan")})
'{"id":"\\\\u003c/script\\\\u003e\\\\u003cscript\\\\u003ealert(1)\\\\u003c/script\\\\u003e","n":null}'
>>> clean_svg('<?xml version="1.0"?>\\n<!-- c -->\\n<svg width="9pt"\\n height="2pt">'
...           '<a xlink:href="https://x" xlink:title="t"><text>a</text></a></svg>')
'<svg><a xlink:title="t"><text>a</text></a></svg>'
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
from html import escape
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from .._text import seconds
from ..errors import FlowgraphError
from ..render import render
from ..render.scene import MAX_COPIES, Scene, build_scene
from .payload import report_data

if TYPE_CHECKING:
    from .._graph import GraphData

__all__ = ["CSP", "clean_svg", "data_block", "to_html"]

#: The policy of every report, with ``{script}`` the hash of its one script: no request of
#: any kind (no fetch, image, font, frame, form or base), styles inline only.
CSP = (
    "default-src 'none'; script-src '{script}'; style-src 'unsafe-inline'; img-src 'none'; "
    "connect-src 'none'; font-src 'none'; frame-src 'none'; object-src 'none'; "
    "base-uri 'none'; form-action 'none'"
)
#: Blocked nodes and failed nodes' errors the header lists; the blocked list starts open up to
#: ``_OPEN`` of them.
_LISTED, _OPEN = 200, 8
_GANTT_LEGEND = (
    '<p class="note legend">light: queued, dark: running, amber: a gate waiting for a person; '
    "red outline: the critical path. Click a bar to see its node.</p>"
)
_JS_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028"}
_JS_ESCAPES["\u2029"] = "\\u2029"
_UNSAFE = re.compile("[<>&\u2028\u2029]")
# what Graphviz writes that a page does not want: the XML prolog, the doctype, comments,
# sizes in points (CSS sizes the picture) and links (a click selects; the panel has links)
_PROLOG = re.compile(r"<\?xml.*?\?>|<!DOCTYPE.*?>|<!--.*?-->\s*", re.S)
_ROOT = re.compile(r"<svg\b[^>]*>")
_SIZE = re.compile(r'\s+(?:width|height)="[^"]*"')
_HREF = re.compile(r'\s(?:xlink:)?href="[^"]*"|\starget="[^"]*"')


def to_html(g: GraphData, *, max_copies: int = MAX_COPIES) -> str:
    """The report of ``g`` as one HTML document (see :mod:`flowgraph.htmlreport`).
    ``max_copies``: the expanded picture draws loops of at most that many copies."""
    collapsed = build_scene(g)
    expanded: Scene | None = build_scene(g, expand_loops=True, max_copies=max_copies)
    expanded_svg = None
    if expanded is not None and [b.members for b in expanded.boxes] == [
        b.members for b in collapsed.boxes
    ]:
        expanded = None  # nothing to expand: one picture
    else:
        expanded_svg = clean_svg(render(g, "svg", expand_loops=True, max_copies=max_copies))
    data = report_data(g, expanded, collapsed)
    try:
        gantt = _GANTT_LEGEND + clean_svg(render(g, "gantt"))
    except FlowgraphError as e:  # no node jobs: no timeline
        gantt = f'<p class="note">{escape(str(e))}</p>'
    script = _asset("report.js")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    job = data["job"]
    views = [_view("collapsed", clean_svg(render(g, "svg")), False)]
    if expanded_svg is not None:
        views.append(_view("expanded", expanded_svg, True))
    title = escape(f"flowgraph report: {job.get('job_id') or 'workflow'}")
    return "\n".join(
        [
            "<!doctype html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{escape(CSP.format(script="sha256-" + digest))}">',  # noqa: E501
            '<meta name="referrer" content="no-referrer">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{title}</title>",
            f"<style>{_asset('report.css')}</style>",
            "</head><body>",
            _header(data),
            _asset("body.html").format(
                views="\n".join(views),
                gantt=gantt,
                expand="" if expanded_svg is not None else " hidden",
            ),
            f'<script type="application/json" id="fg-data">{data_block(data)}</script>',
            f"<script>{script}</script>",
            "</body></html>",
            "",
        ]
    )


def data_block(data: Any) -> str:
    """``data`` as JSON that no text can end early inside ``<script>``: sorted keys, NaN and
    infinities as ``null``, every ``<``, ``>``, ``&``, U+2028 and U+2029 as a ``\\u`` escape."""
    text = json.dumps(_finite(data), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return _UNSAFE.sub(lambda m: _JS_ESCAPES[m.group(0)], text)


def clean_svg(svg: bytes | str) -> str:
    """An SVG of Graphviz or of the Gantt, ready to inline: no prolog, doctype, comments,
    point sizes or links."""
    text = svg.decode("utf-8") if isinstance(svg, bytes) else svg
    text = _PROLOG.sub("", text)
    text = _ROOT.sub(lambda m: _SIZE.sub("", m.group(0)), text, count=1)
    return _HREF.sub("", text).strip()


def _finite(data: Any) -> Any:
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {str(k): _finite(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [_finite(v) for v in data]
    return data


def _asset(name: str) -> str:
    return files(__package__).joinpath(name).read_text(encoding="utf-8")


def _view(name: str, svg: str, hidden: bool) -> str:
    return (
        f'<div class="view" id="view-{name}" data-view="{name}"{" hidden" if hidden else ""}>'
        f"{svg}</div>"
    )


def _node_button(node: str) -> str:
    """A node id in the header that selects the node (``report.js``), escaped."""
    return f'<button type="button" class="link" data-node="{escape(node)}">{escape(node)}</button>'


def _header(data: dict[str, Any]) -> str:
    """The run's header and the show verdict, as escaped HTML (readable without the script)."""
    job, verdict = data["job"], data["verdict"]
    cost = job.get("cost")
    facts = [
        ("job", job.get("job_id") or "-"),
        ("workflow", job.get("workflow_id") or "-"),
        ("status", job.get("status") or "-"),
        ("elapsed", seconds(job.get("duration"))),
        ("cost", "-" if cost is None else f"{cost:g} CU"),
        ("nodes", ", ".join(f"{v} {k}" for k, v in job.get("statuses", {}).items()) or "-"),
    ]
    out = ['<header id="summary"><h1>flowgraph report</h1><dl class="facts">']
    out += [f'<div><dt>{k}</dt><dd id="fact-{k}">{escape(str(v))}</dd></div>' for k, v in facts]
    out.append("</dl>")
    out.append(f'<p id="time">{escape(job.get("time") or "")}</p>')
    if job.get("error"):
        out.append(f'<p class="error">error: {escape(str(job["error"]))}</p>')
    if job.get("hint"):
        out.append(f'<p class="hint">hint: {escape(str(job["hint"]))}</p>')
    for e in verdict["errors"][:_LISTED]:
        hint = f' <span class="hint">hint: {escape(str(e["hint"]))}</span>' if e["hint"] else ""
        error = escape(str(e["error"] or ""))
        out.append(
            f'<p class="error node-error">{_node_button(e["node"])} failed: {error}{hint}</p>'
        )
    if len(verdict["errors"]) > _LISTED:
        out.append(f"<p>... and {len(verdict['errors']) - _LISTED} more failed nodes</p>")
    nxt = verdict["next"]
    out.append(f'<p id="next"><b>next:</b> {escape(nxt["text"])}</p>')
    for gate in verdict["gates"]:
        out.append(
            f'<details class="gate" open><summary>resume the gate {escape(gate["node"])} '
            f"({escape(gate['reason'])})</summary><pre>{escape(gate['call'])}</pre></details>"
        )
    blocked = verdict["blocked"]
    if blocked:
        opened = " open" if len(blocked) <= _OPEN else ""
        out.append(
            f'<details id="blocked-list"{opened}><summary>{len(blocked)} blocked</summary><ul>'
        )
        for b in blocked[:_LISTED]:
            out.append(
                f"<li>{_node_button(b['node'])} {escape(b['reason'])}: {escape(b['message'])}</li>"
            )
        if len(blocked) > _LISTED:
            out.append(f"<li>... and {len(blocked) - _LISTED} more</li>")
        out.append("</ul></details>")
    out.append("</header>")
    return "\n".join(out)
