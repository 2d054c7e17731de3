"""Every notebook under ``notebooks/`` runs top to bottom on this interpreter, and its saved
outputs are what it prints today (so a notebook cannot rot).

Refresh a notebook after an intended change of output:
``.venv/bin/jupyter execute --inplace notebooks/NAME.ipynb``.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

from tests.conftest import ROOT  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
KERNEL = "flowgraph-test-python"

#: notebook -> cell tag -> strings its printed output must contain
KEY_OUTPUTS: dict[str, dict[str, list[str]]] = {
    "debug-stuck-run.ipynb": {
        "load": ["job='job_F0rEachFailedCopy'", "status: failure",
                 "error:  Node render-Lm2p failed: NSFW content detected"],
        "summary": ["loop each-style: 3 iteration(s)", "failed iterations: #1"],
        "show": ["✗    ↳ render", "failed: iteration 1 (render-Lm2p)",
                 "contact-sheet  transform", "render-Lm2p (failed-upstream)",
                 "next: fix the failed node render-Lm2p (each-style iteration 1)"],
        "blocked": ["upscale-Lm2p   failed-upstream  causes=['render-Lm2p']",
                    "chain=render-Lm2p -> upscale-Lm2p -> contact-sheet"],
        "critical": ["critical path (hops): 5 node(s)", "render-Lm2p"],
        "upstream": ["failed node: render-Lm2p | copy of render | loop each-style iteration 1",
                     "upstream:   ['each-style', 'input:subject', 'style-list']",
                     "downstream: ['contact-sheet', 'upscale-Lm2p']"],
        "item": ["iteration 1 item: isometric"],
        "gate": ["⏸  approve", "/workflows/wflow_product_shots/user-approval",
                 '"nodeId": "approve", "workflowJobId": "job_r3Vq8ApprovalParked"',
                 "next: approve or reject the gate approve"],
    },
}


@pytest.fixture(scope="module")
def kernel_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A kernelspec that runs ipykernel on this very interpreter (never another Python's)."""
    root = tmp_path_factory.mktemp("jupyter")
    spec = root / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "flowgraph tests",
        "language": "python",
    }))
    return root


def _text(cell: Any) -> str:
    """What a cell printed (streams and plain-text results), for content checks."""
    parts = []
    for out in cell.get("outputs", []):
        if out["output_type"] == "stream":
            parts.append(out["text"])
        elif out["output_type"] in ("execute_result", "display_data"):
            parts.append(out.get("data", {}).get("text/plain", ""))
    return "".join(parts)


def _streams(nb: Any) -> list[str]:
    return ["".join(o["text"] for o in c.get("outputs", [])
                    if o["output_type"] == "stream" and o.get("name") == "stdout")
            for c in nb.cells if c.cell_type == "code"]


def _tagged(nb: Any) -> dict[str, Any]:
    return {tag: c for c in nb.cells if c.cell_type == "code"
            for tag in c.get("metadata", {}).get("tags", [])}


def test_there_is_a_notebook() -> None:
    assert NOTEBOOKS, "notebooks/ holds no notebook"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_and_matches_its_saved_outputs(
    path: Path, kernel_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JUPYTER_PATH", str(kernel_dir))
    # the kernel imports this checkout's flowgraph, not an installed copy (a worktree's venv)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH")))))
    monkeypatch.delenv("NO_COLOR", raising=False)
    saved = nbformat.read(path, as_version=4)
    for cell in saved.cells:
        if cell.cell_type == "code":
            assert cell.get("outputs"), f"{path.name}: a code cell was saved without outputs"
            assert all(o["output_type"] != "error" for o in cell.outputs), (
                f"{path.name} was saved with an error output")
    fresh = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        fresh, timeout=120, kernel_name=KERNEL,
        resources={"metadata": {"path": str(path.parent)}},
    )
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as exc:
        pytest.fail(f"{path.name}: a cell failed:\n{exc}")

    cells = _tagged(fresh)
    for tag, wanted in KEY_OUTPUTS.get(path.name, {}).items():
        assert tag in cells, f"{path.name}: no cell tagged {tag!r}"
        printed = _text(cells[tag])
        for text in wanted:
            assert text in printed, f"{path.name} [{tag}]: {text!r} not in:\n{printed}"
    assert _streams(fresh) == _streams(saved), (
        f"{path.name}: its saved outputs are stale; refresh it with "
        f"`.venv/bin/jupyter execute --inplace notebooks/{path.name}`"
    )


def test_the_debugging_notebook_shows_the_picture() -> None:
    """``fg`` as a cell's last expression renders the run as SVG (``FlowGraph._repr_svg_``)."""
    path = ROOT / "notebooks" / "debug-stuck-run.ipynb"
    picture = _tagged(nbformat.read(path, as_version=4))["picture"]
    svg = [o["data"]["image/svg+xml"] for o in picture.outputs
           if o["output_type"] == "execute_result" and "image/svg+xml" in o.get("data", {})]
    assert svg and "<svg" in "".join(svg[0]), "the saved picture cell has no SVG"
    assert "render" in "".join(svg[0])
