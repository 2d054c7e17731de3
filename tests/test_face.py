"""The package face: what ``import flowgraph`` offers a user, an IDE and a type checker."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import flowgraph
from flowgraph import errors


def test_dir_lists_the_lazily_imported_names() -> None:
    names = dir(flowgraph)
    for name in ("load", "graph", "build", "diff", "FlowGraph", "Job", "fetch", "__version__"):
        assert name in names
    assert set(errors.__all__) <= set(flowgraph.__all__)


def test_every_public_name_resolves() -> None:
    for name in flowgraph.__all__:
        assert getattr(flowgraph, name) is not None


def test_importing_the_face_loads_neither_networkx_nor_requests() -> None:
    code = "import sys, flowgraph; print(sorted({'networkx', 'requests', 'graphviz'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


USER_CODE = """\
from flowgraph import FlowGraph, load, graph, build, PayloadError

fg: FlowGraph = build(load("examples/approval-parked.json"))
total: float = graph(fg).critical_path().total
reasons: list[str] = [b.reason for b in fg.blocked()]
try:
    load("{")
except PayloadError as exc:
    print(exc)
"""


def test_a_users_strict_mypy_sees_the_typed_face(tmp_path: Path) -> None:
    """``py.typed`` and the TYPE_CHECKING re-exports: strict mypy on a user's code is clean,
    and the names carry real types (a wrong annotation is caught, not hidden behind Any)."""
    api = pytest.importorskip("mypy.api")
    good = tmp_path / "good.py"
    good.write_text(USER_CODE)
    bad = tmp_path / "bad.py"
    bad.write_text(USER_CODE + "oops: int = fg.critical_path()\n")
    options = ["--strict", "--cache-dir", str(tmp_path / "cache"), "--no-error-summary"]
    limit = sys.getrecursionlimit()  # mypy raises it and leaves it raised: later tests need it
    try:
        out, err, status = api.run([*options, str(good)])
        assert status == 0, out + err
        out, _, status = api.run([*options, str(bad)])
    finally:
        sys.setrecursionlimit(limit)
    assert status == 1
    assert 'Incompatible types in assignment (expression has type "CriticalPath"' in out
