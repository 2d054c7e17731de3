"""The network wall, read from the source, beyond tests/test_layers.py's rules: flowgraph/api/
imports only the low layers of flowgraph it needs, and loads requests only for a client."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "flowgraph"
API = PACKAGE / "api"
NETWORK = {"requests", "urllib3"}
#: What flowgraph/api/ may import from flowgraph, besides itself.
ALLOWED = {
    "flowgraph._version",
    "flowgraph.config",
    "flowgraph.decode",
    "flowgraph.errors",
    "flowgraph.files",
    "flowgraph.model",
    "flowgraph.sources",
    "flowgraph.vocab",
}
MINE = [*sorted(API.glob("*.py")), *(PACKAGE / f for f in ("config.py", "decode.py", "files.py"))]


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _on_load(body: list[ast.stmt]) -> Iterator[ast.AST]:
    """The statements run when a module loads: not function bodies, not ``if TYPE_CHECKING:``."""
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if isinstance(node, ast.If) and _type_checking(node):
            yield from _on_load(node.orelse)
            continue
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.stmt):
                yield from _on_load([child])
            elif isinstance(child, ast.ExceptHandler):
                yield from _on_load(child.body)


def imports(path: Path, *, on_load: bool = False) -> set[str]:
    """The modules ``path`` imports, relative ones resolved; ``on_load``: only those imported
    when it loads (not under ``if TYPE_CHECKING:``, not inside functions)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(), str(path))
    found: set[str] = set()
    for node in _on_load(tree.body) if on_load else ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            parts = package.split(".")
            anchor = parts[: len(parts) - node.level + 1] if node.level else []
            base = ".".join([*anchor, *([node.module] if node.module else [])])
            found.add(base)
            if node.module is None:  # ``from . import x``: x may be a module
                found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def top(name: str) -> str:
    return name.partition(".")[0]


def test_requests_is_imported_on_load_only_by_the_client_module() -> None:
    loaders = sorted(
        path.name
        for path in API.glob("*.py")
        if "requests" in map(top, imports(path, on_load=True))
    )
    assert loaders == ["_http.py"]


@pytest.mark.parametrize("path", sorted(API.glob("*.py")), ids=lambda p: p.name)
def test_the_api_imports_only_the_low_layers(path: Path) -> None:
    ours = {m for m in imports(path) if top(m) == "flowgraph"}
    outside = {m for m in ours if m != "flowgraph.api" and not m.startswith("flowgraph.api.")}
    assert outside - ALLOWED == set()


@pytest.mark.parametrize("path", MINE, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_stay_short_and_say_what_they_are(path: Path) -> None:
    text = path.read_text()
    tree = ast.parse(text)
    assert len(text.splitlines()) <= 400
    assert (ast.get_docstring(tree) or "").strip(), "a module docstring"
    assert any(
        isinstance(node, ast.Assign)
        and any(getattr(t, "id", "") == "__all__" for t in node.targets)
        for node in tree.body
    )


def test_importing_the_api_does_not_load_requests_until_a_client_is_made() -> None:
    code = (
        "import sys, flowgraph.api as api\n"
        "assert 'requests' not in sys.modules, 'loaded on import'\n"
        "assert api.is_job_id('job_1') and api.JobCache\n"
        "api.Client\n"
        "assert 'requests' in sys.modules\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=PACKAGE.parent, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
