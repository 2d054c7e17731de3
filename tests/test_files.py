"""Output files: written whole or not at all, with the umask's mode, keeping an old file's mode."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from flowgraph.errors import SourceError
from flowgraph.files import output_mode, write_atomic, write_output
from tests.conftest import example


@pytest.fixture
def umask() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_a_new_output_file_follows_the_umask(
    tmp_path: Path, umask: None, mask: int, expected: int
) -> None:
    os.umask(mask)
    target = tmp_path / "run.svg"
    write_output(str(target), b"<svg/>")
    assert target.read_bytes() == b"<svg/>"
    assert mode(target) == expected


@pytest.mark.parametrize("old", [0o600, 0o755, 0o640])
def test_an_overwritten_file_keeps_its_mode(tmp_path: Path, umask: None, old: int) -> None:
    target = tmp_path / "run.json"
    target.write_text("old")
    target.chmod(old)
    write_output(str(target), "new\n")
    assert target.read_text() == "new\n"
    assert mode(target) == old
    assert output_mode(target) == old


def test_a_cache_entry_stays_private(tmp_path: Path, umask: None) -> None:
    target = tmp_path / "entry.json"
    write_atomic(target, "{}")
    assert mode(target) == 0o600


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "run.json"
    target.write_text("old")
    with pytest.raises(SourceError, match="cannot write"):
        write_atomic(tmp_path / "missing-folder" / "run.json", "new")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.json"]


def test_render_from_the_cli_respects_the_umask(tmp_path: Path) -> None:
    target = tmp_path / "run.dot"
    code = (
        "import os, sys; os.umask(0o077); from flowgraph.cli import main; "
        "sys.exit(main(sys.argv[1:]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "render", str(example("approval-parked.json")), "-o", str(target)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert target.read_text().startswith("digraph flowgraph {")
    assert mode(target) == 0o600
