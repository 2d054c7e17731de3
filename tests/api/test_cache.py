"""flowgraph.api.cache.JobCache: atomic writes, corrupt entries as misses, hashed names, only
finished jobs (reliability.md Cache 38-42, and no credentials on disk)."""

from __future__ import annotations

import errno
import json
import os
import random
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from apiserver import JWT, KEY, SECRET, ApiServer, job, job_reply, secret_leaks

import flowgraph
from flowgraph.api import Client
from flowgraph.api.cache import SCHEMA, JobCache, default_cache_dir
from flowgraph.api.endpoints import get_bundle

if TYPE_CHECKING:
    from typing_extensions import Self


@pytest.fixture
def server() -> Iterator[ApiServer]:
    with ApiServer() as srv:
        yield srv


def make_client(server: ApiServer) -> Client:
    return Client(KEY, SECRET, JWT, base_url=server.base, env={}, sleep=lambda _: None)


def files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


def entry(job_id: str, status: str = "success") -> dict[str, Any]:
    return {"schema": SCHEMA, "jobId": job_id, "job": job(job_id, status)}


# -- 38: a failed write leaves the previous entry and no temp file ------------------------------


class _HalfWriter:
    """A file that writes half of what it is given, then fails like a full disk."""

    def __init__(self, real: Any) -> None:
        self.real = real

    def write(self, data: bytes) -> int:
        self.real.write(data[: len(data) // 2])
        self.real.flush()
        raise OSError(errno.ENOSPC, "No space left on device")

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.real.close()


@pytest.mark.parametrize("failure", ["write", "fsync", "replace"])
def test_a_write_failing_midway_keeps_the_previous_entry_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, failure: str
) -> None:
    cache = JobCache(tmp_path)
    old = job("job_1", "success", [{"id": "a"}])
    cache.put("job_1", old)
    before = cache.path_for("job_1").read_bytes()

    def boom(*_: Any) -> None:
        raise OSError(errno.EIO, "I/O error")

    if failure == "write":
        real_fdopen = os.fdopen
        monkeypatch.setattr(os, "fdopen", lambda fd, mode: _HalfWriter(real_fdopen(fd, mode)))
    else:
        monkeypatch.setattr(os, failure, boom)
    cache.put("job_1", job("job_1", "failure", [{"id": "b" * 10_000}]))
    monkeypatch.undo()
    assert cache.path_for("job_1").read_bytes() == before
    assert cache.get("job_1") == old
    assert files(tmp_path) == [cache.path_for("job_1").name]
    assert "could not write cache entry" in caplog.text


def test_an_unserialisable_job_raises_and_leaves_nothing(tmp_path: Path) -> None:
    cache = JobCache(tmp_path)
    with pytest.raises(TypeError):
        cache.put("job_1", {"jobId": "job_1", "status": "success", "bad": object()})
    assert files(tmp_path) == []


# -- 39: concurrent writers ---------------------------------------------------------------------

WRITER = """
import sys
from flowgraph.api.cache import JobCache
cache, index = JobCache(sys.argv[1]), int(sys.argv[2])
job = {"jobId": "shared", "status": "success", "writer": index, "pad": [index] * 20000}
for _ in range(15):
    cache.put("shared", job)
"""


def payload(index: int) -> dict[str, Any]:
    return {"jobId": "shared", "status": "success", "writer": index, "pad": [index] * 20000}


def _write_many(cache: JobCache, data: dict[str, Any]) -> None:
    for _ in range(15):
        cache.put("shared", data)


def test_sixteen_threads_and_four_processes_writing_one_key(tmp_path: Path) -> None:
    cache = JobCache(tmp_path)
    payloads = {i: payload(i) for i in range(20)}
    env = {**os.environ, "PYTHONPATH": str(Path(flowgraph.__file__).parents[1])}
    processes = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), str(16 + i)], env=env)
        for i in range(4)
    ]
    threads = [threading.Thread(target=_write_many, args=(cache, payloads[i])) for i in range(16)]
    for thread in threads:
        thread.start()
    seen_hits = 0
    while any(t.is_alive() for t in threads) or any(p.poll() is None for p in processes):
        got = cache.get("shared")
        if got is not None:
            assert got["writer"] in payloads and got == payloads[got["writer"]]
            seen_hits += 1
    for thread in threads:
        thread.join()
    assert [p.wait(timeout=30) for p in processes] == [0, 0, 0, 0]
    final = json.loads(cache.path_for("shared").read_bytes())
    assert final["job"] == payloads[final["job"]["writer"]] and seen_hits > 0
    assert files(tmp_path) == [cache.path_for("shared").name]


# -- 40: corrupt entries are misses, refetched once and overwritten ----------------------------

_VALID = json.dumps(entry("job_1")).encode()
CORRUPT = {
    "truncated": _VALID[: len(_VALID) // 2],
    "empty": b"",
    "random-bytes": random.Random(40).randbytes(300),
    "wrong-schema": json.dumps({**entry("job_1"), "schema": "other/9"}).encode(),
    "no-schema": json.dumps(job("job_1")).encode(),
    "a-list": b"[1, 2, 3]",
    "other-job-id": json.dumps(entry("job_2")).encode(),
    "not-terminal": json.dumps(entry("job_1", "in-progress")).encode(),
    "job-not-object": json.dumps({**entry("job_1"), "job": "x"}).encode(),
    "deep-nesting": b"[" * 100_000,
}


@pytest.mark.parametrize("content", list(CORRUPT.values()), ids=list(CORRUPT))
def test_a_corrupt_entry_is_a_miss_refetched_once_then_overwritten(
    tmp_path: Path, server: ApiServer, content: bytes
) -> None:
    cache = JobCache(tmp_path)
    cache.path_for("job_1").write_bytes(content)
    assert cache.get("job_1") is None
    server.route("/v1/jobs/job_1", job_reply("job_1"))
    client = make_client(server)
    assert get_bundle(client, "job_1", cache=cache)["job"] == job("job_1")
    assert get_bundle(client, "job_1", cache=cache)["job"] == job("job_1")
    assert len(server.requests) == 1
    assert json.loads(cache.path_for("job_1").read_bytes()) == entry("job_1")


def test_an_unreadable_entry_is_a_miss(tmp_path: Path) -> None:
    cache = JobCache(tmp_path)
    cache.path_for("job_1").mkdir()  # reading a directory fails with an OSError
    assert cache.get("job_1") is None


# -- 41: hostile ids stay inside the directory --------------------------------------------------


@pytest.mark.parametrize("job_id", ["../../x", "a/b", "..", "a\x00b", "/etc/passwd", "", "\udcff"])
def test_hostile_ids_are_hashed_and_stay_inside(tmp_path: Path, job_id: str) -> None:
    directory = tmp_path / "cache" / "jobs"
    cache = JobCache(directory)
    cache.put(job_id, {"jobId": job_id, "status": "success"})
    assert cache.get(job_id) == {"jobId": job_id, "status": "success"}
    name = cache.path_for(job_id).name
    assert len(name) == 64 + len(".json") and all(c in "0123456789abcdef" for c in name[:64])
    everything = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    assert everything == ["cache", "cache/jobs", f"cache/jobs/{name}"]


def test_distinct_ids_get_distinct_entries(tmp_path: Path) -> None:
    cache = JobCache(tmp_path)
    for job_id in ("a/b", "a\\b", "a_b"):
        cache.put(job_id, {"jobId": job_id, "status": "failure"})
    assert len(files(tmp_path)) == 3 and cache.get("a\\b") == {"jobId": "a\\b", "status": "failure"}


# -- 42: only finished jobs are cached ----------------------------------------------------------


def test_in_progress_is_refetched_and_success_comes_from_the_cache(
    tmp_path: Path, server: ApiServer
) -> None:
    flow = [{"id": "n", "jobId": "job_child", "type": "model"}]
    server.route(
        "/v1/jobs/job_1",
        job_reply("job_1", "in-progress", flow),
        job_reply("job_1", "success", flow),
    )
    server.route(
        "/v1/jobs/job_child", job_reply("job_child", "paused"), job_reply("job_child", "success")
    )
    cache, client = JobCache(tmp_path), make_client(server)
    counts = []
    for expected in ("in-progress", "success", "success"):
        bundle = get_bundle(client, "job_1", cache=cache)
        assert bundle["job"]["status"] == expected
        counts.append(len(server.requests))
    assert counts == [2, 4, 4]  # 2 fetches (root + child) twice, then nothing
    assert bundle["nodeJobs"]["job_child"]["status"] == "success"


@pytest.mark.parametrize("status", ["in-progress", "paused", "teleporting", None, 3])
def test_unfinished_or_unknown_statuses_are_not_stored(tmp_path: Path, status: Any) -> None:
    cache = JobCache(tmp_path)
    cache.put("job_1", {"jobId": "job_1", "status": status})
    assert files(tmp_path) == [] and cache.get("job_1") is None


def test_no_credentials_in_cache_files(tmp_path: Path, server: ApiServer) -> None:
    server.route("/v1/jobs/job_1", job_reply("job_1", flow=[{"id": "n", "jobId": "job_2"}]))
    server.route("/v1/jobs/job_2", job_reply("job_2"))
    get_bundle(make_client(server), "job_1", cache=JobCache(tmp_path))
    assert len(files(tmp_path)) == 2
    for path in tmp_path.iterdir():
        assert not secret_leaks(path.read_text()) and path.stat().st_mode & 0o077 == 0


def test_default_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLOWGRAPH_CACHE_DIR", str(tmp_path / "fg"))
    assert JobCache().directory == tmp_path / "fg"
    assert default_cache_dir({}) == Path.home() / ".cache" / "flowgraph"
