"""Shared fixtures: paths to the example runs and the hostile/broken fixtures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import pytest

import flowgraph

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def example(name: str) -> Path:
    """Path of a realistic run under ``examples/`` (they double as the test fixtures)."""
    return EXAMPLES / name


def fixture(name: str) -> Path:
    """Path of a fixture under ``tests/fixtures/``."""
    return FIXTURES / name


@pytest.fixture
def job_data() -> Callable[[str], dict[str, Any]]:
    """Read a run's JSON (examples first, then fixtures) as a fresh dict to mutate."""

    def read(name: str) -> dict[str, Any]:
        path = EXAMPLES / name if (EXAMPLES / name).exists() else FIXTURES / name
        data: dict[str, Any] = json.loads(path.read_text())
        return data

    return read


def run(flow: list[dict[str, Any]], status: str = "in-progress") -> flowgraph.FlowGraph:
    return flowgraph.graph({"jobId": "j", "status": status, "metadata": {"flow": flow}})


def reasons(fg: flowgraph.FlowGraph) -> list[tuple[str, str, list[str]]]:
    return [(b.node, b.reason, b.causes) for b in fg.blocked()]
