"""The typed model of a Scenario job: dataclasses with camelCase JSON on the wire.

The classes carry dataclasses-json's ``to_dict``/``to_json``/``from_dict`` interface (camelCase
keys). ``from_dict`` is the slow, naive path; :func:`flowgraph.load` builds these objects with
its own fast parser (see ``flowgraph/parse.py``), which also keeps unknown fields in ``extra``.
Enumerations (statuses, types) are plain strings: values from a newer API are kept as they are.

>>> node = FlowNode(id="upscale", type="model", status="pending", model_id="upscaler-v2")
>>> node.to_dict()["modelId"]
'upscaler-v2'
>>> Job(job_id="job_1", job_type="workflow", status="in-progress").to_wire()["jobId"]
'job_1'

``to_wire``, ``to_bundle`` and :func:`canonical_json` never recurse: a value nested as deep as
a dict can be (an input value 100,000 lists deep, sub-workflows inside sub-workflows) is
written out, where dataclasses-json's ``to_dict`` would overflow the stack.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from typing import Any

from dataclasses_json import DataClassJsonMixin, LetterCase, config

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
]

_CAMEL = config(letter_case=LetterCase.CAMEL)["dataclasses_json"]


class _Wire(DataClassJsonMixin):
    """camelCase on the wire; ``to_wire`` drops empty fields and puts ``attrs`` and ``extra``
    keys back."""

    dataclass_json_config = _CAMEL

    def to_wire(self) -> dict[str, Any]:
        """The JSON-ready dict the API would send (what :func:`flowgraph.load` reads back).

        Fields that are None or empty are left out; an input's ``attrs`` and every object's
        ``extra`` go back beside the fields; values (input values, outputs, unknown fields)
        are copied as they are.

        >>> Input(name="n", attrs={"label": "L", "api_model_types": ["sd"]}).to_wire()
        {'name': 'n', 'label': 'L', 'modelTypes': ['sd']}
        """
        wire: dict[str, Any] = _to_wire(self)
        return wire


#: Fields that are not on the wire (a Job's bookkeeping) or go back beside the fields.
_NOT_FIELDS = frozenset(("extra", "attrs", "node_jobs", "not_loaded", "definition", "unknowns"))
_FIELDS: dict[type[Any], list[tuple[str, str]]] = {}


def _camel(name: str) -> str:
    """``asset_id`` -> ``assetId``; the SDK's ``api_model_types`` -> ``modelTypes``."""
    if name.startswith("api_model_"):
        name = name[4:]
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _wire_fields(cls: type[Any]) -> list[tuple[str, str]]:
    known = _FIELDS.get(cls)
    if known is None:
        known = [(f.name, _camel(f.name)) for f in fields(cls) if f.name not in _NOT_FIELDS]
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
            for name, key in _wire_fields(type(item)):
                v = getattr(item, name)
                if v is None or (isinstance(v, (list, dict)) and not v):
                    continue
                out[key] = None  # the key's place, filled when its value is met
                stack.append((v, out, key))
            attrs: dict[str, Any] = getattr(item, "attrs", None) or {}
            for key, v in attrs.items():
                key = _camel(key)
                if v is not None and key not in out:
                    out[key] = None
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


@dataclass
class Ref(_Wire):
    """Where an input's value comes from: a node's output, a workflow input, a branch."""

    node: str | None = None
    name: str | None = None
    conditional: list[str] = field(default_factory=list)
    equal: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Input(_Wire):
    """One input of a flow node: a literal ``value``, a ``ref``, or ``items`` of sub-inputs."""

    name: str = ""
    type: str | None = None
    value: Any = None
    ref: Ref | None = None
    items: list[list[Input]] = field(default_factory=list)
    required: dict[str, Any] | None = None
    default: Any = None
    #: Documented UI attributes (label, hint, min, max, ...), kept as received.
    attrs: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_required(self) -> bool:
        """True when ``required.always`` is set."""
        return bool(self.required and self.required.get("always") is True)


@dataclass
class Case(_Wire):
    """One case of an if/else node."""

    condition: str | None = None
    value: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Logic(_Wire):
    """The logic of an if/else (``cases``/``default``) or transform (``transform``) node."""

    cases: list[Case] = field(default_factory=list)
    default: Any = None
    transform: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Asset(_Wire):
    """An asset a node produced."""

    asset_id: str | None = None
    url: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class FlowNode(_Wire):
    """One entry of ``metadata.flow``: a step of the workflow, a loop copy, or a template."""

    id: str
    type: str | None = None
    status: str | None = None
    inputs: list[Input] = field(default_factory=list)
    depends_on: list[str] = field(default_factory=list)
    job_id: str | None = None
    assets: list[Asset] = field(default_factory=list)
    output: Any = None
    model_id: str | None = None
    workflow_id: str | None = None
    include_outputs_in_workflow_job: bool | None = None
    logic: Logic | None = None
    logic_type: str | None = None
    loop_body_node_ids: list[str] = field(default_factory=list)
    loop_node_id: str | None = None
    iteration_index: int | None = None
    count: int | None = None
    items: list[Any] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class StatusChange(_Wire):
    """One entry of a job's ``statusHistory``."""

    status: str | None = None
    date: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Billing(_Wire):
    """What a job cost in compute units."""

    cu_cost: float | None = None
    cu_discount: float | None = None
    cu_cost_details: Any = None
    disable_refund: bool | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Metadata(_Wire):
    """A job's metadata: the ``flow`` of a workflow run, errors, hints, links to the parent."""

    flow: list[FlowNode] = field(default_factory=list)
    error: str | None = None
    hint: str | None = None
    workflow_id: str | None = None
    workflow_job_id: str | None = None
    asset_ids: list[str] = field(default_factory=list)
    input: dict[str, Any] | None = None
    output: dict[str, Any] | None = None
    output_model_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Job(_Wire):
    """A Scenario job; a workflow run is one with ``job_type == "workflow"`` and a flow.

    ``node_jobs`` maps a flow node's ``jobId`` to that node's own job (they give timings and
    cost); ``not_loaded`` says which of them could not be fetched and why. ``definition`` is set
    when the job was made from a workflow definition (``GET /workflows/{id}``): no statuses.
    """

    job_id: str
    job_type: str | None = None
    status: str | None = None
    progress: float | None = None
    created_at: str | None = None
    updated_at: str | None = None
    status_history: list[StatusChange] = field(default_factory=list)
    metadata: Metadata = field(default_factory=Metadata)
    billing: Billing | None = None
    author_id: str | None = None
    owner_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    node_jobs: dict[str, Job] = field(default_factory=dict, metadata=config(exclude=lambda _: True))
    not_loaded: dict[str, str] = field(
        default_factory=dict, metadata=config(exclude=lambda _: True)
    )
    definition: bool = field(default=False, metadata=config(exclude=lambda _: True))
    #: Unknown fields and enum values found while loading: (JSON path, what), in order.
    unknowns: list[tuple[str, str]] = field(
        default_factory=list, metadata=config(exclude=lambda _: True)
    )

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
