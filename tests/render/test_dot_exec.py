"""Running Graphviz's ``dot`` (flowgraph.render._dot_exec): reliability case 37 (no ``dot``, a
hanging or failing ``dot``), its first error line, and the command line."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
from conftest import example

import flowgraph
from flowgraph.errors import ExecutableNotFoundError, RenderError
from flowgraph.render import render
from flowgraph.render._dot_exec import INSTALL_HINT, dot_command, run_dot


def test_no_dot_on_path_names_the_fix_and_text_formats_still_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fg = flowgraph.graph(example("approval-parked.json"))
    monkeypatch.setenv("PATH", str(tmp_path))
    for fmt in ("svg", "png", "pdf"):
        with pytest.raises(ExecutableNotFoundError) as err:
            render(fg, fmt)
        assert "apt-get install graphviz" in str(err.value) and "make demo" in str(err.value)
        assert isinstance(err.value, RenderError)
    assert render(fg, "dot").startswith(b"digraph flowgraph {")
    assert render(fg, "mermaid").startswith(b"flowchart LR\n")
    assert json.loads(render(fg, "json")) == fg.to_node_link()


def fake_dot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str, mode: int = 0o755) -> None:
    script = tmp_path / "dot"
    script.write_text("#!/bin/sh\n" + body + "\n")
    script.chmod(mode)
    monkeypatch.setenv("PATH", str(tmp_path))


def test_a_hanging_dot_is_stopped_after_the_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sleep = shutil.which("sleep")
    assert sleep is not None
    fake_dot(tmp_path, monkeypatch, f"exec {sleep} 30")
    fg = flowgraph.graph(example("approval-parked.json"))
    start = time.monotonic()
    with pytest.raises(RenderError, match=r"took longer than 0.5s"):
        render(fg, "svg", timeout=0.5)
    assert time.monotonic() - start < 10
    with pytest.raises(RenderError, match="took longer"):
        fg.render("png", timeout=0.3)


def test_a_failing_dot_reports_its_first_error_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_dot(
        tmp_path,
        monkeypatch,
        'echo "" >&2; echo "Error: boom \x1b[31m" >&2; echo second >&2; exit 3',
    )
    with pytest.raises(RenderError) as err:
        run_dot("digraph {}", "svg")
    assert str(err.value) == "`dot -Tsvg` failed (exit 3): Error: boom [31m"
    assert not isinstance(err.value, ExecutableNotFoundError)


def test_a_dot_that_cannot_run_is_not_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_dot(tmp_path, monkeypatch, "exit 0", mode=0o644)
    with pytest.raises(ExecutableNotFoundError, match="install Graphviz"):
        run_dot("digraph {}", "svg")


@pytest.mark.dot
def test_run_dot_syntax_error_and_formats() -> None:
    with pytest.raises(RenderError, match=r"failed \(exit 1\): Error: .*syntax error"):
        run_dot("digraph { a -> }", "svg")
    fg = flowgraph.graph(example("approval-parked.json"))
    assert render(fg, "png").startswith(b"\x89PNG\r\n\x1a\n")
    assert render(fg, "PDF").startswith(b"%PDF")
    assert fg.render().startswith(b"<?xml") and fg._repr_svg_().startswith("<?xml")


def test_dot_command_is_built_without_the_binary() -> None:
    assert dot_command("svg") == ["dot", "-Tsvg"]
    assert dot_command("pdf", executable="/opt/dot") == ["/opt/dot", "-Tpdf"]
    for bad in ("svg -o/etc/passwd", "exe", "", "dot"):
        with pytest.raises(RenderError, match="expected one of svg, png, pdf"):
            dot_command(bad)
    assert "apt-get install graphviz" in INSTALL_HINT
