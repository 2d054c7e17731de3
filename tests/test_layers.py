"""The package's shape, held by a walk over its imports (``ast``, no import is run).

Data flows one way (README "Layout"): every module has a layer, and a module imports only from
its own layer or below. Each outside library sits behind one wall.
"""

from __future__ import annotations

import ast
from collections.abc import Collection
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "flowgraph"

#: Layer of each module (by dotted name below ``flowgraph``; a package's modules share the
#: package's layer unless named). Lower layers never import higher ones.
LAYERS: dict[str, int] = {
    "_version": 0,
    "errors": 0,
    "vocab": 0,
    "config": 0,
    "_text": 0,
    "_collector": 0,
    "findings": 0,
    "model": 1,
    "decode": 1,
    "files": 1,
    "timing": 1,
    "parse": 2,
    "sources": 2,
    "api": 3,
    "_digraph": 3,
    "_graph": 3,
    "_core": 3,
    "_nodejobs": 3,
    "_plain": 3,
    "order": 4,
    "bodies": 4,
    "builder": 4,
    "subflows": 4,
    "blocked": 5,
    "describe": 5,
    "focus": 5,
    "critical": 5,
    "timeline": 5,
    "whatif": 5,
    "lint": 5,
    "summary": 5,
    "snapshot": 5,
    "changes": 5,
    "compare": 5,
    # show's data (rows, gates, the next step, the resume call): queries on GraphData too, so
    # the HTML report (htmlreport, layer 6) and fg.to_html() can carry the show verdict
    "_resume": 5,
    "_rows": 5,
    "screen": 5,
    "_compact": 5,
    "_timetext": 5,
    "render": 6,
    "htmlreport": 6,
    "flow_graph": 7,
    "_watch": 8,
    "report": 8,
    "show": 8,
    "runs": 8,  # many runs of one workflow: rows per run (flow_graph), statistics, files
    "pytest_plugin": 9,
    "_args": 9,
    "_helptext": 9,
    "_output": 9,
    "_cmdio": 9,
    "_historycmd": 9,
    "cli": 10,
    "__main__": 11,
    "": 11,  # the package face, flowgraph/__init__.py
}

#: Third-party libraries and the only modules that may import them.
WALLS: dict[str, str | tuple[str, ...]] = {
    "requests": "api",
    "urllib3": "api",
    "graphviz": "render.dot",
    "syrupy": "pytest_plugin",
    "msgspec": ("model", "decode"),
    "shtab": "cli",
    "pyarrow": "runs._parquet",
    "duckdb": "runs._parquet",
    "networkx": "_digraph",  # imported there when fg.nx is asked for or a graph has a cycle
}
#: networkx's internal dicts: read and written in one module only.
INTERNALS = {"_node", "_succ", "_pred", "_adj"}
INTERNALS_HOME = ("_graph", "_digraph")


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _layer(name: str) -> int:
    probe = name
    while probe not in LAYERS:
        if "." not in probe:
            raise AssertionError(f"flowgraph.{name} has no layer in tests/test_layers.py")
        probe = probe.rsplit(".", 1)[0]
    return LAYERS[probe]


def _is_package(name: str) -> bool:
    return name == "" or MODULES[name].name == "__init__.py"


def _imports(name: str, *, typing: bool = True) -> list[tuple[str, int]]:
    """``(imported name, line)`` for each import in a module: ``flowgraph.x`` as ``x`` (the
    face as ``""``), other top-level packages by their own name with a ``!`` in front;
    ``typing=False`` leaves out the imports under ``if TYPE_CHECKING:`` (they load nothing)."""
    package = name if _is_package(name) else name.rpartition(".")[0]
    source = MODULES[name].read_text(encoding="utf-8")
    return _imports_in(source, package, MODULES, typing=typing)


def _typing_only(tree: ast.AST) -> set[int]:
    """The ids of the nodes inside ``if TYPE_CHECKING:`` blocks."""
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and (
                node.test.id == "TYPE_CHECKING"):
            out.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    return out


def _imports_in(source: str, package: str, modules: Collection[str], *,
                typing: bool = True) -> list[tuple[str, int]]:
    tree = ast.parse(source)
    out: list[tuple[str, int]] = []
    skip = set() if typing else _typing_only(tree)
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                top, _, rest = alias.name.partition(".")
                out.append((rest if top == "flowgraph" else "!" + top, node.lineno))
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                top, _, rest = (node.module or "").partition(".")
                if top != "flowgraph":
                    out.append(("!" + top, node.lineno))
                    continue
                base = rest
            else:
                parts = package.split(".") if package else []
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*parts, *([node.module] if node.module else [])])
            for alias in node.names:
                sub = f"{base}.{alias.name}" if base else alias.name
                out.append((sub if sub in modules else base, node.lineno))
    return out


def test_every_module_has_a_layer() -> None:
    for name in MODULES:
        _layer(name)


@pytest.mark.parametrize("name", sorted(MODULES), ids=lambda n: n or "__init__")
def test_imports_run_with_the_flow(name: str) -> None:
    mine = _layer(name)
    wrong = [
        f"line {line}: imports flowgraph.{target or '__init__'} (layer {_layer(target)} > {mine})"
        for target, line in _imports(name)
        if not target.startswith("!") and target != name and _layer(target) > mine
    ]
    assert not wrong, f"flowgraph.{name or '__init__'} (layer {mine}): " + "; ".join(wrong)


@pytest.mark.parametrize("library", sorted(WALLS))
def test_outside_libraries_stay_behind_their_wall(library: str) -> None:
    wall = WALLS[library]
    homes = (wall,) if isinstance(wall, str) else wall
    found = [
        f"flowgraph.{name} line {line}"
        for name in MODULES
        for target, line in _imports(name, typing=False)  # a type-only import loads nothing
        if target == "!" + library
        and not any(name == home or name.startswith(home + ".") for home in homes)
    ]
    assert not found, f"{library} is imported outside {', '.join(homes)}: {found}"


def test_networkx_internals_are_touched_in_one_module() -> None:
    found = []
    for name, path in MODULES.items():
        if name in INTERNALS_HOME:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in INTERNALS:
                found.append(f"flowgraph.{name} line {node.lineno}: .{node.attr}")
    assert not found, found


def test_no_import_circle() -> None:
    g: nx.DiGraph[str] = nx.DiGraph()
    for name in MODULES:
        g.add_node(name)
        for target, _ in _imports(name):
            if not target.startswith("!") and target in MODULES and target != name:
                g.add_edge(name, target)
    # a package's modules import their package's __init__ implicitly; only real edges count
    cycles = list(nx.simple_cycles(g))
    assert not cycles, cycles


def test_modules_stay_small() -> None:
    """No module over ~400 lines, unless its docstring says why it needs more."""
    big = []
    for name, path in MODULES.items():
        lines = path.read_text(encoding="utf-8").count("\n")
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        if lines > 420 and "one job" not in doc:
            big.append(f"flowgraph.{name}: {lines} lines")
    assert not big, big


def test_the_walk_resolves_relative_and_absolute_imports() -> None:
    """The checker itself: what a module in flowgraph/render/ would import."""
    source = (
        "from ..flow_graph import FlowGraph\n"
        "from .. import __version__\n"
        "from . import styles\n"
        "import requests.adapters\n"
        "def late():\n"
        "    from flowgraph.api import fetch\n"
    )
    found = _imports_in(source, "render", {"flow_graph", "render", "render.styles", "api"})
    assert found == [
        ("flow_graph", 1),
        ("", 2),
        ("render.styles", 3),
        ("!requests", 4),
        ("api", 6),
    ]
    assert [_layer(t) > _layer("render.scene") for t, _ in found if not t.startswith("!")] == [
        True,
        True,
        False,
        False,
    ]
