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
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
]

_CAMEL = config(letter_case=LetterCase.CAMEL)["dataclasses_json"]


class _Wire(DataClassJsonMixin):
    """camelCase on the wire; ``to_wire`` drops empty values and puts ``extra`` keys back."""

    dataclass_json_config = _CAMEL

    def to_wire(self) -> dict[str, Any]:
        """The JSON-ready dict the API would send (what :func:`flowgraph.load` reads back)."""
        wire: dict[str, Any] = _clean(self.to_dict(encode_json=False))
        return wire


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        out = {}
        extra = value.get("extra") or {}
        for key, item in value.items():
            if key == "extra" or item is None or item == [] or item == {}:
                continue
            out[key] = _clean(item)
        for key, item in extra.items():
            out.setdefault(key, item)
        return out
    if isinstance(value, list):
        return [_clean(item) for item in value]
    return value


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

    def to_bundle(self) -> dict[str, Any]:
        """``{"job": ..., "nodeJobs": {...}}`` (a definition: ``{"workflow": ...}``): what
        ``flowgraph fetch -o`` saves; :func:`flowgraph.load` reads it back."""
        if self.definition:
            wire = self.to_wire()
            flow = wire.get("metadata", {}).get("flow", [])
            return {"workflow": {"id": self.job_id, "flow": flow, **self.extra}}
        bundle: dict[str, Any] = {"job": self.to_wire()}
        if self.node_jobs:
            bundle["nodeJobs"] = {k: v.to_bundle() for k, v in sorted(self.node_jobs.items())}
        if self.not_loaded:
            bundle["notLoaded"] = dict(sorted(self.not_loaded.items()))
        return bundle
