"""The API call that resumes a gate parked for a person, as ``curl`` and as the SDK's call.

A ``user-approval`` gate is approved (or rejected) and a ``user-selection`` gate is given the
indices of the items chosen, with ``PUT /workflows/{workflowId}/user-approval`` or
``/user-selection``. Credentials appear only as the names of their environment variables; the
ids are untrusted and quoted for a shell (``curl``) and for Python (``repr``).

The SDK requires a ``project_id`` (sent as the ``projectId`` query parameter): when it is not
known, the ``curl`` command and the SDK call both carry the ``YOUR_PROJECT_ID`` placeholder
(``project_id_known`` is False), while ``path`` stays the path without it.

>>> call = resume_call("user-selection", "pick", "job_1", None)
>>> call["path"], call["body"]["selectedIndices"], call["workflow_id_known"]
('/workflows/WORKFLOW_ID/user-selection', [0], False)
>>> call["curl_lines"][0]
'curl -X PUT "${SCENARIO_BASE_URL:-https://api.cloud.scenario.com/v1}/workflows/WORKFLOW_ID/user-selection?projectId=YOUR_PROJECT_ID"'
"""

from __future__ import annotations

import json
import shlex
from typing import Any
from urllib.parse import quote

from .config import DEFAULT_BASE_URL, ENV_API_KEY, ENV_API_SECRET, ENV_BASE_URL

__all__ = ["call_lines", "resume_call"]

#: The API root in a shell: the variable when it is set, else the default.
_BASE_URL = f"${{{ENV_BASE_URL}:-{DEFAULT_BASE_URL}}}"
_CREDENTIALS = f'-u "${ENV_API_KEY}:${ENV_API_SECRET}"'
_PROJECT_PLACEHOLDER = "YOUR_PROJECT_ID"
_WORKFLOW_PLACEHOLDER = "WORKFLOW_ID"


def resume_call(
    gate_type: str,
    node_id: str,
    job_id: str,
    workflow_id: str | None,
    *,
    project_id: str | None = None,
) -> dict[str, Any]:
    """The API call that resumes a parked gate: ``method``, ``path``, ``body``, a ``curl``
    command and the ``python`` SDK call, both with the same ``projectId`` (a placeholder when
    ``project_id`` is None). Credentials appear only as variable names.

    >>> call = resume_call("user-approval", "approve", "job_1", "wflow_1")
    >>> call["path"], call["body"]
    ('/workflows/wflow_1/user-approval', {'nodeId': 'approve', 'workflowJobId': 'job_1', 'action': 'approve'})
    >>> print(call["python"])
    from scenario_sdk import Scenario; Scenario().workflows.user_approval('wflow_1', project_id='YOUR_PROJECT_ID', node_id='approve', workflow_job_id='job_1', action='approve')
    """  # noqa: E501
    selection = gate_type == "user-selection"
    endpoint = "user-selection" if selection else "user-approval"
    wf = workflow_id if workflow_id else _WORKFLOW_PLACEHOLDER
    # ids are untrusted: a lone surrogate cannot be UTF-8, so it is percent-encoded as "?"
    path = f"/workflows/{quote(wf, safe='', errors='replace')}/{endpoint}"
    pid = project_id or _PROJECT_PLACEHOLDER
    query = f"?projectId={quote(pid, safe='', errors='replace')}"
    body: dict[str, Any]
    if selection:
        body = {
            "action": "select",
            "nodeId": node_id,
            "workflowJobId": job_id,
            "selectedIndices": [0],
        }
    else:
        body = {"nodeId": node_id, "workflowJobId": job_id, "action": "approve"}
    parts = [
        f'curl -X PUT "{_BASE_URL}{path}{query}"',
        f"{_CREDENTIALS} -H 'content-type: application/json'",
        "-d " + shlex.quote(json.dumps(body, ensure_ascii=True)),
    ]
    if selection:
        args = (
            f"{wf!r}, project_id={pid!r}, action='select', node_id={node_id!r}, "
            f"workflow_job_id={job_id!r}, selected_indices=[0]"
        )
    else:
        args = (
            f"{wf!r}, project_id={pid!r}, node_id={node_id!r}, "
            f"workflow_job_id={job_id!r}, action='approve'"
        )
    method = endpoint.replace("-", "_")
    return {
        "method": "PUT",
        "path": path + (query if project_id else ""),
        "body": body,
        "curl": " ".join(parts),
        "curl_lines": parts,
        "python": f"from scenario_sdk import Scenario; Scenario().workflows.{method}({args})",
        "workflow_id_known": bool(workflow_id),
        "project_id_known": bool(project_id),
    }


def call_lines(call: dict[str, Any]) -> list[str]:
    """A :func:`resume_call` for a terminal, indented and never cut: the ``curl`` command on
    three lines, how to reject instead, the SDK call and which placeholders to replace.
    ``call`` also carries ``reason`` and ``items`` (:func:`flowgraph.screen.show_data`'s
    gates)."""
    lines = ["  " + " \\\n    ".join(call["curl_lines"])]
    if call["reason"] == "awaiting-approval":
        lines.append('  (to reject it: "action": "reject")')
    else:
        lines.append(
            f"  (selectedIndices: indices into the node's {call['items']} item(s); "
            'to reject: "action": "reject")'
        )
    lines.append("  python: " + call["python"])
    if not call["workflow_id_known"]:
        lines.append("  (the job does not name its workflow: replace WORKFLOW_ID)")
    if not call["project_id_known"]:
        lines.append(
            f"  (replace {_PROJECT_PLACEHOLDER} with the job's project id, "
            "or pass --project-id / project_id=)"
        )
    return lines
