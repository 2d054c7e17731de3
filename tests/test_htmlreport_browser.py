"""The HTML report in a real browser: headless Chromium (Debian's ``chromium``, which
``make test`` installs when missing) driven by Playwright for Python with the system browser as
its executable (no ``playwright install``).

Every page is opened from a ``file://`` URL with every request recorded (and any but the file
itself refused); each test then checks that the page logged no error and asked for nothing
else. Without Chromium or Playwright these tests skip, except under CI (``CI`` set), where they
fail.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

import flowgraph
from flowgraph.htmlreport.payload import report_data
from tests.conftest import example, fixture

pytestmark = pytest.mark.dot

CHROMIUM = os.environ.get("FLOWGRAPH_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HOSTILE = fixture("hostile-report.json")
GATE = "</script><script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=2">'


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install '.[test]')"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"no Chromium at {CHROMIUM} (make chromium, or apt-get install chromium)"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    why = _missing()
    if why is not None:
        if os.environ.get("CI"):
            pytest.fail(f"the browser tests must run in CI: {why}")
        pytest.skip(why)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@dataclass
class Opened:
    page: Any
    url: str
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def text(self, selector: str) -> str:
        return str(self.page.inner_text(selector))

    def boxes(self, cls: str, view: str = "collapsed") -> list[str]:
        return sorted(self.page.eval_on_selector_all(
            f"#view-{view} g.node.{cls}", "gs => gs.map(g => g.getAttribute('aria-label'))"))


@pytest.fixture
def report(browser: Any, tmp_path: Path) -> Iterator[Any]:
    """``report(path, fragment="")``: the page of that run, open and ready."""
    opened: list[tuple[Opened, Any]] = []

    def open_(path: Path, fragment: str = "", *, edit: Any = None) -> Opened:
        out = tmp_path / (path.stem + ".html")
        text = flowgraph.graph(path).to_html()
        out.write_text(edit(text) if edit else text, encoding="utf-8")
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        # what the policy refused: a request it stopped never reaches the "request" event
        context.add_init_script(
            "document.addEventListener('securitypolicyviolation', e => (window.__refused ="
            " window.__refused || []).push(e.violatedDirective + ' ' + e.blockedURI));")
        page = context.new_page()
        page.set_default_timeout(5_000)
        o = Opened(page, out.as_uri())
        page.on("console", lambda m: o.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: o.errors.append(str(e)))
        page.on("request", lambda r: o.requests.append(r.url))
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
            o.url) else route.abort())
        page.goto(o.url + fragment)
        if edit is None:
            page.wait_for_function("window.fgReady === true", timeout=10_000)
            opened.append((o, context))
        return o

    yield open_
    for o, context in opened:
        try:
            assert o.errors == [], o.errors
            assert {u.split("#")[0] for u in o.requests} == {o.url}, o.requests
            assert o.page.evaluate("window.__refused || []") == []
        finally:
            context.close()


def test_the_checks_see_a_request_and_an_injected_script(report: Any) -> None:
    """The harness itself: a page that asks for an image and carries a stray script is caught
    (by the policy's refusals and the console), so the clean results above mean something."""
    o = report(example("approval-parked.json"), edit=lambda t: t.replace(
        "</header>", '<img src="http://127.0.0.1:9/x.png"><script>window.__pwned=1</script></header>'))
    o.page.wait_for_function("(window.__refused || []).length >= 2")
    refused = sorted(o.page.evaluate("window.__refused"))
    assert refused == ["img-src http://127.0.0.1:9/x.png", "script-src-elem inline"]
    assert o.page.evaluate("typeof window.__pwned") == "undefined" and o.errors


RUNS = sorted(example(".").glob("*.json")) + sorted(fixture(".").glob("*.json"))


@pytest.mark.parametrize("path", RUNS, ids=lambda p: p.name)
def test_every_example_and_fixture_opens_clean(report: Any, path: Path) -> None:
    """Every box drawn and wired; clicking each, each panel link, each view and tab logs no error."""
    o = report(path)
    fg = flowgraph.graph(path)
    drawn = o.page.eval_on_selector_all("#view-collapsed g.node[data-box]", "gs => gs.length")
    assert drawn == len(report_data(fg)["views"]["collapsed"]["boxes"])
    o.page.evaluate("""() => {
      const click = e => e.dispatchEvent(new MouseEvent('click', {bubbles: true}));
      for (const g of document.querySelectorAll('g.node[data-box], g.cluster[data-loop]')) {
        click(g);
        for (const b of document.querySelectorAll('#panel button.link')) { b.click(); }
      }
      for (const r of document.querySelectorAll('.gantt rect.bar')) { click(r); }
    }""")
    o.page.check("#hl-critical")
    o.page.check("#hl-blocked")
    o.page.click("#tab-timeline")
    o.page.click("#tab-graph")


def test_clicking_a_blocked_node_shows_its_root_cause(report: Any) -> None:
    o = report(example("approval-parked.json"))
    o.page.click('#view-collapsed g.node[aria-label="remove-bg"]')
    assert o.text("#panel h2") == "remove-bg"
    assert o.text("#why") == ("blocked (waiting-on-gate): waits for a gate parked for a person: 'approve'\n"
                              "root cause: approve")
    o.page.click("#why button.link")  # the root cause is one click away
    assert o.text("#panel h2") == "approve"
    assert o.text("#why").startswith("blocked (awaiting-approval): parked until a person acts")
    assert o.page.evaluate("location.hash") == "#node=approve"


def test_a_failed_node_shows_its_own_error_and_hint(report: Any) -> None:
    o = report(fixture("show-failed-bundle.json"), "#node=upscale")
    assert o.text("#panel .err") == (
        "error: Upscale failed: the input image is 6144x6144, above the 4096x4096 limit of "
        "model_upscale-v3 (request req_7Hc2; the model's worker returned HTTP 422 after 3 attempts)\n"
        "hint: Resize the image below 4096 px per side, or pick an upscaler that takes larger images.")


def test_search_finds_a_node_inside_a_loop_copy(report: Any) -> None:
    o = report(example("foreach-failed.json"))
    assert o.page.is_visible("#view-collapsed") and not o.page.is_visible("#view-expanded")
    o.page.fill("#search", "render-lm")  # part of the id, any case
    o.page.press("#search", "Enter")
    assert o.text("#panel h2") == "render-Lm2p"
    assert o.page.is_visible("#view-expanded")  # the copy is a box of its own there
    assert o.boxes("fg-sel", "expanded") == ["render-Lm2p"]
    assert o.text("#message") == "match 1 of 1: render-Lm2p"
    o.page.fill("#search", "Lm2p")  # the render and the upscale copies of iteration 1
    o.page.press("#search", "Enter")
    assert o.text("#message") == "match 1 of 2: render-Lm2p (Enter: next)"
    o.page.press("#search", "Enter")
    assert o.text("#panel h2") == "upscale-Lm2p" and o.boxes("fg-sel", "expanded") == ["upscale-Lm2p"]
    o.page.fill("#search", "nothing-like-this")
    o.page.press("#search", "Enter")
    assert o.text("#message") == 'no node id contains "nothing-like-this"'


def test_clicking_a_collapsed_loop_expands_it_per_iteration(report: Any) -> None:
    o = report(example("foreach-failed.json"))
    o.page.click('#view-collapsed g.node[aria-label="render"]')
    assert o.page.is_visible("#view-expanded") and not o.page.is_visible("#view-collapsed")
    assert o.text("#message") == "loop each-style: one cluster per iteration"
    assert o.text("#toggle-view") == "collapse loops"
    copies = o.page.eval_on_selector_all("#panel tr", "trs => trs.map(t => t.textContent)")
    assert "copiesrender-Lm2p, render-c9Zt, render-x8Fq" in copies  # the template's panel
    o.page.click("#toggle-view")
    assert o.page.is_visible("#view-collapsed")


def test_the_critical_path_toggle_marks_exactly_the_critical_nodes(report: Any) -> None:
    o = report(example("timed-bundle.json"))
    assert o.boxes("fg-crit") == []
    o.page.check("#hl-critical")
    assert o.boxes("fg-crit") == sorted(["prompt", "gen", "approve", "upscale", "remove-bg"])
    o.page.uncheck("#hl-critical")
    assert o.boxes("fg-crit") == []


def test_the_critical_toggle_on_a_loop_run_marks_the_boxes_holding_critical_nodes(report: Any) -> None:
    path = example("foreach-failed.json")  # the fold boxes of render and upscale hold copies
    fg = flowgraph.graph(path)
    data = report_data(fg)
    cp = set(fg.critical_path().nodes)
    want = sorted(i for i, b in data["views"]["collapsed"]["boxes"].items() if cp & set(b["members"]))
    o = report(path)
    o.page.check("#hl-critical")
    got = o.page.eval_on_selector_all("#view-collapsed g.node.fg-crit",
                                      "gs => gs.map(g => g.getAttribute('data-box'))")
    assert sorted(got) == want and 0 < len(want) < len(data["views"]["collapsed"]["boxes"])
    folds = {b["node"] for i, b in data["views"]["collapsed"]["boxes"].items() if i in got}
    assert {"render", "upscale"} <= folds


def test_the_blocked_toggle_marks_root_causes_and_blocked_nodes(report: Any) -> None:
    o = report(example("approval-parked.json"))
    o.page.check("#hl-blocked")
    assert o.boxes("fg-root") == ["approve"]
    assert o.boxes("fg-blocked") == ["remove-bg", "upscale"]


def test_node_fragment_selects_that_node_on_load(report: Any) -> None:
    o = report(example("approval-parked.json"), "#node=upscale")
    assert o.text("#panel h2") == "upscale"
    assert o.boxes("fg-sel") == ["upscale"]
    o.page.evaluate("location.hash = '#node=gen'")
    o.page.wait_for_function("document.querySelector('#panel h2').textContent === 'gen'")
    assert o.boxes("fg-sel") == ["gen"]


def test_a_node_is_reachable_from_the_keyboard(report: Any) -> None:
    o = report(example("approval-parked.json"))
    o.page.focus('#view-collapsed g.node[aria-label="gen"]')
    o.page.keyboard.press("Enter")
    assert o.text("#panel h2") == "gen"
    o.page.keyboard.press("Tab")  # the next node box takes the focus
    assert o.page.evaluate("document.activeElement.getAttribute('role')") == "button"


def test_pan_zoom_and_fit_move_the_view_box(report: Any) -> None:
    o = report(example("foreach-failed.json"))
    box = "document.querySelector('#view-collapsed svg').getAttribute('viewBox')"
    home = o.page.evaluate(box)
    o.page.click("#zoom-in")
    zoomed = [float(x) for x in o.page.evaluate(box).split()]
    assert zoomed[2] < float(home.split()[2])
    o.page.mouse.move(500, 600)
    o.page.mouse.wheel(0, 300)  # wheel down: zoom out around the pointer
    assert float(o.page.evaluate(box).split()[2]) > zoomed[2]
    before = float(o.page.evaluate(box).split()[0])
    o.page.mouse.down()
    o.page.mouse.move(700, 600, steps=5)
    o.page.mouse.up()
    assert float(o.page.evaluate(box).split()[0]) < before  # dragged right: the view moved left
    o.page.click("#fit")
    assert [float(x) for x in o.page.evaluate(box).split()] == pytest.approx([float(x) for x in home.split()])


def test_clicking_a_timeline_bar_selects_the_node(report: Any) -> None:
    o = report(example("timed-bundle.json"))
    o.page.click("#tab-timeline")
    critical = o.page.eval_on_selector_all(".gantt rect.bar.critical",
                                           "rs => [...new Set(rs.map(r => r.dataset.node))]")
    assert critical == ["prompt", "gen", "approve", "upscale", "remove-bg"]
    o.page.click('.gantt rect.bar.running[data-node="thumb"]')
    assert o.text("#panel h2") == "thumb"
    assert o.page.eval_on_selector_all(".gantt rect.fg-sel", "rs => rs.map(r => r.dataset.node)") == [
        "thumb", "thumb"]


def test_a_run_without_node_jobs_says_why_it_has_no_timeline(report: Any) -> None:
    o = report(example("approval-parked.json"))
    o.page.click("#tab-timeline")
    assert o.text("#timeline-pane").startswith("no timeline: no node jobs")


def test_hostile_ids_are_text_and_nothing_injected_runs(report: Any) -> None:
    o = report(HOSTILE, "#node=" + quote(GATE, safe=""))
    page = o.page
    pwned = "typeof window.__pwned"
    assert page.evaluate(pwned) == "undefined"
    assert o.text("#panel h2") == GATE  # the id, shown as text
    assert o.text("#fact-job") == "job_<script>window.__pwned=11</script>"
    labels = page.eval_on_selector_all("#view-collapsed g.node[data-box]",
                                       "gs => gs.map(g => g.getAttribute('aria-label'))")
    assert GATE in labels and IMG in labels
    for i in range(len(labels)):  # every box, then every link of its panel
        page.eval_on_selector_all("#view-collapsed g.node[data-box]", f"gs => gs[{i}].dispatchEvent("
                                  "new MouseEvent('click', {bubbles: true}))")
        for j in range(page.eval_on_selector_all("#panel button.link", "bs => bs.length")):
            page.eval_on_selector_all("#panel button.link", f"bs => bs[{j}] && bs[{j}].click()")
    for node in flowgraph.graph(HOSTILE).graph:
        page.fill("#search", str(node))
        page.press("#search", "Enter")
    page.evaluate("id => { location.hash = '#node=' + encodeURIComponent(id); }", IMG)
    page.wait_for_function("id => document.querySelector('#panel h2').textContent === id", arg=IMG)
    links = page.eval_on_selector_all("#panel a", "as => as.map(a => [a.textContent, a.href])")
    assert links == [["asset_ok", "https://cdn.example.com/a.png?x=1&y=2"]]
    items = page.eval_on_selector_all("#panel li", "ls => ls.map(l => l.textContent)")
    assert "<b onmouseover=window.__pwned=5>asset</b>" in items
    page.click("#tab-timeline")
    assert page.evaluate("document.querySelectorAll('img, iframe, object, embed').length") == 0
    assert page.evaluate(pwned) == "undefined"


def test_the_header_names_failed_nodes_and_blocked_ones_one_click_away(report: Any) -> None:
    o = report(fixture("show-failed-bundle.json"))
    assert o.text("#summary p.node-error").startswith("upscale failed: Upscale failed: the input image is 6144x6144")
    o.page.click('#summary p.node-error button[data-node="upscale"]')
    assert o.text("#panel h2") == "upscale"
    parked = report(example("approval-parked.json"))
    assert parked.page.is_visible("#blocked-list li")  # few blocked nodes: the list is open
    parked.page.click('#blocked-list button[data-node="remove-bg"]')
    assert parked.text("#panel h2") == "remove-bg" and parked.boxes("fg-sel") == ["remove-bg"]


def test_a_fragment_naming_no_node_says_so(report: Any) -> None:
    o = report(example("approval-parked.json"), "#node=nope")
    assert o.text("#message") == 'no node "nope"'
    assert o.boxes("fg-sel") == [] and o.page.query_selector("#panel h2") is None
