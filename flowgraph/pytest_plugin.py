"""pytest plugin (``pytest11`` entry point ``flowgraph``): syrupy snapshots of workflow structure.

The only module that imports syrupy. With syrupy installed (``pip install 'flowgraph[snapshot]'``)
every test can use two fixtures::

    def test_product_shots(flowgraph_snapshot):
        assert flowgraph_snapshot == flowgraph.load("runs/product-shots.json")

    def test_product_shots_picture(flowgraph_dot_snapshot):
        assert flowgraph_dot_snapshot == "runs/product-shots.json"

``flowgraph_snapshot`` stores the structure text of :mod:`flowgraph.snapshot` in
``__snapshots__/<test file>/<test name>.txt``; ``flowgraph_dot_snapshot`` stores
``fg.to_dot(job_ids=False).source`` in ``<test name>.dot`` (job ids left out, as the structure
text leaves them out: another run of the same workflow matches). Both accept a ``FlowGraph``, a
``Job`` or any source :func:`flowgraph.graph` accepts (a path, a dict, JSON text ...); the
structure fixture also takes text :meth:`FlowGraph.snapshot` already made
(``fg.snapshot(statuses=True)``) as it is. ``pytest --snapshot-update`` writes the files;
afterwards a changed structure fails with the differing lines of the text, and a reordered or
snake_case flow still passes. For statuses or copies without making the text yourself, use
``flowgraph_snapshot.use_extension(FlowgraphSnapshotExtension.with_options(statuses=True))``.

Without syrupy the plugin registers the fixtures anyway and they fail with the install hint;
nothing else in a pytest run changes.

>>> structure_text("examples/approval-parked.json").splitlines()[:2]
['# flowgraph snapshot v1', 'kind: run']
>>> structure_text("# flowgraph snapshot v1\\nkind: run\\n")  # made already: kept
'# flowgraph snapshot v1\\nkind: run\\n'
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest

__all__ = [
    "FlowgraphDotExtension",
    "FlowgraphSnapshotExtension",
    "dot_text",
    "flowgraph_dot_snapshot",
    "flowgraph_snapshot",
    "structure_diff_lines",
    "structure_text",
]

_HINT = "flowgraph's snapshot fixtures need syrupy: pip install 'flowgraph[snapshot]' (or syrupy)"
_HEADER = "# flowgraph snapshot v"


def structure_text(data: Any, *, statuses: bool = False, copies: bool = False) -> str:
    """The structure text of ``data``: a FlowGraph, a Job, any source ``flowgraph.graph``
    accepts, or a structure text already made (returned as it is)."""
    if isinstance(data, str) and data.startswith(_HEADER):
        return data
    from .flow_graph import graph  # not at import: pytest loads this plugin in every project

    return graph(data).snapshot(statuses=statuses, copies=copies)


def dot_text(data: Any) -> str:
    """``fg.to_dot(job_ids=False).source`` of ``data`` (like :func:`structure_text`); a ``graphviz``
    object's ``.source`` as it is."""
    source = getattr(data, "source", None)
    if isinstance(source, str) and hasattr(data, "pipe"):  # a graphviz.Digraph already
        return source
    from .flow_graph import graph

    text: str = graph(data).to_dot(job_ids=False).source  # two runs of one workflow: one picture
    return text


def structure_diff_lines(before: str, after: str) -> Iterator[str]:
    """The changed lines of two structure texts, no other context than the section header
    (``nodes:``, ``edges:`` ...) and, for a changed case line, its node: so the failure of a
    snapshot test shows the changes themselves within pytest's first lines.

    >>> old = ("kind: run\\nnodes:\\n  a: model\\n  b: model model=x\\n"
    ...        "edges:\\n  a -> b: data (i)\\n")
    >>> print("\\n".join(structure_diff_lines(old, old.replace("x", "y").replace("data", "item"))))
      nodes:
    -   b: model model=x
    +   b: model model=y
      edges:
    -   a -> b: data (i)
    +   a -> b: item (i)
    """
    a, b = before.splitlines(), after.splitlines()
    shown: set[str] = set()

    def owners(lines: list[str]) -> list[list[str]]:
        """Per line, the context it needs: its section header, and its node for a case."""
        out: list[list[str]] = []
        section = node = ""
        for line in lines:
            if not line.startswith(" "):
                section, node = line, ""
                out.append([])
            elif not line.startswith("    "):
                node = line
                out.append(["s" + section])
            else:
                out.append(["s" + section, "n" + node])
        return out

    def emit(lines: list[str], context: list[list[str]], i: int, mark: str) -> Iterator[str]:
        for key in context[i]:
            if key not in shown:
                shown.add(key)
                yield "  " + key[1:]
        yield mark + lines[i]

    ca, cb = owners(a), owners(b)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            for i in range(i1, i2):
                yield from emit(a, ca, i, "- ")
            for j in range(j1, j2):
                yield from emit(b, cb, j, "+ ")


try:
    from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode
except ImportError:  # pragma: no cover - syrupy is a test dependency of flowgraph itself
    _HAVE_SYRUPY = False

    def __getattr__(name: str) -> Any:
        if name in ("FlowgraphSnapshotExtension", "FlowgraphDotExtension"):
            raise ImportError(_HINT)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

else:
    _HAVE_SYRUPY = True

    # One plain text file per snapshot (syrupy's single-file extension) rather than amber:
    # the file is byte for byte what `flowgraph snapshot` prints, so a reviewer reads the
    # structure in the pull request diff and can `diff` it against the CLI; amber would quote
    # and indent it inside one shared .ambr file per test module, and parallel changes to two
    # tests would touch the same file.
    class FlowgraphSnapshotExtension(SingleFileSnapshotExtension):
        """The structure text in ``__snapshots__/<test file>/<test name>.txt``.

        Class attributes ``statuses`` and ``copies`` are the options of
        :meth:`FlowGraph.snapshot`; :meth:`with_options` makes a variant.
        """

        file_extension = "txt"
        _write_mode = WriteMode.TEXT
        statuses = False
        copies = False

        def serialize(self, data: Any, **kwargs: Any) -> str:  # noqa: ARG002 (syrupy's signature)
            """The structure text of ``data`` (see :func:`structure_text`)."""
            return structure_text(data, statuses=self.statuses, copies=self.copies)

        def diff_lines(self, serialized_data: Any, snapshot_data: Any) -> Iterator[str]:
            """Only the changed lines, under their section (see :func:`structure_diff_lines`),
            coloured like syrupy's own diff."""
            from syrupy.terminal import context_style, received_style, reset, snapshot_style

            for line in structure_diff_lines(str(snapshot_data), str(serialized_data)):
                style = {"-": snapshot_style, "+": received_style}.get(line[:1], context_style)
                yield reset(style(line))

        @classmethod
        def with_options(
            cls, *, statuses: bool = False, copies: bool = False
        ) -> type[FlowgraphSnapshotExtension]:
            """This extension with other options (one class per combination)."""
            return _variant(cls, statuses, copies)

    class FlowgraphDotExtension(SingleFileSnapshotExtension):
        """``fg.to_dot().source`` in ``__snapshots__/<test file>/<test name>.dot``."""

        file_extension = "dot"
        _write_mode = WriteMode.TEXT

        def serialize(self, data: Any, **kwargs: Any) -> str:  # noqa: ARG002 (syrupy's signature)
            """The DOT text of ``data`` (see :func:`dot_text`)."""
            return dot_text(data)

    @cache
    def _variant(
        base: type[FlowgraphSnapshotExtension], statuses: bool, copies: bool
    ) -> type[FlowgraphSnapshotExtension]:
        if (statuses, copies) == (base.statuses, base.copies):
            return base
        name = base.__name__ + "".join(
            f"[{word}]" for word, on in (("statuses", statuses), ("copies", copies)) if on
        )
        return type(name, (base,), {"statuses": statuses, "copies": copies, "__module__": __name__})


def _use(request: pytest.FixtureRequest, extension: str) -> Any:
    if not _HAVE_SYRUPY:
        pytest.fail(_HINT, pytrace=False)
    return request.getfixturevalue("snapshot").use_extension(globals()[extension])


@pytest.fixture
def flowgraph_snapshot(request: pytest.FixtureRequest) -> Any:
    """syrupy's ``snapshot`` storing the structure text: ``assert flowgraph_snapshot == src``."""
    return _use(request, "FlowgraphSnapshotExtension")


@pytest.fixture
def flowgraph_dot_snapshot(request: pytest.FixtureRequest) -> Any:
    """syrupy's ``snapshot`` storing the DOT source of the run's picture."""
    return _use(request, "FlowgraphDotExtension")
