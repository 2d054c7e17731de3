"""The HTML report without a browser: its bytes, escaping, policy, links and command line.

What the page does in a browser is tests/test_htmlreport_browser.py.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import flowgraph
from flowgraph.cli import main
from flowgraph.htmlreport.page import CSP
from flowgraph.htmlreport.payload import report_data

from tests.conftest import ROOT, example, fixture

pytestmark = pytest.mark.dot

HOSTILE = fixture("hostile-report.json")
EXAMPLES = ["approval-parked.json", "foreach-failed.json", "timed-bundle.json", "nested-loops.json",
            "ifelse-skipped.json"]


def page_of(path: Path) -> str:
    return flowgraph.graph(path).to_html()


class _Page(HTMLParser):
    """The tags, attributes and script blocks of a page, as a browser's tokenizer sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._in: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in = dict(attrs)
            self.scripts.append((self._in, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)


def parsed(text: str) -> _Page:
    p = _Page()
    p.feed(text)
    p.close()
    return p


@pytest.mark.parametrize("name", EXAMPLES)
def test_same_run_same_bytes(name: str) -> None:
    assert page_of(example(name)) == page_of(example(name))


def test_hostile_run_same_bytes() -> None:
    assert page_of(HOSTILE) == page_of(HOSTILE)


def test_the_page_has_two_scripts_the_data_and_the_code() -> None:
    page = parsed(page_of(HOSTILE))
    kinds = [attrs.get("type") for attrs, _ in page.scripts]
    assert kinds == ["application/json", None]
    data = json.loads(page.scripts[0][1])  # the block holds the whole JSON: nothing ended it early
    assert "</script><script>window.__pwned=1</script>" in data["nodes"]
    assert data["job"]["job_id"] == "job_<script>window.__pwned=11</script>"


def test_no_raw_markup_inside_the_json_block() -> None:
    text = page_of(HOSTILE)
    block = re.search(r'<script type="application/json" id="fg-data">(.*?)</script>', text, re.S)
    assert block is not None
    assert not re.search(r"[<>&]", block.group(1))
    assert "\\u003c/script\\u003e" in block.group(1)
    # the only script end tags are the two blocks' own
    assert text.lower().count("</script") == 2


def test_no_payload_tag_or_handler_reaches_the_markup() -> None:
    text = page_of(HOSTILE)
    page = parsed(text)
    assert "img" not in {tag for tag, _ in page.tags}
    assert "<b onmouseover" not in text and "<svg onload" not in text
    handlers = [(tag, a) for tag, attrs in page.tags for a in attrs if a.startswith("on")]
    assert handlers == []
    hrefs = [attrs.get("href") or attrs.get("xlink:href") for _, attrs in page.tags]
    assert [h for h in hrefs if h] == []  # no link in the page itself: the panel makes them


def test_csp_forbids_every_request_and_allows_only_the_page_script() -> None:
    text = page_of(example("approval-parked.json"))
    page = parsed(text)
    metas = [a for tag, a in page.tags if tag == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert len(metas) == 1
    policy = metas[0]["content"] or ""
    assert "default-src 'none'" in policy and "connect-src 'none'" in policy
    assert "img-src 'none'" in policy and "base-uri 'none'" in policy and "form-action 'none'" in policy
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    # the hash in the policy is the hash of the page's one script
    import base64
    import hashlib

    code = page.scripts[1][1]
    digest = base64.b64encode(hashlib.sha256(code.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in policy
    assert policy == CSP.format(script="sha256-" + digest)
    # the policy comes before anything that could load
    assert text.index("Content-Security-Policy") < text.index("<style>")


def test_asset_links_only_for_http_urls() -> None:
    data = report_data(flowgraph.graph(HOSTILE))
    assets = data["nodes"]['<img src=x onerror="window.__pwned=2">']["assets"]
    assert assets == [
        {"label": "<b onmouseover=window.__pwned=5>asset</b>", "url": None},
        {"label": "asset_ok", "url": "https://cdn.example.com/a.png?x=1&y=2"},
        {"label": "asset_data", "url": None},
        {"label": "asset_markup", "url": None},
    ]


def test_the_header_is_show_s_verdict() -> None:
    text = page_of(example("approval-parked.json"))
    assert '<dd id="fact-job">job_r3Vq8ApprovalParked</dd>' in text
    assert '<dd id="fact-status">in-progress</dd>' in text and '<dd id="fact-cost">18 CU</dd>' in text
    assert "next:</b> approve or reject the gate approve with the call above; 2 nodes wait for it" in text
    assert "workflows/wflow_product_shots/user-approval?projectId=YOUR_PROJECT_ID" in text
    timed = page_of(example("timed-bundle.json"))
    assert "time: 2m40s = running 2m05s + queued 8.5s + at gates 23.9s + idle 2.6s" in timed


def test_the_data_answers_as_node_and_blocked_do() -> None:
    fg = flowgraph.graph(example("timed-bundle.json"))
    data = report_data(fg)
    assert data["critical"]["nodes"] == ["prompt", "gen", "approve", "upscale", "remove-bg"]
    full = fg.describe("gen").as_dict()
    assert data["nodes"]["gen"] == {k: v for k, v in full.items() if v not in (None, [])}
    assert data["nodes"]["gen"]["timing"] == {"queued": 10.0, "run": 80.0, "total": 90.0}
    ff = report_data(flowgraph.graph(example("foreach-failed.json")))
    assert "expanded" not in report_data(flowgraph.graph(example("approval-parked.json")))["views"]
    folds = {b["node"]: b for b in ff["views"]["collapsed"]["boxes"].values()}
    assert "render-Lm2p" in folds["render"]["members"] and folds["render"]["loop"] == "each-style"
    assert list(ff["views"]["collapsed"]["loops"].values()) == ["each-style"]


def test_a_run_whose_loops_are_all_too_big_gets_one_picture() -> None:
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate import make_run

    fg = flowgraph.graph(make_run(600))
    text = fg.to_html(max_copies=0)
    assert text.count('<div class="view"') == 1  # nothing small enough to expand: one picture


def test_cli_writes_the_file_and_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "run.html"
    assert main(["report", str(example("foreach-failed.json")), "-o", str(out), "--json"]) == 0
    said = json.loads(capsys.readouterr().out)
    assert said == {"job_id": "job_F0rEachFailedCopy", "output": str(out), "bytes": out.stat().st_size}
    assert out.read_text(encoding="utf-8") == page_of(example("foreach-failed.json"))


def test_cli_bad_input_is_one_line_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "run.html"
    bad = tmp_path / "bad.json"
    bad.write_text("[]")
    assert main(["report", str(bad), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and "expected a job object" in err
    assert not out.exists() and list(tmp_path.iterdir()) == [bad]
    assert main(["report", str(example("foreach-failed.json")), "-o", "-", "--json"]) == 2
    assert "--json needs -o FILE" in capsys.readouterr().err
    assert main(["report", str(example("foreach-failed.json")), "-o", str(out), "--max-copies", "-1"]) == 2
    assert "--max-copies must be 0 or more" in capsys.readouterr().err and not out.exists()


def test_same_bytes_whatever_the_hash_seed() -> None:
    """Sets and dicts iterate by hash: two processes with different seeds write the same page."""
    import hashlib
    import os
    import subprocess
    import sys

    code = ("import sys, flowgraph; sys.stdout.write(flowgraph.graph(sys.argv[1]).to_html())")
    pages = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", code, str(example("nested-loops.json"))],
                             env=env, cwd=ROOT, capture_output=True, check=True).stdout
        pages.add(hashlib.sha256(out).hexdigest())
    assert len(pages) == 1
