"""The dispatch (flowgraph.render): one renderer per format, its options, the format of a path,
and an import that stays free of ``graphviz``."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import ROOT, example
from picture_checks import ALL_ON

import flowgraph
import flowgraph.render as render_package
from flowgraph.errors import FlowgraphError, RenderError
from flowgraph.render import FORMATS, format_for, highlight_options, render
from flowgraph.render.dot import to_dot
from flowgraph.render.mermaid import to_mermaid
from flowgraph.vocab import PICTURE_FORMATS, RENDER_FORMATS


def test_render_text_formats_and_option_checks() -> None:
    fg = flowgraph.graph(example("nested-loops.json"))
    assert render(fg, "dot", expand_loops=True).decode() == to_dot(fg, expand_loops=True).source
    assert render(fg, "mermaid", expand_loops=True).decode() == to_mermaid(fg, expand_loops=True)
    # Mermaid honours --highlight (it ignored it): the same marks as to_mermaid's options
    assert render(fg, "mermaid", **ALL_ON).decode() == to_mermaid(fg, **ALL_ON) != to_mermaid(fg)
    doc = render(fg, "json")
    assert json.loads(doc) == fg.to_node_link() and doc.endswith(b"}\n")
    assert fg.render("dot", legend=False) == render(fg, "dot", legend=False)
    assert b"cluster_legend" not in render(fg, "dot", legend=False)
    with pytest.raises(RenderError, match="unknown format 'gif'"):
        render(fg, "gif")
    with pytest.raises(TypeError, match="highlight"):
        render(fg, "json", highlight=True)
    assert fg.to_dot().source == to_dot(fg).source and fg.to_mermaid() == to_mermaid(fg)


def test_render_rejects_an_unknown_format_before_drawing(monkeypatch: pytest.MonkeyPatch) -> None:
    fg = flowgraph.graph(example("approval-parked.json"))

    def no_drawing(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("drew a picture for an unknown format")

    monkeypatch.setattr(render_package, "to_dot", no_drawing)
    for bad in ("gif", "", "svg ", "dot -o/etc/passwd", "gv", "mmd"):
        with pytest.raises(RenderError, match=f"unknown format {bad!r}: expected one of "):
            render(fg, bad)
    assert render(fg, "JSON") == render(fg, "json")  # formats are case-insensitive


def test_one_renderer_per_format() -> None:
    assert FORMATS == RENDER_FORMATS
    assert set(render_package._RENDERERS) == set(FORMATS)
    assert {render_package._RENDERERS[f] for f in PICTURE_FORMATS} == {render_package._picture}


@pytest.mark.parametrize(
    ("path", "given", "want"),
    [
        ("run.svg", None, "svg"),
        ("out/run.PNG", None, "png"),
        ("run.pdf", None, "pdf"),
        ("run.dot", None, "dot"),
        ("run.gv", None, "dot"),
        ("run.mmd", None, "mermaid"),
        ("run.mermaid", None, "mermaid"),
        ("run.json", None, "json"),
        ("run.svg", "png", "png"),
        ("-", "mermaid", "mermaid"),
        ("run", "json", "json"),
    ],
)
def test_format_for_reads_the_extension_unless_told(
    path: str, given: str | None, want: str
) -> None:
    assert format_for(path, given) == want


@pytest.mark.parametrize(
    ("path", "given"),
    [("run.gif", None), ("-", None), ("run", None), ("run.svg.bak", None), ("run.svg", "gif")],
)
def test_format_for_says_how_to_pick_a_format(path: str, given: str | None) -> None:
    with pytest.raises(FlowgraphError) as err:
        format_for(path, given)
    assert str(err.value) == (
        f"cannot tell the format of {path!r}: use --format svg|png|pdf|dot|mermaid|json|trace|gantt"
    )


def test_importing_render_does_not_import_graphviz() -> None:
    code = (
        "import sys, flowgraph, flowgraph.render, flowgraph.render.dot\n"
        "assert 'graphviz' not in sys.modules, 'graphviz imported'\n"
        "flowgraph.graph('examples/approval-parked.json').to_dot()\n"
        "assert 'graphviz' in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_highlight_options_name_the_render_options() -> None:
    assert highlight_options("critical") == {"highlight_critical": True, "highlight_blocked": False}
    assert highlight_options("blocked, ,critical,blocked") == {
        "highlight_critical": True,
        "highlight_blocked": True,
    }
    assert highlight_options(" ") == {"highlight_critical": False, "highlight_blocked": False}
    assert set(highlight_options("")) <= render_package._OPTIONS
    with pytest.raises(FlowgraphError) as err:
        highlight_options("critical,path")
    assert str(err.value) == "unknown --highlight ['critical', 'path']: use critical, blocked"
