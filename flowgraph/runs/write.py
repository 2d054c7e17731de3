"""The rows of a history as a file another engine reads: CSV, JSON lines, or Parquet (through
pyarrow, the optional extra ``pip install 'flowgraph[history]'``: :mod:`._parquet`). The format
comes from the extension; every file is written atomically.

CSV: a header of :data:`~flowgraph.runs.rows.COLUMNS`, an empty cell for a missing value,
``true``/``false`` for ``on_critical_path``. JSON lines: one object a row, ``null`` for missing.

>>> import os, tempfile
>>> from flowgraph.runs.rows import Row
>>> row = Row("job_1", "2026-11-01T00:00:00.000Z", "success", "abc", None, "gen", "gen", None,
...           "success", 1.0, 20.0, 5.0, True, None)
>>> path = os.path.join(tempfile.mkdtemp(), "rows.csv")
>>> write_rows(path, [row])
>>> print(open(path).read().splitlines()[1])
job_1,2026-11-01T00:00:00.000Z,success,abc,,gen,gen,,success,1.0,20.0,5.0,true,
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable

from ..errors import ConfigurationError
from ..files import output_mode, write_atomic
from .rows import COLUMNS, Row

__all__ = ["FORMATS", "rows_format", "write_rows"]

#: File extensions ``--rows`` writes, and their format.
FORMATS = {".parquet": "parquet", ".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}


def rows_format(path: str) -> str:
    """The format of a ``--rows`` file, from its extension; a ConfigurationError otherwise.

    >>> rows_format("out/runs.PARQUET"), rows_format("r.jsonl")
    ('parquet', 'jsonl')
    """
    ext = os.path.splitext(path)[1].lower()
    if ext not in FORMATS:
        known = ", ".join(FORMATS)
        raise ConfigurationError(f"{path!r}: --rows writes {known} files (from the extension)")
    return FORMATS[ext]


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def write_rows(path: str, rows: Iterable[Row]) -> None:
    """Write ``rows`` to ``path`` in the format its extension names (see the module doc)."""
    fmt = rows_format(path)
    rows = list(rows)
    data: bytes | str
    if fmt == "parquet":
        from ._parquet import parquet_bytes

        data = parquet_bytes(rows)
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in rows:
            d = row.as_dict()
            writer.writerow([_cell(d[c]) for c in COLUMNS])
        data = buffer.getvalue()
    else:
        data = "".join(json.dumps(r.as_dict(), ensure_ascii=False) + "\n" for r in rows)
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    write_atomic(path, data, mode=output_mode(path))
