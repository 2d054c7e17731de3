"""What the command line writes: streams that never fail on their encoding, and strict JSON.

stdout and stderr replace what they cannot encode (a legacy console, ``PYTHONIOENCODING=ascii``,
lone surrogates in ids); JSON has no ``NaN`` (a non-finite number is ``null``) and falls back
to ``\\u`` escapes when the text would not encode.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import sys
from collections.abc import Mapping
from typing import Any, TextIO

__all__ = ["HelpFormatter", "color_enabled", "json_text", "safe_streams", "terminal_columns"]


def safe_streams() -> None:
    """Make stdout and stderr replace what their encoding cannot carry instead of raising
    (``UnicodeEncodeError`` from a legacy console or a lone surrogate in an id)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and getattr(stream, "errors", None) == "strict":
            with contextlib.suppress(ValueError, OSError):  # closed or detached: leave it
                reconfigure(errors="replace")


def terminal_columns(fallback: int = 80) -> int:
    """The terminal's width as ``shutil.get_terminal_size((fallback, 24)).columns`` gives it
    (``$COLUMNS``, else the size of the terminal on stdout, else ``fallback``; a terminal that
    says 0 columns gives ``fallback``, as shutil does from Python 3.11 on), without importing
    ``shutil``: with the compression modules it imports that is ~3 ms of every run, and argparse
    asks for the width once per option it adds.

    >>> from unittest import mock
    >>> with mock.patch.dict("os.environ", {"COLUMNS": "72"}):
    ...     terminal_columns()
    72
    """
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or fallback


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """argparse's formatter (descriptions and epilogs as written), finding the terminal's width
    without ``shutil`` (:func:`terminal_columns`): argparse (3.10-3.13) makes one for every
    option it adds, and importing ``shutil`` for it was ~3 ms of every run."""

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
        **kwargs: Any,
    ) -> None:
        width = terminal_columns() - 2 if width is None else width  # as argparse does
        super().__init__(prog, indent_increment, max_help_position, width, **kwargs)


def _finite(data: Any) -> Any:
    """``data`` with every NaN and infinity as None (JSON ``null``)."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {k: _finite(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [_finite(v) for v in data]
    return data


def json_text(data: Any, *, indent: int | None = 2, stream: TextIO | None = None) -> str:
    """``data`` as strict JSON (non-finite numbers as ``null``), UTF-8 text where the target
    can take it: ``stream``'s encoding (None: a file, written as UTF-8); ``\\u`` escapes when
    it cannot (a legacy console, a lone surrogate)."""
    try:
        text = json.dumps(data, indent=indent, ensure_ascii=False, default=str, allow_nan=False)
    except ValueError:  # NaN or an infinity somewhere: null, in this one place
        data = _finite(data)
        text = json.dumps(data, indent=indent, ensure_ascii=False, default=str, allow_nan=False)
    encoding = (getattr(stream, "encoding", None) if stream is not None else None) or "utf-8"
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        text = json.dumps(data, indent=indent, ensure_ascii=True, default=str, allow_nan=False)
    return text


def color_enabled(choice: str, *, isatty: bool, env: Mapping[str, str] = os.environ) -> bool:
    """Whether ``show`` colours its text: ``--color always|never`` wins; else (``auto``) a
    non-empty ``NO_COLOR`` turns it off, then a non-empty ``FORCE_COLOR`` on (piped too), then
    ``TERM=dumb`` off, else a terminal has it: no-color.org's, force-color.org's and Python
    3.13's order. An empty variable counts as unset."""
    if choice != "auto":
        return choice == "always"
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR"):
        return True
    return env.get("TERM") != "dumb" and isatty
