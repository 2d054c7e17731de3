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
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from apiserver import JWT, KEY, SECRET, ApiServer, job, job_reply, secret_leaks

import flowgraph
import flowgraph.api
from flowgraph.api import CacheInfo, Client, parse_age
from flowgraph.api.cache import SCHEMA, JobCache, default_cache_dir
from flowgraph.api.endpoints import get_bundle
from flowgraph.errors import ConfigurationError, FlowgraphError, SourceError

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


# -- issue 18.5: the platform's folder ----------------------------------------------------------


def test_linux_uses_xdg_cache_home_when_absolute(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path / "home"), "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    assert default_cache_dir(env, "linux") == tmp_path / "xdg" / "flowgraph"
    assert JobCache(env=env).directory == tmp_path / "xdg" / "flowgraph"


@pytest.mark.parametrize("xdg", [None, "", "relative/cache", "~/cache"], ids=repr)
def test_linux_falls_back_to_home_dot_cache(tmp_path: Path, xdg: str | None) -> None:
    env = {"HOME": str(tmp_path)} | ({} if xdg is None else {"XDG_CACHE_HOME": xdg})
    assert default_cache_dir(env, "linux") == tmp_path / ".cache" / "flowgraph"


@pytest.mark.skipif(sys.platform != "linux", reason="the Linux rules, read from os.environ")
def test_the_real_environment_decides_on_linux(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FLOWGRAPH_CACHE_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert JobCache().directory == tmp_path / ".cache" / "flowgraph"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert JobCache().directory == tmp_path / "xdg" / "flowgraph"


def test_macos_uses_library_caches_and_ignores_xdg(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path), "XDG_CACHE_HOME": "/elsewhere"}
    assert default_cache_dir(env, "darwin") == tmp_path / "Library" / "Caches" / "flowgraph"


def test_windows_uses_local_app_data() -> None:
    local = {"LOCALAPPDATA": r"C:\Users\me\AppData\Local", "USERPROFILE": r"D:\other"}
    profile = {"USERPROFILE": r"C:\Users\me"}
    expected = r"C:\Users\me\AppData\Local\flowgraph\Cache"
    assert str(default_cache_dir(local, "win32")) == expected
    assert str(default_cache_dir(profile, "win32")) == expected  # no LOCALAPPDATA


@pytest.mark.parametrize("platform", ["linux", "darwin", "win32", "freebsd14"])
def test_flowgraph_cache_dir_wins_everywhere(tmp_path: Path, platform: str) -> None:
    env = {"FLOWGRAPH_CACHE_DIR": str(tmp_path / "mine"), "XDG_CACHE_HOME": "/x", "HOME": "/h"}
    assert default_cache_dir(env, platform) == tmp_path / "mine"


# -- issue 18.5: a cache folder that cannot be written ------------------------------------------

FLOW = [{"id": f"n{i}", "jobId": f"job_c{i}", "type": "model"} for i in range(3)]


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[ApiServer]:
    """The server, with credentials and base URL in the SDK's variables, no cache variables."""
    with ApiServer() as srv:
        monkeypatch.setenv("SCENARIO_SDK_API_KEY", KEY)
        monkeypatch.setenv("SCENARIO_SDK_API_SECRET", SECRET)
        monkeypatch.delenv("SCENARIO_SDK_JWT", raising=False)
        monkeypatch.setenv("SCENARIO_BASE_URL", srv.base)
        for name in ("FLOWGRAPH_CACHE_DIR", "FLOWGRAPH_CACHE_MAX_MB", "XDG_CACHE_HOME"):
            monkeypatch.delenv(name, raising=False)
        srv.route("/v1/jobs/job_1", job_reply("job_1", flow=FLOW))
        for i in range(3):
            srv.route(f"/v1/jobs/job_c{i}", job_reply(f"job_c{i}"))
        yield srv


def tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def _read_only_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    home.chmod(0o500)
    monkeypatch.setenv("HOME", str(home))
    return home


def _home_is_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "home").write_text("not a folder")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def _name_too_long(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A first folder can be made, the one inside it cannot (also for root)."""
    monkeypatch.setenv("FLOWGRAPH_CACHE_DIR", str(tmp_path / "new" / ("x" * 300) / "cache"))
    return tmp_path / "new"


UNWRITABLE = {
    "read-only-home": pytest.param(
        _read_only_home,
        marks=pytest.mark.skipif(os.geteuid() == 0, reason="root writes to a 0500 folder"),
    ),
    "home-is-a-regular-file": _home_is_a_file,
    "second-folder-cannot-be-made": _name_too_long,
}


@pytest.mark.parametrize("make", list(UNWRITABLE.values()), ids=list(UNWRITABLE))
def test_an_unwritable_cache_folder_means_no_cache_and_one_warning(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    api: ApiServer,
    make: Any,
) -> None:
    where = make(tmp_path, monkeypatch)
    before = tree(tmp_path)
    try:
        for _ in range(2):
            got = flowgraph.api.open_source("job_1", node_jobs=True)
            assert got.job_id == "job_1" and len(got.node_jobs) == 3
    finally:
        if where.is_dir():
            where.chmod(0o700)
    assert len(api.requests) == 8  # root + 3 children, twice: nothing came from a cache
    warnings = [r for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 2  # one per JobCache, i.e. one per run
    for record in warnings:
        assert record.name == "flowgraph.api.cache" and record.exc_info is None
        message = record.getMessage()
        assert "could not write cache entry" in message and "FLOWGRAPH_CACHE_DIR" in message
        assert "\n" not in message and "Traceback" not in message
    assert tree(tmp_path) == before  # no folder, no temp file left behind


@pytest.mark.usefixtures("api")
def test_a_run_with_an_unwritable_home_prints_one_line(tmp_path: Path) -> None:
    """What a user sees: no logging set up, so Python prints the warning alone on stderr."""
    (tmp_path / "home").write_text("")
    code = (
        "from flowgraph.api import open_source\n"
        "print(len(open_source('job_1', node_jobs=True).node_jobs))\n"
    )
    env = {**os.environ, "HOME": str(tmp_path / "home")}
    env["PYTHONPATH"] = str(Path(flowgraph.__file__).parents[1])
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and done.stdout == "3\n"
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and "could not write cache entry" in lines[0], done.stderr


def test_a_full_disk_warns_once_and_stops_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    cache = JobCache(tmp_path)

    def full(*_: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    for i in range(5):
        cache.put(f"job_{i}", job(f"job_{i}"))
    monkeypatch.undo()
    cache.put("job_9", job("job_9"))
    assert files(tmp_path) == [] and len(caplog.records) == 1
    assert "No space left on device" in caplog.text


# -- issue 18.5: info and clear -----------------------------------------------------------------


def _foreign(folder: Path) -> list[str]:
    """Files in the cache folder that are not the cache's own, and must survive clear()."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "notes.txt").write_text("mine")
    (folder / "job.json").write_text(json.dumps(entry("job_1")))  # not a hashed name
    (folder / ("a" * 64 + ".json")).write_text('{"mine": true}')  # not the schema
    (folder / ("b" * 64 + ".json")).mkdir()
    (folder / ("c" * 64 + ".json")).symlink_to(folder / "notes.txt")
    (folder / ".flowgraph-x.tmp").write_text("a writer's temp file")
    return files(folder)


def test_info_of_a_missing_folder_is_empty(tmp_path: Path) -> None:
    info = JobCache(tmp_path / "none").info()
    assert info == CacheInfo(tmp_path / "none", 0, 0, None, None, 512 * 1024 * 1024)
    assert not (tmp_path / "none").exists()


def test_info_counts_only_the_caches_entries(tmp_path: Path) -> None:
    foreign = _foreign(tmp_path)
    cache = JobCache(tmp_path)
    for i, stamp in enumerate([1_700_000_000, 1_700_003_600, 1_700_086_400]):
        cache.put(f"job_{i}", job(f"job_{i}"))
        os.utime(cache.path_for(f"job_{i}"), (stamp, stamp))
    info = cache.info()
    sizes = sum(cache.path_for(f"job_{i}").stat().st_size for i in range(3))
    assert (info.folder, info.entries, info.total_bytes) == (tmp_path, 3, sizes)
    assert (info.oldest, info.newest) == (1_700_000_000, 1_700_086_400)
    assert info.text().splitlines() == [
        f"folder   {tmp_path}",
        "entries  3",
        f"size     {sizes} B of 512 MB",
        "oldest   2023-11-14 22:13:20 UTC",
        "newest   2023-11-15 22:13:20 UTC",
    ]
    assert cache.clear() == 3 and files(tmp_path) == foreign


@pytest.mark.parametrize(
    ("size", "shown"),
    [
        (0, "0 B"),
        (1023, "1023 B"),
        (1024, "1 KB"),
        (1536, "1.5 KB"),
        (2**20 - 1, "1024 KB"),
        (3 * 2**20 + 2**19, "3.5 MB"),
        (5 * 2**40, "5120 GB"),
    ],
)
def test_info_text_says_sizes_for_people(size: int, shown: str) -> None:
    line = CacheInfo(Path("/c"), 1, size, 0.0, 0.0, 2**30).text().splitlines()[2]
    assert line == f"size     {shown} of 1 GB"


def test_info_text_of_an_empty_or_switched_off_cache() -> None:
    assert CacheInfo(Path("/c"), 0, 0, None, None, 0).text().splitlines() == [
        "folder   /c",
        "entries  0",
        "size     0 B (the cache is off: FLOWGRAPH_CACHE_MAX_MB=0)",
        "oldest   -",
        "newest   -",
    ]


def test_info_of_a_folder_that_is_a_file_is_a_source_error(tmp_path: Path) -> None:
    (tmp_path / "cache").write_text("")
    with pytest.raises(SourceError, match="cannot list the cache folder"):
        JobCache(tmp_path / "cache").info()


def test_clear_older_than_removes_only_entries_unused_that_long(tmp_path: Path) -> None:
    cache, now, day = JobCache(tmp_path), time.time(), 86400
    ages = {"job_old": 40 * day, "job_month": 29 * day, "job_new": 0, "job_read": 50 * day}
    for job_id, age in ages.items():
        cache.put(job_id, job(job_id))
        os.utime(cache.path_for(job_id), (now - age, now - age))
    assert cache.get("job_read") == job("job_read")  # a hit: used just now
    assert cache.clear(older_than=parse_age("30d")) == 1
    left = ["job_month", "job_new", "job_read"]
    assert files(tmp_path) == sorted(cache.path_for(j).name for j in left)
    assert cache.clear(older_than=parse_age("1w")) == 1  # job_month
    assert files(tmp_path) == sorted(cache.path_for(j).name for j in left[1:])
    assert cache.clear() == 2 and files(tmp_path) == [] and cache.clear() == 0


def test_clear_of_a_missing_folder_removes_nothing(tmp_path: Path) -> None:
    assert JobCache(tmp_path / "none").clear() == 0 and not (tmp_path / "none").exists()


def test_clear_refuses_a_negative_age(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="older_than"):
        JobCache(tmp_path).clear(older_than=-1)


@pytest.mark.skipif(os.geteuid() == 0, reason="root removes files from a 0500 folder")
def test_clear_says_what_it_could_not_remove(tmp_path: Path) -> None:
    cache = JobCache(tmp_path / "c")
    cache.put("job_1", job("job_1"))
    (tmp_path / "c").chmod(0o500)
    try:
        with pytest.raises(SourceError, match="could not remove 1 cache entries"):
            cache.clear()
    finally:
        (tmp_path / "c").chmod(0o700)


# -- issue 18.5: the size cap -------------------------------------------------------------------


def _sized(job_id: str, pad: int = 3000) -> dict[str, Any]:
    return job(job_id, pad="x" * pad)


def test_put_past_the_cap_removes_the_least_recently_used(tmp_path: Path) -> None:
    one = len(json.dumps({"schema": SCHEMA, "jobId": "job_00", "job": _sized("job_00")}))
    cache, now = JobCache(tmp_path, max_bytes=10 * one + 100), time.time()
    foreign = _foreign(tmp_path)
    ids = [f"job_{i:02}" for i in range(10)]
    for age, job_id in enumerate(reversed(ids), start=1):  # job_00 is the oldest
        cache.put(job_id, _sized(job_id))
        os.utime(cache.path_for(job_id), (now - 100 * age, now - 100 * age))
    assert cache.info().entries == 10  # at the cap, not past it
    assert cache.get("job_00") is not None  # touched: now the most recently used
    cache.put("job_new", _sized("job_new"))  # past the cap: down to 90% of it, 9 entries
    kept = sorted(["job_00", *ids[3:], "job_new"])
    assert files(tmp_path) == sorted([*foreign, *(cache.path_for(j).name for j in kept)])
    assert cache.info().total_bytes <= 0.9 * cache.max_bytes  # foreign files do not count


def test_the_cap_holds_with_sixteen_threads(tmp_path: Path) -> None:
    cache = JobCache(tmp_path, max_bytes=20_000)
    threads = [
        threading.Thread(target=lambda i=i: [cache.put(f"j{i}_{k}", _sized("j")) for k in range(5)])
        for i in range(16)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    info = cache.info()
    assert 0 < info.total_bytes <= 20_000 and info.entries >= 5


def test_the_cap_counts_entries_already_on_disk(tmp_path: Path) -> None:
    for i in range(6):
        JobCache(tmp_path).put(f"job_{i}", _sized(f"job_{i}"))
    small = JobCache(tmp_path, max_bytes=3 * 3300)
    small.put("job_new", _sized("job_new"))
    assert small.info().entries == 2 and small.get("job_new") is not None


def test_an_entry_bigger_than_the_cap_is_not_stored(tmp_path: Path) -> None:
    cache = JobCache(tmp_path, max_bytes=10_000)
    cache.put("job_1", _sized("job_1"))
    cache.put("job_big", _sized("job_big", 20_000))
    assert cache.get("job_big") is None and cache.get("job_1") is not None


def test_the_cap_comes_from_the_environment(tmp_path: Path) -> None:
    assert JobCache(tmp_path, env={}).max_bytes == 512 * 1024 * 1024
    assert JobCache(tmp_path, env={"FLOWGRAPH_CACHE_MAX_MB": " 0.01 "}).max_bytes == 10485
    assert JobCache(tmp_path, env={"FLOWGRAPH_CACHE_MAX_MB": ""}).max_bytes == 512 * 1024 * 1024


def test_a_cap_of_zero_turns_the_cache_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, api: ApiServer
) -> None:
    monkeypatch.setenv("FLOWGRAPH_CACHE_DIR", str(tmp_path / "cache"))
    JobCache().put("job_1", job("job_1", flow=FLOW))  # an entry from before
    before = files(tmp_path / "cache")
    monkeypatch.setenv("FLOWGRAPH_CACHE_MAX_MB", "0")
    assert JobCache().get("job_1") is None
    for _ in range(2):
        assert len(flowgraph.api.open_source("job_1", node_jobs=True).node_jobs) == 3
    assert len(api.requests) == 8 and files(tmp_path / "cache") == before
    assert "the cache is off: FLOWGRAPH_CACHE_MAX_MB=0" in JobCache().info().text()


@pytest.mark.parametrize("value", ["lots", "-1", "1e3", "inf", "nan", "5 MB", "9" * 400])
def test_a_bad_cap_is_a_configuration_error_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, api: ApiServer, value: str
) -> None:
    monkeypatch.setenv("FLOWGRAPH_CACHE_MAX_MB", value)
    with pytest.raises(ConfigurationError, match="FLOWGRAPH_CACHE_MAX_MB") as caught:
        flowgraph.api.open_source("job_1")
    assert len(str(caught.value)) < 200 and api.requests == []


# -- issue 18.5: --older-than ages --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("45s", 45),
        ("90m", 5400),
        ("12h", 43200),
        ("30d", 2592000),
        ("2w", 1209600),
        ("1.5h", 5400),
        (".5d", 43200),
        (" 7 d ", 604800),
        ("0s", 0),
    ],
)
def test_parse_age(text: str, seconds: float) -> None:
    assert parse_age(text) == seconds


@pytest.mark.parametrize(
    "text", ["30", "d", "", "30x", "-1d", "30 days", "1e3s", "30D", "inf", "nan", "9" * 400 + "d"]
)
def test_a_bad_age_is_a_flowgraph_error_quoting_it(text: str) -> None:
    with pytest.raises(FlowgraphError, match="is not an age") as caught:
        parse_age(text)
    assert isinstance(caught.value, ConfigurationError) and repr(text[:40]) in str(caught.value)
