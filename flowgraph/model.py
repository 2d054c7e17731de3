"""The typed model of a Scenario job: msgspec Structs with camelCase JSON on the wire.

The classes are ``msgspec.Struct`` types (``rename="camel"``, ``omit_defaults``):
:func:`flowgraph.load` decodes a run's bytes straight into them with a typed decoder
(:func:`decode_run`; :func:`convert_run` for a dict), and what that decoder refuses (unknown
fields, snake_case keys, nulls where lists go, wrong types) is built into the same classes by the
path-tracking parser (``flowgraph/parse.py``), which keeps unknown fields in ``extra`` and names
the JSON path of a wrong value. Enumerations (statuses, types) are plain strings: values from a
newer API are kept as they are.

>>> node = FlowNode(id="upscale", type="model", status="pending", model_id="upscaler-v2")
>>> node.to_dict()["modelId"]
'upscaler-v2'
>>> FlowNode.from_dict(node.to_dict()) == node
True
>>> Job(job_id="job_1", job_type="workflow", status="in-progress").to_wire()["jobId"]
'job_1'
>>> Job.from_json('{"jobId": "job_1", "metadata": {"flow": [{"id": "a"}]}}').flow[0].id
'a'

``to_dict``/``to_json``/``from_dict``/``from_json`` are the interface dataclasses-json gave these
classes before (camelCase keys): ``to_dict`` is :meth:`~_Wire.to_wire`; ``from_dict`` is
``msgspec.convert`` (strict: an unknown field or a wrong type raises ``msgspec.ValidationError``;
:func:`flowgraph.load` is the forgiving reader). An input's UI attributes (``label``,
``description``, ``min``, ...) are fields of :class:`Input`; ``Input.attrs`` lists those set.

``extra`` and a job's bookkeeping (``node_jobs``, ``not_loaded``, ``definition``, ``unknowns``)
are not on the wire: their wire names start with U+2063 (an invisible separator no real key
holds), and :func:`decode_run` leaves any text holding that character to the
path-tracking parser, so no payload can set them.

``to_wire``, ``to_bundle`` and :func:`canonical_json` never recurse: a value nested as deep as
a dict can be (an input value 100,000 lists deep, sub-workflows inside sub-workflows) is
written out.

Over 400 lines for one job: the model's ten classes (an input's 25 UI attributes are fields),
their wire writer, :func:`canonical_json` and the typed decoder, which must change together.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, TypeVar

import msgspec

from .config import MAX_NESTING

__all__ = [
    "Asset",
    "Billing",
    "Case",
    "FlowNode",
    "Input",
    "Job",
    "Logic",
    "Metadata",
    "Ref",
    "StatusChange",
    "canonical_json",
    "convert_job",
    "convert_node",
    "convert_run",
    "decode_run",
    "replace",
    "spells_hidden",
]

#: The first character of the wire names of the fields that are not on the wire.
HIDDEN = "\u2063"
#: Fields that are not on the wire (``extra`` and a Job's bookkeeping).
_NOT_FIELDS = frozenset(("extra", "node_jobs", "not_loaded", "definition", "unknowns"))

S = TypeVar("S", bound="_Wire")


def _camel(name: str) -> str:
    """``asset_id`` -> ``assetId``; the SDK's ``api_model_types`` -> ``modelTypes``."""
    if name.startswith("api_model_"):
        name = name[4:]
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _wire_name(name: str) -> str:
    return HIDDEN + name if name in _NOT_FIELDS else _camel(name)


def _read_only(*_: Any, **__: Any) -> Any:
    raise TypeError(
        "an absent list or dict of a flowgraph model object is shared and read only: "
        "give the object a new one (flowgraph.model.replace(obj, field=[...]))"
    )


class _NoItems(list):  # type: ignore[type-arg]
    """The one empty list of every absent list field of a flow node, input and ref: a run has
    hundreds of thousands of them, and a list each cost ~56 bytes and a third of the decoding
    (msgspec copies an empty ``list`` default for each object; it shares any other value). It
    is a ``list``, equal to ``[]``, pickled as itself; it refuses to change."""

    __slots__ = ()
    append = extend = insert = remove = pop = clear = sort = reverse = _read_only
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _read_only

    def __reduce__(self) -> tuple[Any, ...]:
        return (_no_items, ())


class _NoExtra(dict):  # type: ignore[type-arg]
    """The one empty ``extra`` of the objects that have no unknown field (most): as
    :class:`_NoItems`, for dicts."""

    __slots__ = ()
    __setitem__ = __delitem__ = __ior__ = _read_only
    clear = pop = popitem = setdefault = update = _read_only

    def __reduce__(self) -> tuple[Any, ...]:
        return (_no_extra, ())


NO_ITEMS: list[Any] = _NoItems()
NO_EXTRA: dict[str, Any] = _NoExtra()


def _no_items() -> list[Any]:
    return NO_ITEMS


def _no_extra() -> dict[str, Any]:
    return NO_EXTRA


#: A branch value (``ref.equal``, a case's ``value``, ``logic.default``) as the typed decoder
#: takes it: a scalar. A list or an object (whose nesting the parser checks) goes to the parser.
Branch = str | int | float | bool | None
#: A number the API sends (``progress``, ``cuCost``): an int stays an int.
Number = int | float | None


class _Wire(
    msgspec.Struct, rename=_wire_name, omit_defaults=True, forbid_unknown_fields=True, gc=False
):
    """camelCase on the wire; ``to_wire`` drops empty fields and puts the ``extra`` keys back.

    ``gc=False``: the cyclic collector does not track the objects (a large run holds a million
    of them); nothing in the model refers back to its owner.
    """

    def to_wire(self) -> dict[str, Any]:
        """The JSON-ready dict the API would send (what :func:`flowgraph.load` reads back).

        Fields that are None or empty are left out (an input's UI attributes: only when None);
        every object's ``extra`` goes back beside the fields; values (input values, outputs,
        unknown fields) are copied as they are.

        >>> Input(name="n", label="L", model_types=["sd"], extra={"x": 1}).to_wire()
        {'name': 'n', 'label': 'L', 'modelTypes': ['sd'], 'x': 1}
        """
        wire: dict[str, Any] = _to_wire(self)
        return wire

    def to_dict(self) -> dict[str, Any]:
        """:meth:`to_wire` (camelCase keys), the name dataclasses-json gave it."""
        return self.to_wire()

    def to_json(self, **kwargs: Any) -> str:
        """:meth:`to_dict` as JSON text (``kwargs`` go to ``json.dumps``)."""
        return json.dumps(self.to_wire(), **kwargs)

    @classmethod
    def from_dict(cls: type[S], data: dict[str, Any]) -> S:
        """An object of this class from camelCase ``data`` (``msgspec.convert``: strict)."""
        return msgspec.convert(data, cls)

    @classmethod
    def from_json(cls: type[S], text: str | bytes) -> S:
        """An object of this class from camelCase JSON ``text`` (strict, as :meth:`from_dict`)."""
        return msgspec.json.decode(text, type=cls)


def replace(obj: S, **changes: Any) -> S:
    """A copy of the model object ``obj`` with ``changes`` (``dataclasses.replace`` for these).

    >>> replace(Ref(node="a"), name="image")
    Ref(node='a', name='image', conditional=[], equal=None, extra={})
    """
    return msgspec.structs.replace(obj, **changes)


_FIELDS: dict[type[Any], list[tuple[str, str, bool]]] = {}
#: Fields written even when empty: an input's UI attributes (only None is left out).
_KEEP_EMPTY: dict[type[Any], frozenset[str]] = {}


def _wire_fields(cls: type[Any]) -> list[tuple[str, str, bool]]:
    """(attribute, wire key, whether empty containers are written) of each wire field."""
    known = _FIELDS.get(cls)
    if known is None:
        attrs = _KEEP_EMPTY.get(cls, frozenset())
        known = [
            (name, _camel(name), name in attrs)
            for name in cls.__struct_fields__
            if name not in _NOT_FIELDS
        ]
        _FIELDS[cls] = known
    return known


def _to_wire(value: Any) -> Any:
    """``value`` as JSON-ready data: model objects as wire dicts, containers copied. Iterative."""
    holder: list[Any] = [None]
    stack: list[tuple[Any, Any, Any]] = [(value, holder, 0)]
    while stack:
        item, into, slot = stack.pop()
        if isinstance(item, _Wire):
            out: dict[str, Any] = {}
            for name, key, keep_empty in _wire_fields(type(item)):
                v = getattr(item, name)
                if v is None or (not keep_empty and isinstance(v, (list, dict)) and not v):
                    continue
                out[key] = None  # the key's place, filled when its value is met
                stack.append((v, out, key))
            extra: dict[str, Any] = getattr(item, "extra", None) or {}
            for key, v in extra.items():
                if key not in out:
                    out[key] = None
                    stack.append((v, out, key))
            item = out
        elif isinstance(item, dict):
            copy: dict[Any, Any] = dict.fromkeys(item)
            stack.extend((v, copy, k) for k, v in item.items())
            item = copy
        elif isinstance(item, (list, tuple)):
            items: list[Any] = [None] * len(item)
            stack.extend((v, items, i) for i, v in enumerate(item))
            item = items
        into[slot] = item
    return holder[0]


class _Text:
    """A piece of JSON text already written (between the values :func:`canonical_json` walks)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


def canonical_json(value: Any) -> str:
    """``value`` (wire data: dicts, lists, scalars) as compact JSON with sorted keys, like
    ``json.dumps(value, sort_keys=True, separators=(",", ":"))`` but at any depth, and with
    anything JSON cannot say written as its ``repr`` (a stable text to sort or compare by).

    >>> canonical_json({"b": [1, {"d": None, "c": 2.5}], "a": "x"})
    '{"a":"x","b":[1,{"c":2.5,"d":null}]}'
    """
    parts: list[str] = []
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, _Text):
            parts.append(item.text)
        elif isinstance(item, dict):
            seq: list[Any] = []
            for i, key in enumerate(sorted(item, key=str)):
                seq.append(_Text(("," if i else "") + json.dumps(str(key)) + ":"))
                seq.append(item[key])
            stack.append(_Text("}"))
            stack.extend(reversed(seq))
            parts.append("{")
        elif isinstance(item, (list, tuple)):
            seq = []
            for i, v in enumerate(item):
                if i:
                    seq.append(_Text(","))
                seq.append(v)
            stack.append(_Text("]"))
            stack.extend(reversed(seq))
            parts.append("[")
        elif item is None or isinstance(item, (str, int, float, bool)):
            parts.append(json.dumps(item))
        else:
            parts.append(json.dumps(repr(item)))
    return "".join(parts)


class Ref(_Wire):
    """Where an input's value comes from: a node's output, a workflow input, a branch."""

    node: str | None = None
    name: str | None = None
    conditional: list[str] = NO_ITEMS
    equal: Branch = None
    extra: dict[str, Any] = NO_EXTRA


#: The documented UI attributes of an input (wire names), fields of :class:`Input`.
INPUT_ATTRS = (
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


class Input(_Wire):
    """One input of a flow node: a literal ``value``, a ``ref``, or ``items`` of sub-inputs.

    The documented UI attributes (``label``, ``hint``, ``min``, ``max``, ...) are fields, kept
    as received (None: absent); :attr:`attrs` lists those set.
    """

    name: str = ""
    type: str | None = None
    value: Any = None
    ref: Ref | None = None
    items: list[list[Input]] = NO_ITEMS
    required: dict[str, Any] | None = None
    default: Any = None
    allowed_values: Any = None
    background_behavior: Any = None
    color: Any = None
    cost_impact: Any = None
    description: Any = None
    group: Any = None
    hint: Any = None
    inputs: Any = None
    kind: Any = None
    label: Any = None
    mask_from: Any = None
    max: Any = None
    max_length: Any = None
    max_size: Any = None
    min: Any = None
    min_length: Any = None
    model_types: Any = None
    parent: Any = None
    placeholder: Any = None
    prompt: Any = None
    prompt_spark: Any = None
    step: Any = None
    min_duration: Any = None
    max_duration: Any = None
    id: Any = None
    extra: dict[str, Any] = NO_EXTRA

    @property
    def is_required(self) -> bool:
        """True when ``required.always`` is set."""
        return bool(self.required and self.required.get("always") is True)

    @property
    def attrs(self) -> dict[str, Any]:
        """The UI attributes that are set, by wire name.

        >>> Input(name="n", label="L", min=0).attrs
        {'label': 'L', 'min': 0}
        """
        out: dict[str, Any] = {}
        for name, key in _ATTR_NAMES:
            value = getattr(self, name)
            if value is not None:
                out[key] = value
        return out


#: (attribute, wire name) of each UI attribute of an input.
_ATTR_NAMES = tuple(
    (name, _camel(name)) for name in Input.__struct_fields__ if _camel(name) in INPUT_ATTRS
)
if len(_ATTR_NAMES) != len(INPUT_ATTRS):  # pragma: no cover - a model change
    raise ImportError("flowgraph.model: Input misses a UI attribute")
_KEEP_EMPTY[Input] = frozenset(name for name, _ in _ATTR_NAMES)


class Case(_Wire):
    """One case of an if/else node."""

    condition: str | None = None
    value: Branch = None
    extra: dict[str, Any] = NO_EXTRA


class Logic(_Wire):
    """The logic of an if/else (``cases``/``default``) or transform (``transform``) node."""

    cases: list[Case] = NO_ITEMS
    default: Branch = None
    transform: str | None = None
    extra: dict[str, Any] = NO_EXTRA


class Asset(_Wire):
    """An asset a node produced."""

    asset_id: str | None = None
    url: str | None = None
    extra: dict[str, Any] = NO_EXTRA


class FlowNode(_Wire):
    """One entry of ``metadata.flow``: a step of the workflow, a loop copy, or a template."""

    id: str
    type: str | None = None
    status: str | None = None
    inputs: list[Input] = NO_ITEMS
    depends_on: list[str] = NO_ITEMS
    job_id: str | None = None
    assets: list[Asset] = NO_ITEMS
    output: Any = None
    model_id: str | None = None
    workflow_id: str | None = None
    include_outputs_in_workflow_job: bool | None = None
    logic: Logic | None = None
    logic_type: str | None = None
    loop_body_node_ids: list[str] = NO_ITEMS
    loop_node_id: str | None = None
    iteration_index: int | None = None
    count: int | None = None
    items: list[Any] = NO_ITEMS
    extra: dict[str, Any] = NO_EXTRA


class StatusChange(_Wire):
    """One entry of a job's ``statusHistory``."""

    status: str | None = None
    date: str | None = None
    extra: dict[str, Any] = NO_EXTRA


class Billing(_Wire):
    """What a job cost in compute units."""

    cu_cost: Number = None
    cu_discount: Number = None
    cu_cost_details: Any = None
    disable_refund: bool | None = None
    extra: dict[str, Any] = msgspec.field(default_factory=dict)


class Metadata(_Wire):
    """A job's metadata: the ``flow`` of a workflow run, errors, hints, links to the parent."""

    flow: list[FlowNode] = msgspec.field(default_factory=list)
    error: str | None = None
    hint: str | None = None
    workflow_id: str | None = None
    workflow_job_id: str | None = None
    asset_ids: list[str] = msgspec.field(default_factory=list)
    input: dict[str, Any] | None = None
    output: dict[str, Any] | None = None
    output_model_id: str | None = None
    extra: dict[str, Any] = msgspec.field(default_factory=dict)


#: A job id as the typed decoder takes it: a non-empty string.
JobId = Annotated[str, msgspec.Meta(min_length=1)]


class Job(_Wire):
    """A Scenario job; a workflow run is one with ``job_type == "workflow"`` and a flow.

    ``node_jobs`` maps a flow node's ``jobId`` to that node's own job (they give timings and
    cost); ``not_loaded`` says which of them could not be fetched and why. ``definition`` is set
    when the job was made from a workflow definition (``GET /workflows/{id}``): no statuses.
    """

    job_id: JobId
    job_type: str | None = None
    status: str | None = None
    progress: Number = None
    created_at: str | None = None
    updated_at: str | None = None
    status_history: list[StatusChange] = msgspec.field(default_factory=list)
    metadata: Metadata = msgspec.field(default_factory=Metadata)
    billing: Billing | None = None
    author_id: str | None = None
    owner_id: str | None = None
    extra: dict[str, Any] = msgspec.field(default_factory=dict)
    node_jobs: dict[str, Job] = msgspec.field(default_factory=dict)
    not_loaded: dict[str, str] = msgspec.field(default_factory=dict)
    definition: bool = False
    #: Unknown fields and enum values found while loading: (JSON path, what), in order.
    unknowns: list[tuple[str, str]] = msgspec.field(default_factory=list)

    @property
    def flow(self) -> list[FlowNode]:
        """``metadata.flow``."""
        return self.metadata.flow

    def node_job_cost(self, job_id: str | None) -> float | None:
        """What the node job ``job_id`` billed (CU), or None when the bundle does not hold it or
        it says nothing."""
        child = self.node_jobs.get(job_id) if job_id is not None else None
        return child.billing.cu_cost if child is not None and child.billing is not None else None

    def to_bundle(self) -> dict[str, Any]:
        """``{"job": ..., "nodeJobs": {...}}`` (a definition: ``{"workflow": ...}``): what
        ``flowgraph fetch -o`` saves; :func:`flowgraph.load` reads it back. Nested bundles
        (sub-workflows) are written without recursion."""
        if self.definition:
            wire = self.to_wire()
            flow = wire.get("metadata", {}).get("flow", [])
            return {"workflow": {"id": self.job_id, "flow": flow, **_to_wire(self.extra)}}
        root: dict[str, Any] = {}
        todo: list[tuple[Job, dict[str, Any]]] = [(self, root)]
        while todo:
            job, bundle = todo.pop()
            bundle["job"] = job.to_wire()
            if job.node_jobs:
                nodes: dict[str, Any] = {}
                for key, child in sorted(job.node_jobs.items()):
                    if child.definition:
                        nodes[key] = child.to_bundle()
                    else:
                        nodes[key] = {}
                        todo.append((child, nodes[key]))
                bundle["nodeJobs"] = nodes
            if job.not_loaded:
                bundle["notLoaded"] = dict(sorted(job.not_loaded.items()))
        return root


# -- the typed decoder: JSON bytes straight into the model -------------------------------------
class _Bundle(msgspec.Struct, rename="camel", forbid_unknown_fields=True, gc=False):
    """``{"job": ..., "nodeJobs": {...}, "notLoaded": {...}}`` (an API answer is one too)."""

    job: Job
    node_jobs: dict[str, _Bundle] = msgspec.field(default_factory=dict)
    not_loaded: dict[str, str] = msgspec.field(default_factory=dict)


_RUN_TYPES: tuple[type[_Bundle | Job], ...] = (_Bundle, Job)
_RUN_DECODERS = tuple(msgspec.json.Decoder(kind) for kind in _RUN_TYPES)
_HIDDEN_ESCAPED = f"\\u{ord(HIDDEN):04x}"
_HIDDEN_BYTES = HIDDEN.encode()


def spells_hidden(raw: str | bytes) -> bool:
    """Whether ``raw`` may spell the character that starts the hidden fields' wire names.

    One byte is looked for first (``memchr``, 25x faster than a search for several): most runs
    hold neither the character's first UTF-8 byte nor a backslash.

    >>> f = spells_hidden
    >>> f(b'{"a": "\\\\u2063x"}'), f('{"a": "\u2063"}'), f(b'{"a": "\\\\n"}')
    (True, True, False)
    """
    if isinstance(raw, str):
        return HIDDEN in raw or ("\\" in raw and _HIDDEN_ESCAPED in raw)
    return (b"\xe2" in raw and _HIDDEN_BYTES in raw) or (
        b"\\" in raw and _HIDDEN_ESCAPED.encode() in raw
    )


def decode_run(raw: str | bytes) -> Job | None:
    """The job (an envelope, a bundle or a bare job) in the JSON ``raw``, decoded by msgspec
    straight into the model; None when the typed decoder refuses it.

    It takes only what the path-tracking parser (``flowgraph/parse.py``) would build the same
    objects from, with nothing in ``extra`` and nothing to note in ``Job.unknowns``: camelCase
    keys the model knows, lists where lists go (not null), the right types, a non-empty
    ``jobId``, scalar branch values, ``inputs_array`` items nested at most
    :data:`~flowgraph.config.MAX_NESTING` levels, node jobs as bundles. Anything else (unknown
    fields, snake_case keys, a definition, invalid JSON, text holding the character that starts
    the hidden fields' wire names) is None: the caller decodes it to dicts and parses it.

    >>> job = decode_run(b'{"job": {"jobId": "j", "metadata": {"flow": [{"id": "a"}]}}}')
    >>> job.job_id, [node.id for node in job.flow]
    ('j', ['a'])
    >>> decode_run(b'{"jobId": "j", "futureField": 1}') is None
    True
    """
    if spells_hidden(raw):
        return None
    for decoder in _RUN_DECODERS:
        try:
            value = decoder.decode(raw)
        except (msgspec.MsgspecError, UnicodeError, RecursionError):
            continue
        return _assemble(value)
    return None


def convert_run(data: Any) -> Job | None:
    """:func:`decode_run` for data already decoded (a dict handed to :func:`flowgraph.load`):
    ``msgspec.convert`` into the model, None when it refuses. Only for what
    :func:`flowgraph.decode.scan` calls plain (exact JSON types, ASCII keys: no hidden wire
    name, nothing the parser would refuse that msgspec takes, such as a ``str`` subclass) and
    holding nothing to scrub.

    >>> convert_run({"jobId": "j", "metadata": {"flow": [{"id": "a"}]}}).flow[0].id
    'a'
    >>> convert_run({"jobId": "j", "metadata": {"flow": [{"id": "a", "future": 1}]}}) is None
    True
    """
    for kind in _RUN_TYPES:
        try:
            value = msgspec.convert(data, kind)
        except (msgspec.MsgspecError, RecursionError):
            continue
        return _assemble(value)
    return None


def _assemble(value: _Bundle | Job) -> Job | None:
    """The job of a decoded bundle with its node jobs in place; None when the parser must
    take it after all (``inputs_array`` items nested too deep: it names the place)."""
    if isinstance(value, Job):
        return None if _too_deep(value.metadata.flow) else value
    root: Job = value.job
    todo: list[_Bundle] = [value]
    while todo:
        bundle = todo.pop()
        job = bundle.job
        if _too_deep(job.metadata.flow):
            return None
        job.not_loaded = bundle.not_loaded
        # in the order the path-tracking load gives (it pops its stack)
        for key, child in reversed(bundle.node_jobs.items()):
            job.node_jobs[key] = child.job
            todo.append(child)
    return root


def convert_node(data: dict[str, Any]) -> FlowNode | None:
    """:func:`convert_run` for one flow node (the path-tracking parser's first try on each node
    of plain JSON data, its unknown fields taken out); None when msgspec refuses it."""
    try:
        node = msgspec.convert(data, FlowNode)
    except (msgspec.MsgspecError, RecursionError):
        return None
    return None if _too_deep([node]) else node


def convert_job(data: dict[str, Any]) -> Job | None:
    """:func:`convert_run` for one job, not an envelope (a node job of a bundle)."""
    try:
        job = msgspec.convert(data, Job)
    except (msgspec.MsgspecError, RecursionError):
        return None
    return None if _too_deep(job.metadata.flow) else job


#: The wire keys of a flow node (what :func:`convert_node` takes).
NODE_KEYS = frozenset(key for key in FlowNode.__struct_encode_fields__ if key[0] != HIDDEN)


def _too_deep(flow: list[FlowNode]) -> bool:
    """Whether ``inputs_array`` items nest deeper than the parser takes (it names the place)."""
    todo: list[tuple[Input, int]] = [
        (item, 0) for node in flow for item in node.inputs if item.items
    ]
    while todo:
        item, level = todo.pop()
        if level >= MAX_NESTING:
            return True
        todo.extend((sub, level + 1) for row in item.items for sub in row if sub.items)
    return False
