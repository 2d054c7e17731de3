"""JSON text or bytes to Python values: msgspec's decoder, with the standard library's errors.

msgspec (https://jcristharif.com/msgspec/) decodes a run's bytes to the same dicts and lists as
``json.loads`` in ~60% of its time (10k-node run: 25 vs 43 ms; 100k: 270 vs 480 ms), and a
large run is mostly JSON. Whatever msgspec refuses (malformed JSON, NaN, a lone surrogate, a
byte-order mark, numbers out of range, deep nesting) goes to ``json.loads`` as before, so what
is accepted and every error message are the standard library's (checked on bytes and text,
the two kinds flowgraph passes). The one JSON decoder of flowgraph to dicts and lists (msgspec
is imported here and in ``model.py``, whose typed decoder reads a run straight into the model):
files and text (:func:`decode_json`), API answers and cache entries (:func:`decode_object`).

How deep JSON may nest is the interpreter's: about 1,000 levels on Python 3.10/3.11, far more
from 3.12 on; deeper is a one-line :class:`~flowgraph.errors.SourceError` on every version.

What msgspec decodes holds no lone surrogate and no number out of range; what only
``json.loads`` reads may hold both (``"\\ud800"`` is a lone surrogate, ``1e400`` is ``inf``),
and so may a dict handed to :func:`flowgraph.load`. :func:`scrub` makes any decoded value safe
to write as strict UTF-8 JSON, without recursion: each lone surrogate becomes U+FFFD, each
non-finite number (``inf``, ``-inf``, ``nan``) becomes ``None`` (what JavaScript's
``JSON.stringify`` writes for them), and notes say where (``Job.unknowns``: ``lint`` lists
them). :func:`decode_json_scrubbed` decodes and scrubs, walking the value only when msgspec
could not decode it.

>>> decode_json(b'{"jobId": "job_1", "progress": 0.5}')
{'jobId': 'job_1', 'progress': 0.5}
>>> decode_json("[1, NaN]", "run.json")
Traceback (most recent call last):
...
flowgraph.errors.SourceError: run.json: not valid JSON: NaN is not allowed in JSON
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import msgspec

from ._text import _SURROGATE, fix_surrogates
from .config import MAX_JSON_DEPTH
from .errors import SourceError

__all__ = [
    "JsonError",
    "Note",
    "decode_json",
    "decode_json_scrubbed",
    "decode_object",
    "scan",
    "scrub",
]

_DECODER = msgspec.json.Decoder()

#: What :func:`scrub` replaced: (JSON path of the first place, what it was and became).
Note = tuple[str, str]


class JsonError(ValueError):
    """Bytes that are not the JSON object expected; the message is a short reason for the
    caller's own error (``empty body``, ``not valid JSON (...)``, ``JSON nested too deeply``)."""


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in JSON")


def _loads(text: str | bytes) -> Any:
    """msgspec, else ``json.loads`` (NaN and Infinity refused); the standard library's errors."""
    return _loads_checked(text)[0]


def _loads_checked(text: str | bytes) -> tuple[Any, bool]:
    """:func:`_loads`, and whether msgspec decoded it (then there is nothing to scrub)."""
    try:
        return _DECODER.decode(text), True
    except (msgspec.MsgspecError, UnicodeError):
        pass  # the standard library decides (a str with a lone surrogate too), and words errors
    # A RecursionError from msgspec (nesting near the recursion limit) goes up as it is: from
    # 3.12 on, json.loads reads far deeper nesting than 3.10/3.11 did, and the answer must not
    # depend on the Python version.
    return json.loads(text, parse_constant=_reject_constant), False


def decode_json(text: str | bytes, where: str = "<text>") -> Any:
    """The value of the JSON ``text``; :class:`~flowgraph.errors.SourceError` naming ``where``
    in one line when it is not valid JSON (NaN and Infinity are not), or nested too deeply."""
    return _decode(text, where)[0]


def decode_json_scrubbed(
    text: str | bytes, where: str = "<text>", root: str = ""
) -> tuple[Any, list[Note]]:
    """:func:`decode_json`, then :func:`scrub` when msgspec could not decode it.

    >>> value, notes = decode_json_scrubbed(b'{"id": "a\\\\ud800", "n": 1e400}', root="job")
    >>> value == {"id": "a\\ufffd", "n": None}
    True
    >>> for note in notes:
    ...     print(note)
    ('job.id', 'a lone surrogate, read as U+FFFD')
    ('job.n', 'not a finite number (inf), read as null')
    """
    value, clean = _decode(text, where)
    if clean:
        return value, []
    return scrub(value, root)


def _decode(text: str | bytes, where: str) -> tuple[Any, bool]:
    where = fix_surrogates(where)  # a file name from the command line may hold a lone surrogate
    try:
        return _loads_checked(text)
    except RecursionError:
        raise SourceError(f"{where}: JSON nested too deeply to read") from None
    except json.JSONDecodeError as exc:
        raise SourceError(
            f"{where}: not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    except ValueError as exc:  # NaN/Infinity, bad UTF-8 (UnicodeDecodeError is one)
        raise SourceError(f"{where}: not valid JSON: {fix_surrogates(str(exc))}") from None


def decode_object(raw: bytes, max_depth: int = MAX_JSON_DEPTH) -> dict[str, Any]:
    """The JSON object in ``raw`` (an API answer, a cache entry), at most ``max_depth`` deep.

    Anything else raises :class:`JsonError`, with no exception chained to it.

    >>> decode_object(b'{"job": {"jobId": "job_1"}}')
    {'job': {'jobId': 'job_1'}}
    >>> decode_object(b"[1, 2]")
    Traceback (most recent call last):
    ...
    flowgraph.decode.JsonError: expected a JSON object, got list
    >>> decode_object(b'{"a": [[1]]}', max_depth=2)
    Traceback (most recent call last):
    ...
    flowgraph.decode.JsonError: JSON nested too deeply (more than 2 levels)
    """
    reason: str | None = None
    data: Any = None
    if not raw.strip():
        reason = "empty body"
    else:
        try:
            data = _loads(raw)
        except RecursionError:
            reason = "JSON nested too deeply"
        except ValueError as exc:
            reason = f"not valid JSON ({exc})"
    if reason is None and not isinstance(data, dict):
        reason = f"expected a JSON object, got {type(data).__name__}"
    if reason is None and _nested_deeper(data, max_depth):
        reason = f"JSON nested too deeply (more than {max_depth} levels)"
    if reason is not None:
        raise JsonError(reason)  # outside the except blocks: nothing chained
    result: dict[str, Any] = data
    return result


def _nested_deeper(data: Any, limit: int) -> bool:
    """Whether containers nest more than ``limit`` levels (iterative, no recursion).

    >>> _nested_deeper({"a": [[1]]}, 3), _nested_deeper({"a": [[1]]}, 2)
    (False, True)
    """
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        item, level = stack.pop()
        if level > limit:
            return True
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values() if isinstance(v, (dict, list)))
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item if isinstance(v, (dict, list)))
    return False


# -- scrubbing -----------------------------------------------------------------------------------
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _bad(text: str) -> bool:
    return not text.isascii() and _SURROGATE.search(text) is not None


def _suspect(data: Any) -> bool:
    """Whether ``data`` holds a surrogate or a non-finite number anywhere (no recursion)."""
    return scan(data)[0]


def scan(data: Any) -> tuple[bool, bool]:
    """Whether ``data`` holds a surrogate or a non-finite number anywhere (what :func:`scrub`
    replaces), and whether it is plain JSON data: dicts with ASCII string keys, lists, strings,
    ints, floats, bools and None, each of exactly that type (what JSON text decodes to, and
    what :func:`convert_run` may take). One walk, no recursion.

    >>> scan({"a": [1, "x"]}), scan({"a": (1,)}), scan({"a": float("inf")}), scan({1: 2})
    ((False, True), (False, False), (True, False), (False, False))
    """
    plain = True
    stack = [data]
    pop, push, extend = stack.pop, stack.append, stack.extend
    while stack:
        item = pop()
        kind = type(item)
        if kind is str:
            if not item.isascii() and _SURROGATE.search(item) is not None:
                return True, False
        elif kind is dict:
            try:
                keys = "".join(item)
            except TypeError:  # a key that is not a string
                plain = False
                for key in item:
                    if isinstance(key, str) and _bad(key):
                        return True, False
            else:
                if not keys.isascii():
                    plain = False
                    if _SURROGATE.search(keys) is not None:
                        return True, False
            extend(item.values())
        elif kind is list:
            extend(item)
        elif kind is float:
            if item - item != 0.0:  # inf - inf and nan - nan are nan
                return True, False
        elif kind is int or kind is bool or item is None:
            continue
        else:
            plain = False
            if isinstance(item, str):
                push(str(item))
            elif isinstance(item, dict):
                push(dict(item))
            elif isinstance(item, (list, tuple)):
                push(list(item))
            elif isinstance(item, float):
                push(float(item))
    return False, plain


def _key_path(path: str, key: Any) -> str:
    if isinstance(key, str) and _IDENTIFIER.match(key):
        return f"{path}.{key}" if path else key
    return f"{path}[{json.dumps(key if isinstance(key, str) else str(key))}]"


def scrub(data: Any, root: str = "") -> tuple[Any, list[Note]]:
    """``data`` with lone surrogates and non-finite numbers replaced, and notes saying where.

    Every lone surrogate in a string or a key becomes U+FFFD and every ``inf``, ``-inf`` and
    ``nan`` becomes ``None``: the result encodes as strict UTF-8 JSON. Returns ``data`` itself
    when there is nothing to replace, else a copy (tuples become lists). One note per kind of
    replacement: the first place (paths start at ``root``) and how many more there were.
    No recursion: any depth is fine.

    >>> scrub({"a": [1.5, "ok"]})
    ({'a': [1.5, 'ok']}, [])
    >>> value, notes = scrub({"ids": ["x\\udc80", "y\\ud800"], "p": float("nan")}, "job")
    >>> value == {"ids": ["x\\ufffd", "y\\ufffd"], "p": None}
    True
    >>> for note in notes:
    ...     print(note)
    ('job.ids[0]', 'a lone surrogate, read as U+FFFD (and 1 more)')
    ('job.p', 'not a finite number (nan), read as null')
    """
    if not _suspect(data):
        return data, []
    first: dict[str, str] = {}
    counts: dict[str, int] = {}

    def note(kind: str, path: str) -> None:
        if kind not in first:
            first[kind] = path or "(the whole value)"
        counts[kind] = counts.get(kind, 0) + 1

    holder: list[Any] = [None]
    # (value, the container its copy goes into, the slot there, its JSON path); children are
    # pushed in reverse, so places are met in document order and each note names the first
    stack: list[tuple[Any, Any, Any, str]] = [(data, holder, 0, root)]
    while stack:
        value, into, slot, path = stack.pop()
        if isinstance(value, str):
            if _bad(value):
                fixed = fix_surrogates(value)
                if fixed != value:
                    note("surrogate", path)
                value = fixed
        elif value is None or isinstance(value, (bool, int)):
            pass
        elif isinstance(value, float):
            if not math.isfinite(value):
                note(repr(float(value)), path)
                value = None
        elif isinstance(value, dict):
            copy: dict[Any, Any] = {}
            todo = []
            for key, item in value.items():
                if isinstance(key, str) and _bad(key):
                    fixed_key = fix_surrogates(key)
                    if fixed_key != key:
                        note("surrogate", _key_path(path, fixed_key))
                    key = fixed_key
                copy[key] = None  # the key's place, filled when its value is met
                todo.append((item, copy, key, _key_path(path, key)))
            stack.extend(reversed(todo))
            value = copy
        elif isinstance(value, (list, tuple)):
            items: list[Any] = [None] * len(value)
            stack.extend(
                (item, items, i, f"{path}[{i}]") for i, item in reversed(list(enumerate(value)))
            )
            value = items
        into[slot] = value
    notes = []
    for kind, path in first.items():
        if kind == "surrogate":
            what = "a lone surrogate, read as U+FFFD"
        else:
            what = f"not a finite number ({kind}), read as null"
        more = counts[kind] - 1
        notes.append((path, what + (f" (and {more} more)" if more else "")))
    return holder[0], notes
