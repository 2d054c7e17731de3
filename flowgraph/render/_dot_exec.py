"""The one place that runs Graphviz's ``dot``: a command line, a timeout, clear errors.

>>> dot_command("svg")
['dot', '-Tsvg']
>>> dot_command("exe")
Traceback (most recent call last):
    ...
flowgraph.errors.RenderError: cannot render 'exe' with dot: expected one of svg, png, pdf
"""

from __future__ import annotations

import logging
import subprocess

from .._text import clean
from ..errors import ExecutableNotFoundError, RenderError
from ..vocab import PICTURE_FORMATS

__all__ = ["DEFAULT_TIMEOUT", "INSTALL_HINT", "dot_command", "run_dot"]

log = logging.getLogger(__name__)

#: Seconds ``dot`` may take before the render is abandoned.
DEFAULT_TIMEOUT = 30.0
INSTALL_HINT = (
    "install Graphviz: `make demo` or `make test` install it, "
    "or run `apt-get install graphviz` (macOS: `brew install graphviz`); "
    "without it `flowgraph render --format dot|mermaid` (and `render(fg, 'dot')`, 'mermaid') "
    "work"
)


def dot_command(format: str, executable: str = "dot") -> list[str]:
    """The argument list that renders DOT text read from stdin to ``format`` on stdout.

    >>> dot_command("png", executable="/usr/bin/dot")
    ['/usr/bin/dot', '-Tpng']
    """
    if format not in PICTURE_FORMATS:
        raise RenderError(
            f"cannot render {format!r} with dot: expected one of {', '.join(PICTURE_FORMATS)}"
        )
    return [executable, f"-T{format}"]


def _first_line(data: bytes) -> str:
    """The first non-empty line of ``dot``'s stderr, cleaned and cut.

    >>> _first_line(b"\\nError: <stdin>: syntax error in line 1 near 'x'\\nmore\\n")
    "Error: <stdin>: syntax error in line 1 near 'x'"
    >>> _first_line(b"")
    'no message'
    """
    text = data.decode("utf-8", errors="replace")
    for line in text.splitlines():
        line = clean(line, max_length=300).strip()
        if line:
            return line
    return "no message"


def run_dot(source: str, format: str, timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """Render DOT ``source`` to ``format`` (svg, png, pdf) with ``dot``; the output bytes.

    :class:`~flowgraph.errors.ExecutableNotFoundError` (with the install hint) when ``dot``
    is not on ``PATH``; :class:`~flowgraph.errors.RenderError` with ``dot``'s first error
    line when it fails, or when it runs longer than ``timeout`` seconds (it is then killed).

    >>> import shutil, pytest
    >>> if shutil.which("dot") is None:
    ...     pytest.skip("needs Graphviz's dot")
    >>> run_dot("digraph { a -> b }", "svg")[:5]
    b'<?xml'
    """
    cmd = dot_command(format)
    try:
        proc = subprocess.run(
            cmd,
            input=source.encode("utf-8"),
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except FileNotFoundError as exc:
        raise ExecutableNotFoundError(
            f"Graphviz's `dot` was not found on PATH: {INSTALL_HINT}"
        ) from exc
    except PermissionError as exc:
        raise ExecutableNotFoundError(
            f"Graphviz's `dot` on PATH cannot be run ({exc.strerror}): {INSTALL_HINT}"
        ) from exc
    except subprocess.TimeoutExpired as exc:
        raise RenderError(
            f"`dot -T{format}` took longer than {timeout:g}s and was stopped; "
            "render a smaller picture (collapse loops) or raise the timeout"
        ) from exc
    if proc.returncode != 0:
        raise RenderError(
            f"`dot -T{format}` failed (exit {proc.returncode}): {_first_line(proc.stderr)}"
        )
    if proc.stderr.strip():
        log.warning("dot: %s", _first_line(proc.stderr))
    return proc.stdout
