"""Writing output files whole or not at all: a temp file in the same folder, then rename.

>>> import os, tempfile
>>> d = tempfile.mkdtemp()
>>> write_atomic(os.path.join(d, "out.txt"), "hello\\n")
>>> open(os.path.join(d, "out.txt")).read()
'hello\\n'
"""

from __future__ import annotations

import os
import sys
import tempfile

from .errors import SourceError

__all__ = ["write_atomic", "write_output"]


def write_atomic(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Write ``data`` to ``path`` atomically; on any failure the old file is left intact."""
    target = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(target))
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        fd, tmp = tempfile.mkstemp(prefix=".flowgraph-", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise SourceError(f"{target}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise SourceError(f"{target}: cannot write: {exc.strerror or exc}") from None
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_output(path: str, data: str | bytes) -> None:
    """Write to ``path``, or to stdout when ``path`` is ``-``."""
    if path == "-":
        if isinstance(data, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(data)
        return
    write_atomic(path, data)
