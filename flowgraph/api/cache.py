"""An on-disk cache of finished jobs: one atomic JSON file per job, named by a hash of its id,
in the platform's cache folder, capped in size, inspected by ``info`` and emptied by ``clear``."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import math
import os
import re
import stat
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath
from typing import Any

from ..config import DEFAULT_CACHE_MAX_MB, ENV_CACHE_DIR, ENV_CACHE_MAX_MB
from ..decode import JsonError, decode_object
from ..errors import ConfigurationError, SourceError
from ..files import write_atomic
from ..vocab import is_terminal_job_status

__all__ = [
    "SCHEMA",
    "CacheInfo",
    "JobCache",
    "cache_max_bytes",
    "default_cache_dir",
    "is_finished",
    "parse_age",
]

log = logging.getLogger(__name__)

#: The ``schema`` field of every entry; entries with another value are misses.
SCHEMA = "flowgraph.job-cache/1"
#: How every entry begins (``json.dumps`` keeps key order), any version: all clear() removes.
_HEAD = b'{"schema": "flowgraph.job-cache/'
#: An entry's name: the sha256 of its job id (:meth:`JobCache.path_for`).
_ENTRY_NAME = re.compile(r"[0-9a-f]{64}\.json\Z")
_MB = 1024 * 1024
_NUMBER = r"\s*(\d+(?:\.\d*)?|\.\d+)\s*"
_AGE, _MEGABYTES = re.compile(_NUMBER + r"([smhdw])\s*\Z"), re.compile(_NUMBER + r"\Z")
_AGE_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_ROWS = ("folder", "entries", "size", "oldest", "newest")
_OFF = f"{ENV_CACHE_MAX_MB}=0"


def is_finished(job: Any) -> bool:
    """Whether ``job`` (a job dict) has a terminal status (:mod:`flowgraph.vocab`); unknown and
    missing statuses are not terminal.

    >>> is_finished({"status": "success"}), is_finished({"status": "paused"}), is_finished(None)
    (True, False, False)
    """
    status = job.get("status") if isinstance(job, dict) else None
    return isinstance(status, str) and is_terminal_job_status(status)


def default_cache_dir(env: Mapping[str, str] = os.environ, platform: str = sys.platform) -> Path:
    r"""``$FLOWGRAPH_CACHE_DIR``, else the platform's cache folder, with ``flowgraph`` in it:
    ``$XDG_CACHE_HOME/flowgraph`` on Linux and other Unixes (``~/.cache/flowgraph`` when it is
    unset, empty or relative, as the XDG spec says), ``~/Library/Caches/flowgraph`` on macOS,
    ``%LOCALAPPDATA%\flowgraph\Cache`` on Windows.

    platformdirs' ``user_cache_dir`` rules, written out so that ``env`` and ``platform`` can be
    passed in (platformdirs reads ``os.environ`` and ``sys.platform``): no library for 8 lines.

    >>> default_cache_dir({"FLOWGRAPH_CACHE_DIR": "/tmp/fg"})
    PosixPath('/tmp/fg')
    >>> default_cache_dir({"XDG_CACHE_HOME": "/var/cache/me"}, "linux")
    PosixPath('/var/cache/me/flowgraph')
    >>> default_cache_dir({"HOME": "/Users/me", "XDG_CACHE_HOME": "/x"}, "darwin")
    PosixPath('/Users/me/Library/Caches/flowgraph')
    >>> print(default_cache_dir({"LOCALAPPDATA": r"C:\Users\me\AppData\Local"}, "win32"))
    C:\Users\me\AppData\Local\flowgraph\Cache
    """
    if configured := env.get(ENV_CACHE_DIR):
        return Path(configured).expanduser()
    if platform == "win32":
        profile = env.get("USERPROFILE") or str(Path.home())
        local = env.get("LOCALAPPDATA") or str(PureWindowsPath(profile, "AppData", "Local"))
        return Path(str(PureWindowsPath(local, "flowgraph", "Cache")))
    home = Path(env.get("HOME") or Path.home())
    if platform == "darwin":
        return home / "Library" / "Caches" / "flowgraph"
    xdg = env.get("XDG_CACHE_HOME", "")
    return (Path(xdg) if os.path.isabs(xdg) else home / ".cache") / "flowgraph"


def cache_max_bytes(env: Mapping[str, str] = os.environ) -> int:
    """The cache's size cap in bytes: ``$FLOWGRAPH_CACHE_MAX_MB`` megabytes (2**20 bytes; a
    number >= 0, ``0`` turning the cache off), else :data:`~flowgraph.config.DEFAULT_CACHE_MAX_MB`.

    A bad value is a :class:`~flowgraph.errors.ConfigurationError` naming the variable.

    >>> cache_max_bytes({}), cache_max_bytes({"FLOWGRAPH_CACHE_MAX_MB": "0.5"})
    (536870912, 524288)
    """
    raw = env.get(ENV_CACHE_MAX_MB, "")
    if not raw.strip():
        return DEFAULT_CACHE_MAX_MB * _MB
    match = _MEGABYTES.match(raw)
    megabytes = float(match[1]) if match else math.inf
    if megabytes == math.inf:
        raise ConfigurationError(
            f"{ENV_CACHE_MAX_MB} must be a number of megabytes >= 0 (0 turns the cache off), "
            f"not {raw[:40]!r}"
        )
    return int(megabytes * _MB)


def parse_age(text: str) -> float:
    """The seconds in an age such as ``--older-than`` takes: a number >= 0 and a unit, ``s``
    (seconds), ``m`` (minutes), ``h`` (hours), ``d`` (days) or ``w`` (weeks).

    >>> parse_age("30d"), parse_age("12h"), parse_age("1.5m"), parse_age("2w"), parse_age("0s")
    (2592000.0, 43200.0, 90.0, 1209600.0, 0.0)
    >>> parse_age("30")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    flowgraph.errors.ConfigurationError: '30' is not an age: give a number and a unit, s, m, h, ...
    """
    match = _AGE.match(text)
    seconds = float(match[1]) * _AGE_UNIT[match[2]] if match else math.nan
    if not seconds < math.inf:
        why = "give a number and a unit, s, m, h, d or w (30d is thirty days)"
        raise ConfigurationError(f"{text[:40]!r} is not an age: {why}")
    return seconds


def _size(number: float) -> str:
    """Bytes for people, in steps of 1024: ``0 B``, ``1.5 KB``, ``512 MB``."""
    for unit in ("B", "KB", "MB", "GB"):
        if number < 1024 or unit == "GB":
            break
        number /= 1024
    shown = f"{number:.0f}" if unit == "B" else f"{number:.1f}".removesuffix(".0")
    return f"{shown} {unit}"


def _when(stamp: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(stamp)) if stamp is not None else "-"


@dataclass(frozen=True)
class CacheInfo:
    """What :meth:`JobCache.info` found: the ``folder``, its ``entries`` and their
    ``total_bytes``, when the ``oldest`` and ``newest`` entry was last written or read (seconds
    since the epoch; None when there is none), and the cap ``max_bytes`` (0: the cache is off).

    >>> info = CacheInfo(Path("/c"), 3, 1536, 1700000000.0, 1700086400.0, 512 * 1024 * 1024)
    >>> print(info.text())
    folder   /c
    entries  3
    size     1.5 KB of 512 MB
    oldest   2023-11-14 22:13:20 UTC
    newest   2023-11-15 22:13:20 UTC
    """

    folder: Path
    entries: int
    total_bytes: int
    oldest: float | None
    newest: float | None
    max_bytes: int

    def text(self) -> str:
        """Five lines for a terminal: folder, entries, size and cap, oldest, newest (UTC)."""
        cap = f"of {_size(self.max_bytes)}" if self.max_bytes else f"(the cache is off: {_OFF})"
        size = f"{_size(self.total_bytes)} {cap}"
        rows = [self.folder, self.entries, size, _when(self.oldest), _when(self.newest)]
        return "\n".join(f"{name:<8} {row}" for name, row in zip(_ROWS, rows, strict=True))


def _written_here(path: str) -> bool:
    with contextlib.suppress(OSError), open(path, "rb") as handle:
        return handle.read(len(_HEAD)) == _HEAD
    return False


def _make_dirs(folder: Path) -> list[Path]:
    """Create ``folder`` (mode 0700) and its missing parents; the folders made, in order. On
    failure, those made are removed again and a one-line SourceError says why."""
    missing = [folder, *folder.parents]
    while missing and os.path.exists(missing[-1]):
        missing.pop()
    made: list[Path] = []
    try:
        for path in reversed(missing):
            with contextlib.suppress(FileExistsError):  # made by another writer meanwhile
                path.mkdir(mode=0o700 if path == folder else 0o777)
                made.append(path)
    except OSError as exc:
        _remove_dirs(made)
        raise SourceError(f"{folder}: cannot create the folder: {exc.strerror or exc}") from None
    return made


def _remove_dirs(made: list[Path]) -> None:
    with contextlib.suppress(OSError):
        for path in reversed(made):
            path.rmdir()


class JobCache:
    """Finished jobs (status ``success``, ``failure``, ``canceled``) kept as JSON files.

    Anything unreadable is a miss; writes are atomic, so concurrent writers of one key leave
    one whole payload. Only the job dict is stored, never credentials, readable by its owner
    only. ``directory`` defaults to :func:`default_cache_dir`, ``max_bytes`` to
    :func:`cache_max_bytes` (0: no cache), both from ``env``; past it, ``put`` removes least
    recently used entries (by mtime: hits touch theirs) down to 90%. A failed write logs one
    warning and turns writes off for this object.

    >>> import tempfile
    >>> cache = JobCache(tempfile.mkdtemp())
    >>> cache.put("job_1", {"jobId": "job_1", "status": "in-progress"})  # not final: skipped
    >>> cache.get("job_1") is None
    True
    >>> cache.put("job_1", {"jobId": "job_1", "status": "success"})
    >>> cache.get("job_1")
    {'jobId': 'job_1', 'status': 'success'}
    >>> cache.info().entries, cache.clear(), cache.info().entries
    (1, 1, 0)
    """

    def __init__(
        self,
        directory: str | os.PathLike[str] | None = None,
        *,
        max_bytes: int | None = None,
        env: Mapping[str, str] = os.environ,
    ) -> None:
        self.directory = Path(directory) if directory is not None else default_cache_dir(env)
        self.max_bytes = cache_max_bytes(env) if max_bytes is None else max_bytes
        if not (isinstance(self.max_bytes, int) and self.max_bytes >= 0):
            raise ConfigurationError(f"max_bytes must be an int >= 0, got {max_bytes!r}")
        self._lock = threading.Lock()
        self._usage: int | None = None  # entry bytes as last counted, plus what put wrote since
        self._writable = True

    def __repr__(self) -> str:
        return f"JobCache({str(self.directory)!r})"

    def path_for(self, job_id: str) -> Path:
        """The entry file of ``job_id``: a sha256 of the id, so any id stays inside the dir.

        >>> JobCache("/c").path_for("../../x").parent
        PosixPath('/c')
        """
        if not isinstance(job_id, str):
            raise TypeError(f"job id must be a string, got {type(job_id).__name__}")
        digest = hashlib.sha256(job_id.encode("utf-8", "surrogatepass")).hexdigest()
        return self.directory / f"{digest}.json"

    def get(self, job_id: str) -> dict[str, Any] | None:
        """The cached job, or None when absent, unreadable, or not a valid finished entry (and
        always with a cap of 0). A hit touches the entry, which makes it the last to go."""
        path = self.path_for(job_id)
        if not self.max_bytes:
            return None
        try:
            raw = path.read_bytes()
        except (FileNotFoundError, NotADirectoryError):  # no entry, or no folder to hold one
            return None
        except OSError as exc:
            log.warning("cache entry %s unreadable (%s): ignored", path, exc.strerror or exc)
            return None
        try:
            entry = decode_object(raw)
        except JsonError as exc:
            log.debug("cache entry %s is not a JSON object (%s): a miss", path, exc)
            return None
        job: Any = entry.get("job")
        if entry.get("schema") != SCHEMA or entry.get("jobId") != job_id or not is_finished(job):
            log.debug("cache entry %s has the wrong shape: a miss", path)
            return None
        with contextlib.suppress(OSError):  # a read-only folder: the entry stays as old
            os.utime(path)
        found: dict[str, Any] = job
        return found

    def put(self, job_id: str, job: dict[str, Any]) -> None:
        """Store ``job`` if its status is terminal, with :func:`flowgraph.files.write_atomic`,
        then hold the cap. A failing disk (full, read-only) leaves the previous entry intact,
        no folder or temp file behind, and one warning; the next puts are skipped."""
        path = self.path_for(job_id)
        if not is_finished(job) or not self.max_bytes or not self._writable:
            return
        data = json.dumps(
            {"schema": SCHEMA, "jobId": job_id, "job": job}, ensure_ascii=False
        ).encode("utf-8", "surrogatepass")
        if len(data) > self.max_bytes:
            log.debug("cache entry %s (%d bytes) is over the cap: not stored", path, len(data))
            return
        made: list[Path] = []
        before = 0
        try:
            made = _make_dirs(self.directory)
            with contextlib.suppress(OSError):
                before = path.stat().st_size
            write_atomic(path, data)
            self._hold_cap(len(data) - before)
        except SourceError as exc:
            _remove_dirs(made)  # a no-op once an entry is in the folder
            self._turn_off(exc)

    def _turn_off(self, exc: SourceError) -> None:
        with self._lock:
            if not self._writable:
                return
            self._writable = False
        fix = f"set {ENV_CACHE_DIR} to a writable folder, or {_OFF} to turn it off"
        log.warning("could not write cache entry: %s; no more writes this run (%s)", exc, fix)

    def _hold_cap(self, grown: int) -> None:
        with self._lock:
            if self._usage is None:  # this object's first write: count what is there
                self._usage = sum(size for _, size, _ in self._entries(check=False))
            else:
                self._usage += grown
            if self._usage > self.max_bytes:
                self._usage = self._evict()

    def _evict(self) -> int:
        """Remove least recently used entries until the rest fit in 90% of the cap (so that a
        full cache is not listed on every put); the bytes left."""
        entries = sorted(self._entries(), key=lambda entry: entry[2])
        left = sum(size for _, size, _ in entries)
        for path, size, _ in entries:
            if left <= self.max_bytes * 0.9:
                break
            try:
                path.unlink(missing_ok=True)
            except OSError as exc:
                log.debug("cache entry %s not removed: %s", path, exc.strerror or exc)
                continue
            left -= size
        return left

    def _entries(self, *, check: bool = True) -> list[tuple[Path, int, float]]:
        """``(path, bytes, mtime)`` of each regular file named like an entry and (``check``)
        beginning like one; none when the folder is missing, a SourceError if unlistable."""
        try:
            with os.scandir(self.directory) as listing:
                items = [item for item in listing if _ENTRY_NAME.match(item.name)]
        except FileNotFoundError:
            return []
        except OSError as exc:
            why = exc.strerror or exc
            raise SourceError(f"{self.directory}: cannot list the cache folder: {why}") from None
        found = []
        for item in items:
            try:
                info = item.stat(follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode) and (not check or _written_here(item.path)):
                found.append((Path(item.path), info.st_size, info.st_mtime))
        return found

    def info(self) -> CacheInfo:
        """The folder, how many entries it holds, their bytes, the oldest and newest last use.
        A missing folder is an empty cache; an unlistable one a SourceError."""
        entries = self._entries()
        times = [mtime for _, _, mtime in entries]
        total = sum(size for _, size, _ in entries)
        oldest, newest = min(times, default=None), max(times, default=None)
        return CacheInfo(self.directory, len(entries), total, oldest, newest, self.max_bytes)

    def clear(self, older_than: float | None = None) -> int:
        """Remove every entry, or (``older_than`` seconds, see :func:`parse_age`) those neither
        written nor read for that long; how many were removed. Only files this cache wrote go
        (its names and its schema): anything else in the folder stays. A SourceError when the
        folder cannot be listed or an entry cannot be removed (after removing the others)."""
        if older_than is not None and not older_than >= 0:
            raise ValueError(f"older_than must be a number of seconds >= 0, got {older_than!r}")
        cutoff = math.inf if older_than is None else time.time() - older_than
        removed, failed = 0, []
        for path, _, mtime in self._entries():
            if mtime > cutoff:
                continue
            try:
                path.unlink(missing_ok=True)
                removed += 1
            except OSError as exc:
                failed.append(exc.strerror or str(exc))
        with self._lock:
            self._usage = None
        if failed:
            why = f"could not remove {len(failed)} cache entries ({failed[0]})"
            raise SourceError(f"{self.directory}: {why}; {removed} removed")
        return removed
