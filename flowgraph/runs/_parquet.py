"""The rows of a history as Parquet bytes: the one module that imports pyarrow (an optional
extra, ``pip install 'flowgraph[history]'``); without it, a one-line error saying so."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import ConfigurationError
from .rows import COLUMNS

if TYPE_CHECKING:
    from .rows import Row

__all__ = ["parquet_bytes"]

_TYPES = {
    "iteration": "int64",
    "queued_s": "float64",
    "run_s": "float64",
    "cost": "float64",
    "on_critical_path": "bool",
}


def parquet_bytes(rows: list[Row]) -> bytes:
    """One Parquet file (zstd) of ``rows``, one column per :data:`~flowgraph.runs.rows.COLUMNS`
    (strings, ``iteration`` int64, seconds and cost float64, ``on_critical_path`` bool; nulls
    where unknown)."""
    try:
        import pyarrow as pa  # type: ignore[import-untyped]
        import pyarrow.parquet as pq  # type: ignore[import-untyped]
    except ImportError:
        raise ConfigurationError(
            "writing Parquet needs pyarrow: pip install 'flowgraph[history]' "
            "(or write .csv or .jsonl, which need nothing)"
        ) from None
    types = {"int64": pa.int64(), "float64": pa.float64(), "bool": pa.bool_()}
    schema = pa.schema([(c, types.get(_TYPES.get(c, ""), pa.string())) for c in COLUMNS])
    columns = {c: [getattr(r, c) for r in rows] for c in COLUMNS}
    table = pa.table(columns, schema=schema)
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return bytes(sink.getvalue().to_pybytes())
