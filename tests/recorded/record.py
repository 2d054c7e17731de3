"""Write tests/recorded/answers.json: the answers of today's implementation, hashed.

    python tests/reference/record.py

Run it only when an answer is meant to change (say which and why in the commit); a speed-up
must pass ``tests/test_differential.py`` against the answers as they are.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.test_differential import RECORDED, digest, recorded_payloads  # noqa: E402

if __name__ == "__main__":
    import flowgraph
    print("recording with", flowgraph.__file__)
    answers = {name: digest(payload) for name, payload in sorted(recorded_payloads().items())}
    RECORDED.write_text(json.dumps(answers, indent=1, sort_keys=True) + "\n")
    print(f"wrote {len(answers)} answers to {RECORDED.relative_to(ROOT)}")
