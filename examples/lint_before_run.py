"""Check a workflow before running it: lint its definition (no statuses needed).

    python examples/lint_before_run.py [SOURCE]  # default: a small definition with mistakes

SOURCE can be a saved ``{"workflow": ...}`` definition or a workflow id (``wflow_...``, fetched
with the SDK's SCENARIO_SDK_* credentials). Exits 1 when an error would break the run.
"""

from __future__ import annotations

import sys

import flowgraph
from flowgraph.report import lint_text

DEFINITION = {
    "workflow": {
        "id": "wflow_demo_portraits",
        "flow": [
            {"id": "describe", "type": "generate-prompt",
             "inputs": [{"name": "image", "type": "file", "ref": {"node": "workflow", "name": "photo"}}]},
            {"id": "route", "type": "logic", "logicType": "if-else",
             "logic": {"cases": [{"condition": "inputs.text.contains('person')", "value": "if1"}]},
             "inputs": [{"name": "text", "type": "string", "ref": {"node": "describe", "name": "text"}}]},
            {"id": "retouch", "type": "custom-model", "modelId": "model_portrait-retouch",
             "inputs": [{"name": "image", "type": "file", "ref": {"node": "route", "equal": "if1", "name": "image"}},
                        {"name": "strength", "type": "number", "required": {"always": True}}]},
            {"id": "upscale", "type": "model", "modelId": "model_upscale-v3",
             "inputs": [{"name": "image", "type": "file", "ref": {"node": "retuoch", "name": "image"}}]},
        ],
    }
}

if len(sys.argv) > 1:
    source = sys.argv[1]
    fg = flowgraph.build(flowgraph.fetch_workflow(source)) if source.startswith("wflow_") else flowgraph.graph(source)
else:
    fg = flowgraph.graph(DEFINITION)
findings = fg.lint()
print(f"{fg.job.job_id}: {fg.nx.number_of_nodes()} node(s)")
print(lint_text(findings), end="")
errors = [f for f in findings if f.severity == "error"]
print(f"verdict: {'fix ' + str(len(errors)) + ' error(s) before running' if errors else 'ready to run'}")
sys.exit(1 if errors else 0)
