r"""The only sanitisers and cutters of untrusted text: clean, shorten, one_line, and seconds.

Everything a payload supplies (node ids, model ids, error text) is untrusted: these turn it into
plain text for a terminal or a picture. Nothing they return holds a lone surrogate (every
writer can encode it as UTF-8): :func:`flowgraph.load` already replaces them with U+FFFD, and
:func:`fix_surrogates` does it for any other text.

>>> one_line("a\x1b[31mb") == "a\ufffd[31mb", seconds(125)
(True, '2m05s')
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

__all__ = [
    "ERROR_WIDTH",
    "MAX_TEXT",
    "clean",
    "clip",
    "finite",
    "fix_surrogates",
    "join_fields",
    "one_line",
    "seconds",
    "shorten",
    "shown_id",
    "shown_ids",
    "shown_text",
    "wrap_parts",
]

#: Default cut for one piece of text (a label line, a tooltip) in characters.
MAX_TEXT = 1000
_ELLIPSIS = "..."
_BREAKS = re.compile("\r\n|[\r\n\u2028\u2029]")
_SURROGATE = re.compile("[\ud800-\udfff]")


#: ASCII control characters but the line break: what ``_keep`` drops of ASCII text.
_ASCII_CONTROLS = dict.fromkeys([*range(0x0A), *range(0x0B, 0x20), 0x7F])


def _keep(ch: str) -> bool:
    if ch == "\n":
        return True
    category = unicodedata.category(ch)
    if category in ("Cc", "Cs"):
        return False
    return not (0xFDD0 <= ord(ch) <= 0xFDEF or (ord(ch) & 0xFFFE) == 0xFFFE)


def fix_surrogates(text: str) -> str:
    r"""``text`` with each lone surrogate replaced by U+FFFD: it then encodes as UTF-8.

    A high and a low surrogate side by side (a str can hold the pair) become their character.

    >>> fix_surrogates("a\ud800b") == "a\ufffdb", fix_surrogates("caf\u00e9")
    (True, 'café')
    >>> fix_surrogates("\ud83d\ude00") == "\U0001f600"
    True
    """
    if text.isascii() or _SURROGATE.search(text) is None:
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def shorten(text: str, max_length: int = MAX_TEXT) -> str:
    """Cut ``text`` to at most ``max_length`` characters, ending in ``...`` when cut; a lone
    surrogate becomes U+FFFD.

    >>> shorten("abcdef", 5), shorten("abc", 5), shorten("abcdef", 2)
    ('ab...', 'abc', 'ab')
    """
    text = fix_surrogates(text)
    if len(text) <= max_length:
        return text
    if max_length <= len(_ELLIPSIS):
        return text[:max_length]
    return text[: max_length - len(_ELLIPSIS)] + _ELLIPSIS


def clean(text: object, max_length: int = MAX_TEXT, max_lines: int | None = None) -> str:
    r"""Plain text without control characters: line breaks as ``\n``, cut when too long.

    Anything is turned into text first (``None`` becomes ``''``).

    >>> clean("a\x00b\x07c\x1bd")
    'abcd'
    >>> clean("one\r\ntwo\rthree\nfour\tend\u2028five")
    'one\ntwo\nthree\nfour end\nfive'
    >>> clean("x" * 10, max_length=6)
    'xxx...'
    >>> clean("1\n2\n3\n4", max_lines=2)
    '1\n2 ...'
    >>> clean("lone \ud800 surrogate \ufffe and \x85 C1")
    'lone  surrogate  and  C1'
    >>> clean(None), clean(12)
    ('', '12')
    """
    if text is None:
        return ""
    raw = _BREAKS.sub("\n", str(text)).replace("\t", " ")
    if raw.isascii():  # the usual text: one pass in C (a big picture cleans ~100k strings)
        out = raw.translate(_ASCII_CONTROLS)
    else:
        out = "".join(ch for ch in raw if _keep(ch))
    if max_lines is not None:
        lines = out.split("\n")
        if len(lines) > max_lines:
            out = "\n".join(lines[:max_lines]) + " " + _ELLIPSIS
    return shorten(out, max_length)


def one_line(text: Any) -> str:
    r"""Node ids are untrusted: no control characters reach the terminal.

    >>> one_line("a\nb") == "a\ufffdb"
    True
    """
    return "".join(ch if ch.isprintable() else "\ufffd" for ch in str(text))


def seconds(value: float | None) -> str:
    """A duration for people: ``1.5s``, ``2m05s``, ``1h02m``; ``-`` when unknown.

    >>> seconds(1.5), seconds(125), seconds(3720), seconds(None)
    ('1.5s', '2m05s', '1h02m', '-')
    >>> seconds(float("nan")), seconds(float("inf"))
    ('-', '-')
    """
    if value is None or value - value != 0:  # unknown, or not finite
        return "-"
    if value < 60:
        return f"{value:.1f}s"
    if value < 3600:
        return f"{int(value // 60)}m{int(value % 60):02d}s"
    return f"{int(value // 3600)}h{int(value % 3600 // 60):02d}m"


_SGR = re.compile(r"\x1b\[[0-9;]*m")


def join_fields(parts: list[str], width: int) -> list[str]:
    """Header fields two spaces apart, on as few lines of ``width`` as they fit."""
    lines: list[str] = []
    size = 0
    for part in parts:
        n = len(_SGR.sub("", part))
        if lines and size + 2 + n <= width:
            lines[-1] += "  " + part
            size += 2 + n
        else:
            lines.append(part)
            size = n
    return lines


def wrap_parts(parts: list[str], width: int) -> list[str]:
    """Note parts on as few lines of ``width`` as they fit; a part is never split."""
    lines: list[str] = []
    for part in parts:
        part = clip(part, width)
        if lines and len(lines[-1]) + 2 + len(part) <= width:
            lines[-1] += "; " + part
        else:
            lines.append(part)
    return lines


def clip(text: str, n: int) -> str:
    """``text`` cut to ``n`` characters, an ellipsis last when cut."""
    return text if len(text) <= n else text[: max(0, n - 1)] + "…"


#: Where an error or hint line is cut (with an ellipsis) when no narrower width is given.
ERROR_WIDTH = 160


def shown_id(text: Any) -> str:
    """An untrusted id on one line, ``""`` when it is empty (so it stays visible)."""
    shown = one_line(text)
    return shown if shown else '""'


def shown_text(text: Any, width: int | None = ERROR_WIDTH) -> str:
    """Untrusted text (an error, a hint) on one line, cut with ``…`` at ``width`` characters
    (None: not cut).

    >>> shown_text("bad\\nthings  happened", 12)
    'bad things …'
    """
    flat = " ".join(one_line(part) for part in str(text).split())
    if width is None or len(flat) <= width:
        return flat
    return flat[: max(0, width - 1)] + "…"


def shown_ids(ids: list[str], limit: int = 2) -> str:
    """The first ``limit`` ids, then ``+N more``: ``a, b +3 more``."""
    shown = ", ".join(shown_id(i) for i in ids[:limit])
    return shown + (f" +{len(ids) - limit} more" if len(ids) > limit else "")


def finite(value: float | None) -> float | None:
    """``value``, or None when it is NaN or infinite (never ``nan%`` on a screen).

    >>> finite(0.5), finite(float("nan")), finite(float("inf"))
    (0.5, None, None)
    """
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value if math.isfinite(value) else None
