"""How big the HTML report of a large run is and how fast headless Chromium opens it.

    python benchmarks/report_open.py [--nodes 10000] [--bundle] [--repeat 3]
    python benchmarks/report_open.py --screenshot docs/report.png   (the README's picture)

Generates the run (``benchmarks/generate.py``), times ``fg.to_html()``, writes the page to a
temporary folder and opens it ``--repeat`` times in the system Chromium (Playwright, no
``playwright install``), each in a fresh context: the open time is the page's own clock from
navigation start to the moment its script has wired every box (``window.fgReadyMs``), and the
wall time from ``goto`` until then, and the page's clock once the next frames are laid out and
painted (an upper bound: asked for after ready is seen). Best of N. Not part of ``make test``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from generate import make_bundle, make_run

import flowgraph

CHROMIUM = os.environ.get("FLOWGRAPH_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


#: The page's clock at the second animation frame after it is ready: laid out and painted.
_FRAME = "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now()))))"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nodes", type=int, default=10000)
    ap.add_argument("--bundle", action="store_true", help="with node jobs (timings, cost)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--screenshot", metavar="PNG", help="save a picture of an example's report")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p, tempfile.TemporaryDirectory() as tmp:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        if args.screenshot:
            shot(browser, Path(tmp), Path(args.screenshot))
            return 0
        run = (make_bundle if args.bundle else make_run)(args.nodes)
        fg = flowgraph.graph(run)
        started = time.perf_counter()
        page_text = fg.to_html()
        built = time.perf_counter() - started
        out = Path(tmp) / "run.html"
        out.write_text(page_text, encoding="utf-8")
        size = out.stat().st_size
        ready, wall, painted = [], [], []
        for _ in range(args.repeat):
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            page = context.new_page()
            t0 = time.perf_counter()
            page.goto(out.as_uri())
            page.wait_for_function("window.fgReady === true", timeout=60_000)
            wall.append(time.perf_counter() - t0)
            ready.append(page.evaluate("window.fgReadyMs") / 1000)
            painted.append(page.evaluate(_FRAME) / 1000)
            context.close()
        browser.close()
    kind = "bundle" if args.bundle else "run"
    print(f"{args.nodes}-node {kind}: {len(fg.graph)} graph nodes")
    print(f"  fg.to_html()        {built:6.2f} s")
    print(f"  file size           {size / 1e6:6.2f} MB")
    print(f"  open (page clock)   {min(ready):6.2f} s   best of {args.repeat}")
    print(f"  open (goto..ready)  {min(wall):6.2f} s")
    print(f"  first frame after   {min(painted):6.2f} s   (page clock: laid out and painted)")
    return 0


def shot(browser: object, tmp: Path, target: Path) -> None:
    """The report of the parked-gate example, a blocked node selected, blocked highlighted."""
    out = tmp / "approval-parked.html"
    out.write_text(flowgraph.graph(ROOT / "examples" / "approval-parked.json").to_html(), encoding="utf-8")
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(out.as_uri() + "#node=upscale")
    page.wait_for_function("window.fgReady === true")
    page.check("#hl-blocked")
    page.click("#fit")
    target.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target))
    context.close()
    print(f"wrote {target}")


if __name__ == "__main__":
    sys.exit(main())
