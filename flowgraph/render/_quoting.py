"""Untrusted text made safe for DOT strings and SVG output: labels, tooltips and links.

Everything a payload supplies (node ids, model ids, error text, URLs) goes through here before
it reaches Graphviz. The rules, each a doctest below:

* control characters (``\\x00``-``\\x1f``, ``\\x7f``-``\\x9f``), lone surrogates and
  non-characters are dropped; CR, LF, CRLF and the Unicode line and paragraph separators
  become line breaks, a tab a space;
* very long text is cut (``...``), and so is a long list of lines;
* what is left is escaped for the inside of a DOT double-quoted string (``graphviz.escape``
  semantics): every backslash doubled, so ``\\N``, ``\\G``, ``\\l`` and a trailing ``\\`` read
  literally; ``"`` escaped; ``&`` written ``&amp;`` so entities read literally. The caller
  wraps the result in ``graphviz.nohtml`` so ``<...>`` is never an HTML label;
* links pass only when they are plain ``http``/``https`` URLs (case-insensitive, surrounding
  whitespace stripped): ``javascript:``, ``data:``, quotes, spaces, angle brackets and
  backslashes are refused.
"""

from __future__ import annotations

import re

from .._text import MAX_TEXT, clean

__all__ = [
    "MAX_URL",
    "dot_url",
    "escape_dot",
    "is_safe_url",
]

#: Longest link kept.
MAX_URL = 2048
_HOST = r"[A-Za-z0-9\-._~%!$&()*+,;=:@\[\]]+"
_REST = r"(?:[/?#][A-Za-z0-9\-._~%!$&()*+,;=:@/?#\[\]]*)?"
_URL = re.compile(f"https?://{_HOST}{_REST}", re.IGNORECASE)


def _escape_line(line: str) -> str:
    return line.replace("\\", "\\\\").replace('"', '\\"').replace("&", "&amp;")


def escape_dot(
    text: object,
    max_length: int = MAX_TEXT,
    max_lines: int | None = None,
    line_break: str = "\\n",
) -> str:
    r"""``text`` for the inside of a DOT double-quoted label or tooltip: cleaned, cut, escaped.

    Line breaks become DOT's centred line break ``\n`` (or ``line_break``: ``\l`` ends a
    left-justified line); nothing else keeps a special meaning.

    >>> print(escape_dot('a"b'))
    a\"b
    >>> print(escape_dot("ends\\"))
    ends\\
    >>> print(escape_dot(r"\N \G a\lb \E \T \H \L"))
    \\N \\G a\\lb \\E \\T \\H \\L
    >>> print(escape_dot('\\"'))
    \\\"
    >>> print(escape_dot("line\nbreak"))
    line\nbreak
    >>> print(escape_dot("line\nbreak", line_break="\\l"))
    line\lbreak
    >>> print(escape_dot("<b>html</b> & &amp; &#60;"))
    <b>html</b> &amp; &amp;amp; &amp;#60;
    >>> print(escape_dot('}; digraph x { node [shape=box]'))
    }; digraph x { node [shape=box]
    >>> print(escape_dot("L" * 300, max_length=12))
    LLLLLLLLL...
    >>> print(escape_dot("bell\x07 nul\x00 esc\x1b[31m"))
    bell nul esc[31m

    A cut never splits an escape: the text is cut before it is escaped.

    >>> print(escape_dot("ab\\\\cd", max_length=6))
    ab\\\\...
    """
    if line_break not in ("\\n", "\\l", "\\r"):
        raise ValueError(f"line_break must be \\n, \\l or \\r, not {line_break!r}")
    lines = clean(text, max_length, max_lines).split("\n")
    return line_break.join(_escape_line(line) for line in lines)


def is_safe_url(url: object) -> bool:
    r"""True for a plain ``http``/``https`` URL that is safe to write as a link.

    Surrounding whitespace is ignored and the scheme is case-insensitive; everything else
    that could run code, embed data or break out of an attribute is refused.

    >>> is_safe_url("https://cdn.cloud.scenario.com/assets/a1.png?w=1&h=2")
    True
    >>> is_safe_url("  HTTP://example.com/x  ")
    True
    >>> is_safe_url("javascript:alert(1)"), is_safe_url("JaVaScRiPt:alert(1)")
    (False, False)
    >>> is_safe_url(" javascript:alert(1)"), is_safe_url("java\\tscript:alert(1)")
    (False, False)
    >>> is_safe_url("data:text/html,<script>alert(1)</script>")
    False
    >>> is_safe_url('x" onmouseover="alert(1)'), is_safe_url('https://a/" onmouseover="x')
    (False, False)
    >>> is_safe_url("https://a/<script>"), is_safe_url("https://a/b c"), is_safe_url("https://a/\\\\N")
    (False, False, False)
    >>> is_safe_url("https://a/'x"), is_safe_url("https://a/\x00")
    (False, False)
    >>> is_safe_url("/etc/hostname"), is_safe_url("file:///etc/hostname"), is_safe_url("//a/b")
    (False, False, False)
    >>> is_safe_url("https://"), is_safe_url("https:///path"), is_safe_url("ftp://a/b")
    (False, False, False)
    >>> is_safe_url("https://a/" + "x" * 3000), is_safe_url(None), is_safe_url(12)
    (False, False, False)
    >>> is_safe_url("https://xn--bcher-kva.example/caf%C3%A9"), is_safe_url("https://bücher.example/")
    (True, False)
    """
    if not isinstance(url, str):
        return False
    text = url.strip()
    if not text or len(text) > MAX_URL:
        return False
    return _URL.fullmatch(text) is not None


def dot_url(url: object) -> str | None:
    """The DOT value of a link (``URL``/``href``), or ``None`` when it is not a safe URL.

    ``&`` is written ``&amp;``: ``dot`` copies links into SVG attributes as they are.

    >>> dot_url(" https://cdn.example.com/a.png?x=1&y=2 ")
    'https://cdn.example.com/a.png?x=1&amp;y=2'
    >>> dot_url("javascript:alert(1)") is None, dot_url("data:image/png;base64,AAAA") is None
    (True, True)
    """
    if not is_safe_url(url):
        return None
    assert isinstance(url, str)
    return url.strip().replace("&", "&amp;")
