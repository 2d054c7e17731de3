"""Strict-about-shape parsing of job JSON (already decoded) into the typed model.

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

The path-tracking parser: what the typed decoder (:func:`flowgraph.model.decode_run`, msgspec
decoding bytes straight into the model's Structs) refuses comes here, already decoded to dicts
and lists: unknown fields, snake_case keys, nulls where lists go, wrong types, workflow
definitions, and dicts or SDK objects handed to :func:`flowgraph.load`. It builds the same Struct
classes, with ``extra`` and ``Job.unknowns`` filled in, and its ``PayloadError`` messages are the
ones users see. ``tests/test_typed_decode.py`` checks both give the same objects wherever the
typed decoder accepts a payload. On plain JSON data (``plain``), each flow node and node job
goes to ``msgspec.convert`` first (a node's own unknown fields taken out and noted as here), and
to the path-tracking code only when msgspec refuses it: an unknown field on every node costs
little more than a run without.

Over 400 lines for one job: one reader per class of the model, each naming the JSON path of
what it refuses; splitting them apart would only scatter one model's rules.

>>> job = parse_job({"jobId": "job_1", "metadata": {"flow": [{"id": "a", "type": "model"}]}})
>>> job.flow[0].type
'model'
>>> parse_job({"jobId": "job_1", "metadata": {"flow": [{"id": 12}]}})
Traceback (most recent call last):
...
flowgraph.errors.PayloadError: job.metadata.flow[0].id: expected a string, got 12
"""

from __future__ import annotations

import json
import re
from typing import Any

from ._collector import gc_paused
from .config import MAX_NESTING
from .errors import PayloadError
from .model import (
    INPUT_ATTRS,
    NODE_KEYS,
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
    convert_node,
)

__all__ = ["MAX_NESTING", "describe", "gc_paused", "parse_flow", "parse_job"]


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
_INPUT_ATTRS = _keys(*INPUT_ATTRS)  # the model's list: one place to add an attribute
_INPUT_ATTRS["api_model_types"] = "model_types"  # the SDK's model_dump()
_REF = _keys("node", "name", "conditional", "equal")
_LOGIC = _keys("cases", "default", "transform")
_CASE = _keys("condition", "value")
_ASSET = _keys("assetId", "url")
_BILLING = _keys("cuCost", "cuDiscount", "cuCostDetails", "disableRefund")
_HISTORY = _keys("status", "date")


class _Ctx:
    """What one parse collects besides the objects: unknown fields, each reported once."""

    __slots__ = ("_seen", "plain", "unknowns")

    def __init__(self, plain: bool = False) -> None:
        self.unknowns: list[tuple[str, str]] = []
        self._seen: set[tuple[str, str]] = set()
        #: The data is plain JSON (exact types, no hidden wire name): msgspec may read a node.
        self.plain = plain

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
    extra: dict[str, Any] = {}
    for key, value in data.items():
        attr = _INPUT.get(key) or _INPUT_ATTRS.get(key)
        if attr is not None:
            known[attr] = value  # a UI attribute: a field too, kept as received
        else:
            extra[key] = value
            ctx.unknown("input", key, path)
    get = known.pop
    items_raw = get("items", None)
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
    required = get("required", None)
    if required is not None:
        required = _obj(required, path + ".required")
    name = _str(get("name", None), path + ".name")
    kind = _str(get("type", None), path + ".type")
    ref = get("ref", None)
    return Input(
        name=name if name is not None else "",
        type=kind,
        value=get("value", None),
        ref=_ref(ref, path + ".ref", ctx) if ref is not None else None,
        items=items,
        required=required,
        default=get("default", None),
        extra=extra,
        **known,
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
    """Parse a ``flow`` list (of a job's metadata or a workflow definition).

    On plain JSON data each node goes to msgspec first (:func:`_quick_node`), the path-tracking
    :func:`_node` when msgspec refuses it: both build the same node."""
    ctx = ctx or _Ctx()
    items = _list(data, path)
    if not ctx.plain:
        return [_node(item, f"{path}[{i}]", ctx) for i, item in enumerate(items)]
    out: list[FlowNode] = []
    for i, item in enumerate(items):
        node = _quick_node(item, path, i, ctx)
        out.append(node if node is not None else _node(item, f"{path}[{i}]", ctx))
    return out


def _quick_node(data: Any, path: str, i: int, ctx: _Ctx) -> FlowNode | None:
    """The flow node ``data`` read by ``msgspec.convert``, its own unknown fields in ``extra``
    and noted as :func:`_node` notes them; None when msgspec refuses the rest (a snake_case key,
    an unknown field further in, a wrong type: :func:`_node` then says what and where)."""
    if type(data) is not dict:
        return None
    unknown = data.keys() - NODE_KEYS
    extra: dict[str, Any] = {}
    if unknown:
        if not unknown.isdisjoint(_NODE):  # a snake_case spelling of a field
            return None
        extra = {k: v for k, v in data.items() if k in unknown}
        data = {k: v for k, v in data.items() if k not in unknown}
    node = convert_node(data)
    if node is None:
        return None
    if extra:
        where = f"{path}[{i}]"
        for key in extra:
            ctx.unknown("flow node", key, where)
        node.extra = extra
    return node


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


def parse_job(data: Any, path: str = "job", *, plain: bool = False) -> Job:
    """Parse one job object (not an envelope) into a :class:`Job`.

    ``plain``: ``data`` is plain JSON data (as :func:`flowgraph.decode.scan` says, or decoded
    from text that does not spell the hidden wire names): its flow nodes go to msgspec first.
    """
    ctx = _Ctx(plain)
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
