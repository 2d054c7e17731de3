"""Writing files whole or not at all: a temp file in the same folder, fsync, then rename.

:func:`write_atomic` is the one atomic writer of flowgraph: output files and cache entries.

>>> import os, tempfile
>>> d = tempfile.mkdtemp()
>>> write_atomic(os.path.join(d, "out.txt"), "hello\\n")
>>> open(os.path.join(d, "out.txt")).read()
'hello\\n'
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile

from .errors import SourceError

__all__ = ["output_mode", "write_atomic", "write_output"]


def write_atomic(
    path: str | os.PathLike[str], data: str | bytes, *, mode: int | None = None
) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` atomically; the folder must exist.

    The file gets permission bits ``mode``; ``None`` leaves it readable by its owner only
    (``mkstemp``'s 0600, right for a cache). On any failure the old file is left intact, no temp
    file stays behind, and an ``OSError`` becomes a one-line
    :class:`~flowgraph.errors.SourceError`.
    """
    target = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(target))
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        fd, tmp = tempfile.mkstemp(prefix=".flowgraph-", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise SourceError(f"{target}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            if mode is not None:
                os.chmod(tmp, mode)
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise SourceError(f"{target}: cannot write: {exc.strerror or exc}") from None
        raise


def output_mode(path: str | os.PathLike[str]) -> int:
    """The permission bits an output file gets: an existing file's own (overwriting keeps
    them), else what ``open()`` would give a new file (0666 less the umask).

    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "x")
    >>> old = os.umask(0o027)
    >>> oct(output_mode(p))
    '0o640'
    >>> _ = os.umask(old)
    """
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        umask = os.umask(0)  # the only way to read it; set straight back
        os.umask(umask)
        return 0o666 & ~umask


def write_output(path: str, data: str | bytes) -> None:
    """Write to ``path`` atomically, or to stdout when ``path`` is ``-``. A new file respects
    the umask, an overwritten one keeps its mode (:func:`output_mode`)."""
    if path == "-":
        if isinstance(data, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(data)
        return
    write_atomic(path, data, mode=output_mode(path))
