"""JSON text or bytes to Python values: msgspec's decoder, with the standard library's errors.

msgspec (https://jcristharif.com/msgspec/) decodes a run's bytes to the same dicts and lists as
``json.loads`` in ~60% of its time (10k-node run: 25 vs 43 ms; 100k: 270 vs 480 ms), and a
large run is mostly JSON. Whatever msgspec refuses (malformed JSON, NaN, a lone surrogate, a
byte-order mark, numbers out of range, deep nesting) goes to ``json.loads`` as before, so what
is accepted and every error message are the standard library's (checked on bytes and text,
the two kinds flowgraph passes). The only module that imports msgspec, and the one JSON
decoder of flowgraph: files and text (:func:`decode_json`), API answers and cache entries
(:func:`decode_object`).

>>> decode_json(b'{"jobId": "job_1", "progress": 0.5}')
{'jobId': 'job_1', 'progress': 0.5}
>>> decode_json("[1, NaN]", "run.json")
Traceback (most recent call last):
...
flowgraph.errors.SourceError: run.json: not valid JSON: NaN is not allowed in JSON
"""

from __future__ import annotations

import json
from typing import Any

import msgspec

from .config import MAX_JSON_DEPTH
from .errors import SourceError

__all__ = ["JsonError", "decode_json", "decode_object"]

_DECODER = msgspec.json.Decoder()


class JsonError(ValueError):
    """Bytes that are not the JSON object expected; the message is a short reason for the
    caller's own error (``empty body``, ``not valid JSON (...)``, ``JSON nested too deeply``)."""


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in JSON")


def _loads(text: str | bytes) -> Any:
    """msgspec, else ``json.loads`` (NaN and Infinity refused); the standard library's errors."""
    try:
        return _DECODER.decode(text)
    except (msgspec.MsgspecError, RecursionError, UnicodeError):
        pass  # the standard library decides (a str with a lone surrogate too), and words errors
    return json.loads(text, parse_constant=_reject_constant)


def decode_json(text: str | bytes, where: str = "<text>") -> Any:
    """The value of the JSON ``text``; :class:`~flowgraph.errors.SourceError` naming ``where``
    in one line when it is not valid JSON (NaN and Infinity are not), or nested too deeply."""
    try:
        return _loads(text)
    except RecursionError:
        raise SourceError(f"{where}: JSON nested too deeply to read") from None
    except json.JSONDecodeError as exc:
        raise SourceError(
            f"{where}: not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    except ValueError as exc:  # NaN/Infinity, bad UTF-8 (UnicodeDecodeError is one)
        raise SourceError(f"{where}: not valid JSON: {exc}") from None


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
