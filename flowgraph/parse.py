"""Fast, strict-about-shape parsing of job JSON (already decoded) into the typed model.

Accepts camelCase (the wire) and snake_case keys: those of the official SDK's ``model_dump()``
(which spells ``modelId`` ``api_model_id`` and ``modelTypes`` ``api_model_types``: pydantic
reserves the ``model_`` prefix) and the plain ones (``model_id``). Treats ``null`` as empty,
keeps unknown fields in each object's ``extra`` (and lists them once in ``Job.unknowns``), and
raises :class:`~flowgraph.errors.PayloadError` naming the JSON path of the first value of the
wrong shape.

Numbers: a number that is not finite (``inf``, ``nan``: ``1e400`` in JSON text overflows to
``inf``, a dict or an SDK object can hold either) is unknown, never a value: ``progress``,
``cuCost`` and ``cuDiscount`` read as ``None``, so nothing shows ``nan%`` or writes ``NaN`` into
JSON. :func:`flowgraph.load` goes further before parsing (:func:`flowgraph.decode.scrub`):
every non-finite number anywhere becomes ``null`` and every lone surrogate U+FFFD, each noted
in ``Job.unknowns``. ``iterationIndex`` and ``count`` must be whole numbers (``inf`` is not).

Nesting: values flowgraph only carries (input values, outputs, unknown fields) may nest as
deep as the JSON does; nothing recurses into them. Branch values (``ref.equal``, the cases'
``value``, ``logic.default``) are compared and written as JSON, and ``inputs_array`` items are
parsed into inputs: those two raise a ``PayloadError`` when nested more than
:data:`MAX_NESTING` levels (real ones are a string, and items of one level).

It builds the dataclasses directly: dataclasses-json's ``from_dict`` is ~100x slower than
``json.loads`` and cannot sit on the path of a large flow.

Flow nodes go through a fast path first (``_fast_node``): no JSON paths are formatted and nothing
is recorded. Whenever it meets anything unusual (a wrong shape, snake_case keys, an unknown field
not reported yet, a tuple for a list...) it gives up on that node and the path-tracking parser
(``_node``) parses it again from scratch, so errors, ``extra`` and ``Job.unknowns`` are exactly
those of the path-tracking parser. ``benchmarks/run.py`` measures the difference.

Over 400 lines for one job: two parsers of one model kept in step (an import-time check guards
their field order). The speed issue retires the fast path for a typed msgspec decode; until
then splitting them apart would only hide that they must change together.

>>> job = parse_job({"jobId": "job_1", "metadata": {"flow": [{"id": "a", "type": "model"}]}})
>>> job.flow[0].type
'model'
>>> parse_job({"jobId": "job_1", "metadata": {"flow": [{"id": 12}]}})
Traceback (most recent call last):
...
flowgraph.errors.PayloadError: job.metadata.flow[0].id: expected a string, got 12
"""

from __future__ import annotations

import gc
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields
from typing import Any

from .errors import PayloadError
from .model import (
    Asset,
    Billing,
    Case,
    FlowNode,
    Input,
    Job,
    Logic,
    Metadata,
    Ref,
    StatusChange,
)

__all__ = ["MAX_NESTING", "describe", "gc_paused", "parse_flow", "parse_job", "quick_job"]

#: The deepest nesting of a branch value (lists and objects) and of ``inputs_array`` items.
MAX_NESTING = 32


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a large payload is turned into objects.

    Decoding and parsing a run allocate millions of objects that all stay alive; with the
    collector on, its passes over them cost more than the work itself (3x on a 10k-node run).
    Nothing is freed late: reference counting still frees everything at once, and the collector
    is switched back on (if it was on) when the block ends, even on an error.

    What the block allocated is long-lived by construction (the job, the graph), so it goes
    straight to the oldest generation, as if it had survived the young collections, instead of
    being walked by two of them right after: ``gc.freeze()`` + ``gc.unfreeze()`` do that in
    O(1). Skipped when something else in the process uses the permanent generation.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        gc.enable()


def describe(value: Any) -> str:
    """A short JSON-ish description of a value for an error message.

    >>> describe(12), describe("n1"), describe({}), describe(True), describe(None)
    ('12', 'a string "n1"', 'an object', 'true', 'null')
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        text = json.dumps(value[:40])
        return f"a string {text}" + ("..." if len(value) > 40 else "")
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def _keys(*camel: str) -> dict[str, str]:
    """Map both spellings of each wire key to the attribute name."""
    table = {}
    for key in camel:
        table[key] = _snake(key)
        table[_snake(key)] = _snake(key)
    return table


_JOB = _keys(
    "jobId",
    "jobType",
    "status",
    "progress",
    "createdAt",
    "updatedAt",
    "statusHistory",
    "metadata",
    "billing",
    "authorId",
    "ownerId",
)
_META = _keys(
    "flow",
    "error",
    "hint",
    "workflowId",
    "workflowJobId",
    "assetIds",
    "input",
    "output",
    "outputModelId",
)
_NODE = _keys(
    "id",
    "type",
    "status",
    "inputs",
    "dependsOn",
    "jobId",
    "assets",
    "output",
    "modelId",
    "workflowId",
    "includeOutputsInWorkflowJob",
    "logic",
    "logicType",
    "loopBodyNodeIds",
    "loopNodeId",
    "iterationIndex",
    "count",
    "items",
)
_NODE["api_model_id"] = "model_id"  # the SDK's model_dump(): pydantic reserves "model_"
_INPUT = _keys("name", "type", "value", "ref", "items", "required", "default")
_INPUT_ATTRS = _keys(
    "allowedValues",
    "backgroundBehavior",
    "color",
    "costImpact",
    "description",
    "group",
    "hint",
    "inputs",
    "kind",
    "label",
    "maskFrom",
    "max",
    "maxLength",
    "maxSize",
    "min",
    "minLength",
    "modelTypes",
    "parent",
    "placeholder",
    "prompt",
    "promptSpark",
    "step",
    "minDuration",
    "maxDuration",
    "id",
)
_INPUT_ATTRS["api_model_types"] = "model_types"  # the SDK's model_dump()
_REF = _keys("node", "name", "conditional", "equal")
_LOGIC = _keys("cases", "default", "transform")
_CASE = _keys("condition", "value")
_ASSET = _keys("assetId", "url")
_BILLING = _keys("cuCost", "cuDiscount", "cuCostDetails", "disableRefund")
_HISTORY = _keys("status", "date")


class _Ctx:
    """What one parse collects besides the objects: unknown fields, each reported once."""

    __slots__ = ("_seen", "unknowns")

    def __init__(self) -> None:
        self.unknowns: list[tuple[str, str]] = []
        self._seen: set[tuple[str, str]] = set()

    def unknown(self, kind: str, key: str, path: str) -> None:
        if (kind, key) not in self._seen:
            self._seen.add((kind, key))
            self.unknowns.append(
                (
                    f"{path}.{key}",
                    f"unknown field {key!r} on {'an' if kind[0] in 'aeiou' else 'a'} {kind}",
                )
            )


def _fail(path: str, expected: str, value: Any) -> PayloadError:
    return PayloadError(path, f"expected {expected}, got {describe(value)}")


def _obj(value: Any, path: str) -> dict[str, Any]:
    if value is None:
        return {}
    if type(value) is not dict:
        if isinstance(value, dict):
            return dict(value)
        raise _fail(path, "an object", value)
    return value


def _list(value: Any, path: str) -> list[Any]:
    if value is None:
        return []
    if type(value) is not list:
        if isinstance(value, (list, tuple)):
            return list(value)
        raise _fail(path, "a list", value)
    return value


def _str(value: Any, path: str) -> str | None:
    if value is None or type(value) is str:
        return value
    raise _fail(path, "a string", value)


def _str_list(value: Any, path: str) -> list[str]:
    items = _list(value, path)
    for i, item in enumerate(items):
        if type(item) is not str:
            raise _fail(f"{path}[{i}]", "a string", item)
    return items


def _num(value: Any, path: str) -> float | None:
    """A number, or None when absent or not finite (``inf``, ``nan``: unknown)."""
    if value is None or type(value) is int:
        number: float | None = value
        return number
    if type(value) is float:
        return value if value - value == 0.0 else None  # inf - inf and nan - nan are nan
    raise _fail(path, "a number", value)


def _nested(value: Any, path: str) -> Any:
    """``value``, or a PayloadError when its lists and objects nest more than MAX_NESTING."""
    if type(value) is not list and type(value) is not dict:
        return value
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if level > MAX_NESTING:
            raise PayloadError(path, f"nested more than {MAX_NESTING} levels deep")
        children = item.values() if isinstance(item, dict) else item
        stack.extend((c, level + 1) for c in children if isinstance(c, (list, dict)))
    return value


def _int(value: Any, path: str) -> int | None:
    if value is None or type(value) is int:
        return value
    if type(value) is float and value.is_integer():
        return int(value)
    raise _fail(path, "a whole number", value)


def _bool(value: Any, path: str) -> bool | None:
    if value is None or type(value) is bool:
        return value
    raise _fail(path, "true or false", value)


def _split(
    data: dict[str, Any], table: dict[str, str], kind: str, path: str, ctx: _Ctx
) -> tuple[dict[str, Any], dict[str, Any]]:
    known: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, value in data.items():
        attr = table.get(key)
        if attr is None:
            extra[key] = value
            ctx.unknown(kind, key, path)
        else:
            known[attr] = value
    return known, extra


def _ref(data: Any, path: str, ctx: _Ctx) -> Ref | None:
    if data is None:
        return None
    f, extra = _split(_obj(data, path), _REF, "ref", path, ctx)
    get = f.get
    return Ref(
        node=_str(get("node"), path + ".node"),
        name=_str(get("name"), path + ".name"),
        conditional=_str_list(get("conditional"), path + ".conditional"),
        equal=_nested(get("equal"), path + ".equal"),
        extra=extra,
    )


def _input(data: Any, path: str, ctx: _Ctx, level: int = 0) -> Input:
    data = _obj(data, path)
    known: dict[str, Any] = {}
    attrs: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, value in data.items():
        attr = _INPUT.get(key)
        if attr is not None:
            known[attr] = value
        elif key in _INPUT_ATTRS:
            attrs[key] = value
        else:
            extra[key] = value
            ctx.unknown("input", key, path)
    get = known.get
    items_raw = get("items")
    items: list[list[Input]] = []
    if items_raw is not None:
        if level >= MAX_NESTING and items_raw:
            raise PayloadError(
                path + ".items", f"inputs nested more than {MAX_NESTING} levels deep"
            )
        for i, item in enumerate(_list(items_raw, path + ".items")):
            ipath = f"{path}.items[{i}]"
            items.append(
                [
                    _input(sub, f"{ipath}[{j}]", ctx, level + 1)
                    for j, sub in enumerate(_list(item, ipath))
                ]
            )
    required = get("required")
    if required is not None:
        required = _obj(required, path + ".required")
    name = _str(get("name"), path + ".name")
    return Input(
        name=name if name is not None else "",
        type=_str(get("type"), path + ".type"),
        value=get("value"),
        ref=_ref(get("ref"), path + ".ref", ctx) if get("ref") is not None else None,
        items=items,
        required=required,
        default=get("default"),
        attrs=attrs,
        extra=extra,
    )


def _logic(data: Any, path: str, ctx: _Ctx) -> Logic | None:
    if data is None:
        return None
    f, extra = _split(_obj(data, path), _LOGIC, "logic", path, ctx)
    cases = []
    for i, raw in enumerate(_list(f.get("cases"), path + ".cases")):
        cpath = f"{path}.cases[{i}]"
        cf, cextra = _split(_obj(raw, cpath), _CASE, "case", cpath, ctx)
        cases.append(
            Case(
                condition=_str(cf.get("condition"), cpath + ".condition"),
                value=_nested(cf.get("value"), cpath + ".value"),
                extra=cextra,
            )
        )
    return Logic(
        cases=cases,
        default=_nested(f.get("default"), path + ".default"),
        transform=_str(f.get("transform"), path + ".transform"),
        extra=extra,
    )


def _asset(data: Any, path: str, ctx: _Ctx) -> Asset:
    f, extra = _split(_obj(data, path), _ASSET, "asset", path, ctx)
    return Asset(
        asset_id=_str(f.get("asset_id"), path + ".assetId"),
        url=_str(f.get("url"), path + ".url"),
        extra=extra,
    )


def _node(data: Any, path: str, ctx: _Ctx) -> FlowNode:
    if type(data) is not dict:
        data = _obj(data, path)
        if not data:
            raise _fail(path, "a flow node object", None)
    f, extra = _split(data, _NODE, "flow node", path, ctx)
    get = f.get
    node_id = get("id")
    if type(node_id) is not str:
        if node_id is None:
            raise PayloadError(path + ".id", "missing: every flow node needs an id")
        raise _fail(path + ".id", "a string", node_id)
    inputs_raw = get("inputs")
    inputs = (
        [_input(x, f"{path}.inputs[{i}]", ctx) for i, x in enumerate(_list(inputs_raw, path))]
        if inputs_raw
        else []
    )
    assets_raw = get("assets")
    include = get("include_outputs_in_workflow_job")
    return FlowNode(
        id=node_id,
        type=_str(get("type"), path + ".type"),
        status=_str(get("status"), path + ".status"),
        inputs=inputs,
        depends_on=_str_list(get("depends_on"), path + ".dependsOn"),
        job_id=_str(get("job_id"), path + ".jobId"),
        assets=[
            _asset(a, f"{path}.assets[{i}]", ctx)
            for i, a in enumerate(_list(assets_raw, path + ".assets"))
        ]
        if assets_raw
        else [],
        output=get("output"),
        model_id=_str(get("model_id"), path + ".modelId"),
        workflow_id=_str(get("workflow_id"), path + ".workflowId"),
        include_outputs_in_workflow_job=_bool(include, path + ".includeOutputsInWorkflowJob"),
        logic=_logic(get("logic"), path + ".logic", ctx),
        logic_type=_str(get("logic_type"), path + ".logicType"),
        loop_body_node_ids=_str_list(get("loop_body_node_ids"), path + ".loopBodyNodeIds"),
        loop_node_id=_str(get("loop_node_id"), path + ".loopNodeId"),
        iteration_index=_int(get("iteration_index"), path + ".iterationIndex"),
        count=_int(get("count"), path + ".count"),
        items=_list(get("items"), path + ".items"),
        extra=extra,
    )


def parse_flow(data: Any, path: str = "flow", ctx: _Ctx | None = None) -> list[FlowNode]:
    """Parse a ``flow`` list (of a job's metadata or a workflow definition)."""
    ctx = ctx or _Ctx()
    items = _list(data, path)
    if not FAST:
        return [_node(item, f"{path}[{i}]", ctx) for i, item in enumerate(items)]
    out: list[FlowNode] = []
    append = out.append
    fast = _fast_node
    seen = ctx._seen
    for i, item in enumerate(items):
        try:
            append(fast(item, seen))
        except _Slow:
            append(_node(item, f"{path}[{i}]", ctx))
    return out


# -- the fast path --------------------------------------------------------------------------------
#: Set to False to parse every node on the path-tracking parser (parity checks, benchmarks).
FAST = True


class _Slow(Exception):
    """The fast path cannot take this node as it is: parse it on the path-tracking parser."""


_SLOW = _Slow()

# The fast path passes fields by position: make sure the model still has them in that order.
_POSITIONAL: dict[type[Any], tuple[str, ...]] = {
    Ref: ("node", "name", "conditional", "equal", "extra"),
    Input: ("name", "type", "value", "ref", "items", "required", "default", "attrs", "extra"),
    Asset: ("asset_id", "url", "extra"),
    Case: ("condition", "value", "extra"),
    Logic: ("cases", "default", "transform", "extra"),
    FlowNode: (
        "id",
        "type",
        "status",
        "inputs",
        "depends_on",
        "job_id",
        "assets",
        "output",
        "model_id",
        "workflow_id",
        "include_outputs_in_workflow_job",
        "logic",
        "logic_type",
        "loop_body_node_ids",
        "loop_node_id",
        "iteration_index",
        "count",
        "items",
        "extra",
    ),
    StatusChange: ("status", "date", "extra"),
    Billing: ("cu_cost", "cu_discount", "cu_cost_details", "disable_refund", "extra"),
    Metadata: (
        "flow",
        "error",
        "hint",
        "workflow_id",
        "workflow_job_id",
        "asset_ids",
        "input",
        "output",
        "output_model_id",
        "extra",
    ),
    Job: (
        "job_id",
        "job_type",
        "status",
        "progress",
        "created_at",
        "updated_at",
        "status_history",
        "metadata",
        "billing",
        "author_id",
        "owner_id",
        "extra",
        "node_jobs",
        "not_loaded",
        "definition",
        "unknowns",
    ),
}
for _cls, _names in _POSITIONAL.items():
    if tuple(f.name for f in fields(_cls)) != _names:  # pragma: no cover - a model change
        raise ImportError(f"flowgraph.parse: update _fast_* for the fields of {_cls.__name__}")


def _wire(table: dict[str, str]) -> dict[str, str]:
    """Both spellings of each key of ``table`` -> the camelCase (wire) spelling."""
    camel: dict[str, str] = {}
    for key, attr in table.items():
        if key != attr:
            camel.setdefault(attr, key)  # the first spelling of each: the camelCase one
    return {key: camel.get(attr, attr) for key, attr in table.items()}


_NODE_WIRE = _wire(_NODE)
_NODE_KEYS = frozenset(v for v in _NODE_WIRE.values())
_INPUT_ATTR_KEYS = frozenset(_INPUT_ATTRS)
_REF_KEYS = frozenset(_REF)
_ASSET_WIRE = _wire(_ASSET)
_ASSET_KEYS = frozenset(_ASSET_WIRE.values())
_LOGIC_KEYS = frozenset(_LOGIC)
_CASE_KEYS = frozenset(_CASE)
_JOB_KEYS = frozenset(_wire(_JOB).values())
_META_KEYS = frozenset(_wire(_META).values())
_BILLING_KEYS = frozenset(_wire(_BILLING).values())
_HISTORY_KEYS = frozenset(_HISTORY)


def _fields(
    data: dict[str, Any], wire: dict[str, str], kind: str, seen: set[tuple[str, str]]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``data`` under wire keys, and its unknown fields: those already reported only."""
    known: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, value in data.items():
        name = wire.get(key)
        if name is not None:
            known[name] = value
        elif (kind, key) in seen:
            extra[key] = value
        else:
            raise _SLOW
    return known, extra


def _fast_strs(value: Any) -> list[str]:
    if value is None:
        return []
    if type(value) is not list:
        raise _SLOW
    for item in value:
        if type(item) is not str:
            raise _SLOW
    return value


def _fast_input(data: Any, seen: set[tuple[str, str]], level: int = 0) -> Input:
    if type(data) is not dict:
        raise _SLOW
    # what is left once the fields are popped: the UI attributes (and unknown fields), in order
    attrs = dict(data)
    pop = attrs.pop
    name = pop("name", None)
    kind = pop("type", None)
    value = pop("value", None)
    ref = pop("ref", None)
    items_raw = pop("items", None)
    required = pop("required", None)
    default = pop("default", None)
    extra: dict[str, Any] = {}
    if attrs and not attrs.keys() <= _INPUT_ATTR_KEYS:
        for key in [k for k in attrs if k not in _INPUT_ATTR_KEYS]:
            if ("input", key) not in seen:
                raise _SLOW
            extra[key] = pop(key)
    if type(name) is not str:
        if name is not None:
            raise _SLOW
        name = ""
    if kind is not None and type(kind) is not str:
        raise _SLOW
    if ref is not None:
        # most inputs have a ref: parsed here rather than in a function of its own
        if type(ref) is not dict:
            raise _SLOW
        if ref.keys() <= _REF_KEYS:
            rextra: dict[str, Any] = {}
        else:
            ref, rextra = _fields(ref, _REF, "ref", seen)
        rget = ref.get
        node = rget("node")
        rname = rget("name")
        conditional = rget("conditional")
        equal = rget("equal")
        if (
            (node is not None and type(node) is not str)
            or (rname is not None and type(rname) is not str)
            or type(equal) is list
            or type(equal) is dict
        ):
            raise _SLOW
        ref = Ref(
            node,
            rname,
            [] if conditional is None else _fast_strs(conditional),
            equal,
            rextra,
        )
    items: list[list[Input]] = []
    if items_raw is not None:
        if type(items_raw) is not list or level >= MAX_NESTING:
            raise _SLOW
        for item in items_raw:
            if type(item) is not list:
                raise _SLOW
            items.append([_fast_input(sub, seen, level + 1) for sub in item])
    if required is not None and type(required) is not dict:
        raise _SLOW
    return Input(name, kind, value, ref, items, required, default, attrs, extra)


def _fast_asset(data: Any, seen: set[tuple[str, str]]) -> Asset:
    if type(data) is not dict:
        raise _SLOW
    if data.keys() <= _ASSET_KEYS:
        extra: dict[str, Any] = {}
    else:
        data, extra = _fields(data, _ASSET_WIRE, "asset", seen)
    asset_id = data.get("assetId")
    url = data.get("url")
    if (asset_id is not None and type(asset_id) is not str) or (
        url is not None and type(url) is not str
    ):
        raise _SLOW
    return Asset(asset_id, url, extra)


def _fast_logic(data: Any, seen: set[tuple[str, str]]) -> Logic:
    if type(data) is not dict:
        raise _SLOW
    if data.keys() <= _LOGIC_KEYS:
        extra: dict[str, Any] = {}
    else:
        data, extra = _fields(data, _LOGIC, "logic", seen)
    cases = []
    raw_cases = data.get("cases")
    if raw_cases is not None:
        if type(raw_cases) is not list:
            raise _SLOW
        for raw in raw_cases:
            if type(raw) is not dict:
                raise _SLOW
            if raw.keys() <= _CASE_KEYS:
                cextra: dict[str, Any] = {}
            else:
                raw, cextra = _fields(raw, _CASE, "case", seen)
            condition = raw.get("condition")
            value = raw.get("value")
            if (condition is not None and type(condition) is not str) or _unusual(value):
                raise _SLOW
            cases.append(Case(condition, value, cextra))
    transform = data.get("transform")
    default = data.get("default")
    if (transform is not None and type(transform) is not str) or _unusual(default):
        raise _SLOW
    return Logic(cases, default, transform, extra)


def _unusual(value: Any) -> bool:
    """A branch value the path-tracking parser must check for its nesting (a list, an object)."""
    kind = type(value)
    return kind is list or kind is dict


def _fast_node(data: Any, seen: set[tuple[str, str]]) -> FlowNode:
    """One flow node without JSON paths; raises :class:`_Slow` on anything unusual."""
    if type(data) is not dict:
        raise _SLOW
    if data.keys() <= _NODE_KEYS:
        extra: dict[str, Any] = {}
    else:
        data, extra = _fields(data, _NODE_WIRE, "flow node", seen)
    get = data.get
    node_id = get("id")
    kind = get("type")
    status = get("status")
    job_id = get("jobId")
    model_id = get("modelId")
    workflow_id = get("workflowId")
    logic_type = get("logicType")
    loop_node_id = get("loopNodeId")
    if (
        type(node_id) is not str
        or (kind is not None and type(kind) is not str)
        or (status is not None and type(status) is not str)
        or (job_id is not None and type(job_id) is not str)
        or (model_id is not None and type(model_id) is not str)
        or (workflow_id is not None and type(workflow_id) is not str)
        or (logic_type is not None and type(logic_type) is not str)
        or (loop_node_id is not None and type(loop_node_id) is not str)
    ):
        raise _SLOW
    inputs_raw = get("inputs")
    if inputs_raw:
        if type(inputs_raw) is not list:
            raise _SLOW
        inputs = [_fast_input(x, seen) for x in inputs_raw]
    else:
        inputs = []
    assets_raw = get("assets")
    if assets_raw:
        if type(assets_raw) is not list:
            raise _SLOW
        assets = [_fast_asset(x, seen) for x in assets_raw]
    else:
        assets = []
    include = get("includeOutputsInWorkflowJob")
    iteration = get("iterationIndex")
    count = get("count")
    items = get("items")
    if (
        (include is not None and type(include) is not bool)
        or (iteration is not None and type(iteration) is not int)
        or (count is not None and type(count) is not int)
        or (items is not None and type(items) is not list)
    ):
        raise _SLOW
    logic = get("logic")
    depends_on = get("dependsOn")
    body = get("loopBodyNodeIds")
    return FlowNode(
        node_id,
        kind,
        status,
        inputs,
        [] if depends_on is None else _fast_strs(depends_on),
        job_id,
        assets,
        get("output"),
        model_id,
        workflow_id,
        include,
        None if logic is None else _fast_logic(logic, seen),
        logic_type,
        [] if body is None else _fast_strs(body),
        loop_node_id,
        iteration,
        count,
        [] if items is None else items,
        extra,
    )


def _history(data: Any, path: str, ctx: _Ctx) -> list[StatusChange]:
    out = []
    for i, raw in enumerate(_list(data, path)):
        hpath = f"{path}[{i}]"
        f, extra = _split(_obj(raw, hpath), _HISTORY, "status history entry", hpath, ctx)
        out.append(
            StatusChange(
                status=_str(f.get("status"), hpath + ".status"),
                date=_str(f.get("date"), hpath + ".date"),
                extra=extra,
            )
        )
    return out


def _billing(data: Any, path: str, ctx: _Ctx) -> Billing | None:
    if data is None:
        return None
    f, extra = _split(_obj(data, path), _BILLING, "billing", path, ctx)
    return Billing(
        cu_cost=_num(f.get("cu_cost"), path + ".cuCost"),
        cu_discount=_num(f.get("cu_discount"), path + ".cuDiscount"),
        cu_cost_details=f.get("cu_cost_details"),
        disable_refund=_bool(f.get("disable_refund"), path + ".disableRefund"),
        extra=extra,
    )


def _metadata(data: Any, path: str, ctx: _Ctx) -> Metadata:
    f, extra = _split(_obj(data, path), _META, "metadata", path, ctx)
    get = f.get
    inp, out = get("input"), get("output")
    return Metadata(
        flow=parse_flow(get("flow"), path + ".flow", ctx),
        error=_str(get("error"), path + ".error"),
        hint=_str(get("hint"), path + ".hint"),
        workflow_id=_str(get("workflow_id"), path + ".workflowId"),
        workflow_job_id=_str(get("workflow_job_id"), path + ".workflowJobId"),
        asset_ids=_str_list(get("asset_ids"), path + ".assetIds"),
        input=_obj(inp, path + ".input") if inp is not None else None,
        output=_obj(out, path + ".output") if out is not None else None,
        output_model_id=_str(get("output_model_id"), path + ".outputModelId"),
        extra=extra,
    )


def parse_job(data: Any, path: str = "job") -> Job:
    """Parse one job object (not an envelope) into a :class:`Job`."""
    ctx = _Ctx()
    f, extra = _split(_obj(data, path), _JOB, "job", path, ctx)
    get = f.get
    job_id = get("job_id")
    if type(job_id) is not str or not job_id:
        if job_id is None:
            raise PayloadError(path + ".jobId", "missing: a job needs its jobId")
        raise _fail(path + ".jobId", "a non-empty string", job_id)
    job = Job(
        job_id=job_id,
        job_type=_str(get("job_type"), path + ".jobType"),
        status=_str(get("status"), path + ".status"),
        progress=_num(get("progress"), path + ".progress"),
        created_at=_str(get("created_at"), path + ".createdAt"),
        updated_at=_str(get("updated_at"), path + ".updatedAt"),
        status_history=_history(get("status_history"), path + ".statusHistory", ctx),
        metadata=_metadata(get("metadata"), path + ".metadata", ctx),
        billing=_billing(get("billing"), path + ".billing", ctx),
        author_id=_str(get("author_id"), path + ".authorId"),
        owner_id=_str(get("owner_id"), path + ".ownerId"),
        extra=extra,
    )
    job.unknowns = ctx.unknowns
    return job


def quick_job(data: Any) -> Job | None:
    """``parse_job(data)`` for a job without a flow (a node's own job in a bundle), without
    JSON paths; None when the path-tracking :func:`parse_job` must take it (a flow, a wrong
    shape, an unknown field, snake_case keys...)."""
    if not FAST:
        return None
    try:
        return _fast_job(data)
    except _Slow:
        return None


def _finite(value: Any) -> bool:
    """A finite float (ints are checked apart)."""
    return type(value) is float and value - value == 0.0


def _fast_job(data: Any) -> Job:
    if type(data) is not dict or not data.keys() <= _JOB_KEYS:
        raise _SLOW
    get = data.get
    job_id = get("jobId")
    job_type = get("jobType")
    status = get("status")
    created = get("createdAt")
    updated = get("updatedAt")
    author = get("authorId")
    owner = get("ownerId")
    progress = get("progress")
    if (
        type(job_id) is not str
        or not job_id
        or (job_type is not None and type(job_type) is not str)
        or (status is not None and type(status) is not str)
        or (created is not None and type(created) is not str)
        or (updated is not None and type(updated) is not str)
        or (author is not None and type(author) is not str)
        or (owner is not None and type(owner) is not str)
        or (progress is not None and type(progress) is not int and not _finite(progress))
    ):
        raise _SLOW
    history: list[StatusChange] = []
    raw_history = get("statusHistory")
    if raw_history is not None:
        if type(raw_history) is not list:
            raise _SLOW
        for entry in raw_history:
            if type(entry) is not dict or not entry.keys() <= _HISTORY_KEYS:
                raise _SLOW
            change_status = entry.get("status")
            date = entry.get("date")
            if (change_status is not None and type(change_status) is not str) or (
                date is not None and type(date) is not str
            ):
                raise _SLOW
            history.append(StatusChange(change_status, date, {}))
    meta = get("metadata")
    if meta is None:
        meta = {}
    elif type(meta) is not dict or not meta.keys() <= _META_KEYS or meta.get("flow") is not None:
        raise _SLOW  # a flow: the path-tracking parser (its nodes still take the fast path)
    mget = meta.get
    texts = (
        mget("error"),
        mget("hint"),
        mget("workflowId"),
        mget("workflowJobId"),
        mget("outputModelId"),
    )
    for text in texts:
        if text is not None and type(text) is not str:
            raise _SLOW
    asset_ids = mget("assetIds")
    inp = mget("input")
    out = mget("output")
    if (inp is not None and type(inp) is not dict) or (out is not None and type(out) is not dict):
        raise _SLOW
    metadata = Metadata(
        [],
        texts[0],
        texts[1],
        texts[2],
        texts[3],
        [] if asset_ids is None else _fast_strs(asset_ids),
        inp,
        out,
        texts[4],
        {},
    )
    billing = get("billing")
    if billing is not None:
        if type(billing) is not dict or not billing.keys() <= _BILLING_KEYS:
            raise _SLOW
        cost = billing.get("cuCost")
        discount = billing.get("cuDiscount")
        refund = billing.get("disableRefund")
        if (
            (cost is not None and type(cost) is not int and not _finite(cost))
            or (discount is not None and type(discount) is not int and not _finite(discount))
            or (refund is not None and type(refund) is not bool)
        ):
            raise _SLOW
        billing = Billing(cost, discount, billing.get("cuCostDetails"), refund, {})
    return Job(
        job_id,
        job_type,
        status,
        progress,
        created,
        updated,
        history,
        metadata,
        billing,
        author,
        owner,
        {},
        {},
        {},
        False,
        [],
    )
