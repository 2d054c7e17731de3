"""Deterministic generator of large, realistic Scenario workflow runs for the benchmarks.

``make_run(n_nodes, seed=0)`` returns a ``{"job": ...}`` payload (what ``GET /jobs/{id}``
answers) whose ``metadata.flow`` holds about ``n_nodes`` nodes, ~1.2 KB each once encoded, in the
shapes of the fixtures in ``examples/``:

* ~5% of the nodes: lanes of pipeline segments (prompt -> generate -> if/else branches with
  ``equal`` refs -> conditional merge -> upscale -> approval gate with ``dependsOn`` ->
  publish), the authored part of the workflow; every node has
  several inputs with refs and literal values and the UI attributes the API sends (label,
  description, min/max, ...); finished model nodes carry assets with URLs;
* 40%: a for-each over a list with many iterations (3 templates; copies with
  ``loopNodeId`` + ``iterationIndex`` whose refs name the templates) where one iteration failed;
* 25%: a ``count`` for-each with many iterations, all done;
* 29%: a nested loop (an outer for-each whose body holds an inner for-each), still running;
* one approval gate parked for a person, a lane still running, a node with an
  ``inputs_array`` input of one item per segment and a node with many inputs from one source.

``make_bundle(n_nodes, seed=0)`` adds ``nodeJobs`` (each node's own job, with a
``statusHistory`` for queue/run timings and billing), as ``flowgraph fetch --node-jobs`` saves.

Everything comes from ``random.Random(seed)``: the same arguments give the same bytes.
The payload validates against the official SDK's ``JobRetrieveResponse``.

    python benchmarks/generate.py 10000 > run-10k.json        # or: --bundle
"""

from __future__ import annotations

import json
import random
import string
import sys
from datetime import datetime, timedelta, timezone
from typing import Any

__all__ = ["encode", "make_bundle", "make_run"]

_T0 = datetime(2026, 11, 20, 9, 0, 0, tzinfo=timezone.utc)
_ALNUM = string.ascii_letters + string.digits
_WORDS = (
    "studio product shot of a ceramic mug on a wooden table soft morning light shallow depth "
    "of field watercolor isometric pixel-art cinematic moody pastel vibrant minimal clean "
    "background high detail brand colors seasonal campaign hero banner social square"
).split()
_LANES = 8


def _iso(seconds: float) -> str:
    t = _T0 + timedelta(seconds=seconds)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


class _Gen:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.ids: set[str] = set()
        self.flow: list[dict[str, Any]] = []
        # node id -> (created, queued, started, ended, final status) of its own job
        self.times: dict[str, tuple[float, float, float, float | None, str]] = {}
        self.finish: dict[str, float] = {}
        self.node_jobs: list[tuple[str, str, str]] = []  # (job id, node type, node id)
        self.suffixes: set[str] = set()

    # -- small pieces --------------------------------------------------------------------------
    def token(self, n: int) -> str:
        return "".join(self.rng.choice(_ALNUM) for _ in range(n))

    def sentence(self, lo: int, hi: int) -> str:
        return " ".join(self.rng.choice(_WORDS) for _ in range(self.rng.randint(lo, hi)))

    def suffix(self, n: int) -> str:
        """A random suffix not used before (copy ids must stay unique, as in a real run)."""
        while True:
            token = self.token(n)
            if token not in self.suffixes:
                self.suffixes.add(token)
                return token

    def ui(self, name: str) -> dict[str, Any]:
        label = name[:1].upper() + "".join(" " + c.lower() if c.isupper() else c for c in name[1:])
        return {"label": label, "description": self.sentence(16, 28).capitalize() + "."}

    def ref_input(self, name: str, type_: str, node: str, output: str,
                  **more: Any) -> dict[str, Any]:
        out: dict[str, Any] = {"name": name, "type": type_, "ref": {"node": node, "name": output}}
        out.update(self.ui(name))
        out.update(more)
        return out

    def literals(self) -> list[dict[str, Any]]:
        rng = self.rng
        return [
            {"name": "numSamples", "type": "number", "value": rng.choice((1, 2, 4)),
             "min": 1, "max": 8, "step": 1, "default": 1, **self.ui("numSamples"),
             "group": "Generation"},
            {"name": "guidance", "type": "number", "value": round(rng.uniform(2, 9), 1),
             "min": 0, "max": 20, "step": 0.5, "costImpact": False, **self.ui("guidance")},
            {"name": "negativePrompt", "type": "string", "value": self.sentence(6, 10),
             "placeholder": "What to avoid", "maxLength": 1000, **self.ui("negativePrompt")},
            {"name": "aspectRatio", "type": "string", "value": rng.choice(("1:1", "4:3", "16:9")),
             "allowedValues": ["1:1", "4:3", "3:4", "16:9", "9:16"], **self.ui("aspectRatio")},
        ]

    def assets(self, count: int) -> list[dict[str, Any]]:
        out = []
        for _ in range(count):
            asset = "asset_" + self.token(22)
            expires = 1794000000 + self.rng.randint(0, 99999)
            out.append({"assetId": asset,
                        "url": f"https://cdn.cloud.scenario.com/assets-transform/{asset}"
                               f"?p=100&format=png&quality=90&Expires={expires}"
                               f"&Key-Pair-Id=K{self.token(13)}&Signature={self.token(40)}"})
        return out

    # -- nodes -------------------------------------------------------------------------------
    def add(self, node: dict[str, Any], deps: list[str], status: str,
            job: bool = True, assets: int = 0) -> dict[str, Any]:
        """Append ``node`` with ``status``; give it a job (timed after ``deps``) and assets."""
        self.ids.add(node["id"])
        node["status"] = status
        start = max((self.finish.get(d, 0.0) for d in deps), default=1.0)
        if job and status in ("success", "failure", "processing"):
            job_id = "job_" + self.token(22)
            node["jobId"] = job_id
            queued = start + self.rng.uniform(0.1, 0.6)
            started = queued + self.rng.uniform(0.2, 4.0)
            ended = started + self.rng.uniform(2.0, 40.0) if status != "processing" else None
            self.times[job_id] = (start, queued, started, ended, status)
            self.node_jobs.append((job_id, node.get("type") or "model", node["id"]))
            self.finish[node["id"]] = ended if ended is not None else started
            if status == "success" and assets:
                node["assets"] = self.assets(assets)
        else:
            self.finish[node["id"]] = start
        self.flow.append(node)
        return node

    # -- the run -----------------------------------------------------------------------------
    def segment(self, s: int, prev: str | None, parked: bool, running: bool) -> str:
        rng = self.rng
        ok = "pending" if running else "success"
        prompt_inputs = [
            self.ref_input("idea", "string", "workflow", "idea", required={"always": True},
                           prompt=True),
            self.ref_input("style", "string", "workflow", "style"),
        ]
        if prev is not None:
            prompt_inputs.append(self.ref_input("reference", "file", prev, "image", kind="image"))
        prompt_inputs.append({"name": "temperature", "type": "number",
                              "value": round(rng.uniform(0.2, 1.0), 2), "min": 0, "max": 2,
                              **self.ui("temperature")})
        p = f"prompt-{s}"
        self.add({"id": p, "type": "generate-prompt", "inputs": prompt_inputs},
                 [prev] if prev else [], "success")
        g = f"gen-{s}"
        self.add({"id": g, "type": "custom-model", "modelId": f"model_flux-dev-{s % 5}",
                  "inputs": [self.ref_input("prompt", "string", p, "text", prompt=True,
                                            required={"always": True}),
                             *self.literals(),
                             self.ref_input("style", "string", "workflow", "style")]},
                 [p], "success", assets=2)
        c = f"classify-{s}"
        chosen = rng.choice(("if1", "if1", "else"))
        self.add({"id": c, "type": "logic", "logicType": "if-else", "output": chosen,
                  "logic": {"cases": [
                      {"condition": "inputs.text.contains('person')", "value": "if1"},
                      {"condition": "inputs.text.contains('animal')", "value": "if2"}],
                      "default": "else"},
                  "inputs": [self.ref_input("text", "string", p, "text")]},
                 [p], "success", job=False)
        branches = []
        for name, value, model in (("portrait", "if1", "model_portrait-retouch"),
                                   ("landscape", "else", "model_landscape-enhance")):
            b = f"{name}-{s}"
            branches.append(b)
            status = "success" if value == chosen else "skipped"
            self.add({"id": b, "type": "custom-model", "modelId": model, "inputs": [
                {"name": "image", "type": "file", "kind": "image",
                 "ref": {"node": c, "equal": value, "name": "image"}, **self.ui("image")},
                {"name": "source", "type": "file", "ref": {"node": g, "name": "image"},
                 **self.ui("source")},
                {"name": "strength", "type": "number", "value": round(rng.uniform(0, 1), 2),
                 "min": 0, "max": 1, **self.ui("strength")}]},
                [c, g], status, assets=1)
        m = f"merge-{s}"
        taken = branches[0] if chosen == "if1" else branches[1]
        self.add({"id": m, "type": "remove-background", "inputs": [
            {"name": "image", "type": "file", "kind": "image",
             "ref": {"node": taken, "name": "image", "conditional": branches}, **self.ui("image")},
            {"name": "backgroundBehavior", "type": "string", "value": "transparent",
             "allowedValues": ["opaque", "transparent"], **self.ui("mode")}]},
            [taken], "success", assets=1)
        u = f"upscale-{s}"
        self.add({"id": u, "type": "model", "modelId": "model_upscale-v3", "inputs": [
            self.ref_input("image", "file", m, "image", kind="image"),
            {"name": "scale", "type": "number", "value": rng.choice((2, 4)), "min": 1, "max": 8,
             **self.ui("scale")},
            {"name": "creativity", "type": "number", "value": round(rng.uniform(0, 1), 2),
             **self.ui("creativity")}]},
            [m], "processing" if running else "success", assets=1)
        a = f"approve-{s}"
        gate_status = "pending" if (parked or running) else "success"
        self.add({"id": a, "type": "user-approval", "dependsOn": [u], "inputs": [
            self.ref_input("images", "file_array", u, "all")]}, [u], gate_status, job=False)
        pub = f"publish-{s}"
        self.add({"id": pub, "type": "model", "modelId": "model_thumbnailer",
                  "dependsOn": [a], "inputs": [
                      self.ref_input("image", "file", u, "image", kind="image"),
                      {"name": "size", "type": "number", "value": 512, **self.ui("size")}]},
                 [a], "pending" if (parked or running) else ok, assets=1)
        return pub

    def flat_loop(self, name: str, templates: list[tuple[str, str, str | None]],
                  iterations: int, failed: int | None, use_count: bool) -> str:
        """A for-each over ``templates`` (base id, type, model), ``iterations`` copies of each."""
        rng = self.rng
        source = None
        loop_inputs: list[dict[str, Any]] = []
        if not use_count:
            source = f"{name}-items"
            items = [self.sentence(2, 4) for _ in range(iterations)]
            self.add({"id": source, "type": "list", "items": items, "output": items}, [],
                     "success", job=False)
            loop_inputs = [self.ref_input("array", "string_array", source, "all")]
        else:
            loop_inputs = [self.ref_input("subject", "string", "workflow", "subject")]
        body = [t[0] for t in templates]
        loop: dict[str, Any] = {"id": name, "type": "for-each", "loopBodyNodeIds": body,
                                "inputs": loop_inputs}
        if use_count:
            loop["count"] = iterations
        self.add(loop, [source] if source else [], "failure" if failed is not None else "success",
                 job=False)

        def body_inputs(k: int) -> list[dict[str, Any]]:
            if k == 0:
                return [self.ref_input("item", "string", name, "item"),
                        self.ref_input("subject", "string", "workflow", "subject"),
                        *self.literals()[:2]]
            return [self.ref_input("image", "file", body[k - 1], "image", kind="image"),
                    {"name": "strength", "type": "number", "value": 0.5, **self.ui("strength")}]

        for k, (base, kind, model) in enumerate(templates):
            node = {"id": base, "type": kind, "inputs": body_inputs(k)}
            if model:
                node["modelId"] = model
            self.add(node, [name], "skipped", job=False)
        for i in range(iterations):
            sfx = self.suffix(4)
            prev = name
            for k, (base, kind, model) in enumerate(templates):
                status = "success"
                if failed is not None and i == failed:
                    status = "failure" if k == 0 else "pending"
                node = {"id": f"{base}-{sfx}", "type": kind, "loopNodeId": name,
                        "iterationIndex": i, "inputs": body_inputs(k)}
                if model:
                    node["modelId"] = model
                self.add(node, [prev], status, assets=1 + (rng.random() < 0.3))
                prev = node["id"]
        return name

    def nested_loop(self, outer_iterations: int, inner: int, done: int) -> str:
        """``each-product`` over products; its body: ``each-angle`` (count ``inner``, body
        ``shot``) and ``shot-caption``. Outer iterations after ``done`` are still running."""
        items = [self.sentence(1, 3) for _ in range(outer_iterations)]
        self.add({"id": "products", "type": "list", "items": items, "output": items}, [],
                 "success", job=False)
        self.add({"id": "each-product", "type": "for-each",
                  "loopBodyNodeIds": ["each-angle", "shot-caption"],
                  "inputs": [self.ref_input("array", "string_array", "products", "all")]},
                 ["products"], "processing", job=False)
        inner_inputs = lambda: [self.ref_input("product", "string", "each-product", "item")]
        # (the inner body reads only the inner loop's item: a ref from it to the outer for-each
        # makes builder.py add loop_result edges into the loop itself, a false cycle)
        shot_inputs = lambda: [self.ref_input("angle", "string", "each-angle", "item"),
                               *self.literals()[:3]]
        caption_inputs = lambda: [
            self.ref_input("images", "file_array", "each-angle", "all"),
            {"name": "tone", "type": "string", "value": "friendly", **self.ui("tone")}]
        self.add({"id": "each-angle", "type": "for-each", "count": inner,
                  "loopBodyNodeIds": ["shot"], "inputs": inner_inputs()},
                 ["each-product"], "skipped", job=False)
        self.add({"id": "shot", "type": "custom-model", "modelId": "model_product-shot",
                  "inputs": shot_inputs()}, ["each-angle"], "skipped", job=False)
        self.add({"id": "shot-caption", "type": "generate-prompt", "inputs": caption_inputs()},
                 ["each-angle"], "skipped", job=False)
        for i in range(outer_iterations):
            state = "success" if i < done else ("processing" if i == done else "pending")
            sfx = self.suffix(3)
            angle = f"each-angle-{sfx}"
            self.add({"id": angle, "type": "for-each", "count": inner,
                      "loopBodyNodeIds": ["shot"], "loopNodeId": "each-product",
                      "iterationIndex": i, "inputs": inner_inputs()},
                     ["each-product"], "pending" if state == "pending" else state, job=False)
            if state != "pending":
                for j in range(inner):
                    shot_state = "success" if state == "success" or j < inner // 2 else "processing"
                    self.add({"id": f"shot-{sfx}{j}", "type": "custom-model",
                              "modelId": "model_product-shot", "loopNodeId": angle,
                              "iterationIndex": j, "inputs": shot_inputs()},
                             [angle], shot_state, assets=1)
            self.add({"id": f"shot-caption-{sfx}", "type": "generate-prompt",
                      "loopNodeId": "each-product", "iterationIndex": i,
                      "inputs": caption_inputs()},
                     [angle], "success" if state == "success" else "pending")
        return "each-product"

    def run(self, n: int) -> dict[str, Any]:
        rng = self.rng
        # A large run is a workflow of modest size whose loops ran many iterations: ~5% of
        # the nodes are authored (segments), the rest loop copies.
        per_segment = 9
        segments = max(_LANES, int(n * 0.05) // per_segment)
        loop_a = max(2, int(n * 0.40) // 3)
        loop_b = max(2, int(n * 0.25) // 2)
        nested_outer = max(2, int(n * 0.29) // 6)
        lane_end: list[str | None] = [None] * _LANES
        lanes_last = {lane: max(i for i in range(segments) if i % _LANES == lane)
                      for lane in range(_LANES)}
        for s in range(segments):
            lane = s % _LANES
            last = lanes_last[lane] == s
            lane_end[lane] = self.segment(s, lane_end[lane], parked=last and lane == 0,
                                          running=last and lane == 1)
        # a report reading every segment: one inputs_array item per segment
        pages = [[{"name": "image", "type": "file",
                   "ref": {"node": f"publish-{s}", "name": "image"}},
                  {"name": "caption", "type": "string", "value": self.sentence(3, 6)}]
                 for s in range(segments)]
        self.add({"id": "report", "type": "transform",
                  "logic": {"transform": "inputs.pages.map(p, p.image)"},
                  "inputs": [{"name": "pages", "type": "inputs_array", "items": pages,
                              **self.ui("pages")}]},
                 [f"publish-{s}" for s in range(segments)], "pending", job=False)
        # many inputs from one source (one edge, many input names)
        self.add({"id": "settings", "type": "transform", "logic": {"transform": "inputs"},
                  "inputs": [{"name": f"field{i}", "type": "string",
                              "ref": {"node": "prompt-0", "name": f"field{i}"}}
                             for i in range(max(4, n // 100))]},
                 ["prompt-0"], "success", job=False)
        # loops
        self.flat_loop("each-style", [("render", "custom-model", "model_sdxl-styles"),
                                      ("refine", "model", "model_upscale-v3"),
                                      ("style-caption", "generate-prompt", None)],
                       loop_a, failed=rng.randrange(loop_a), use_count=False)
        self.add({"id": "contact-sheet", "type": "transform",
                  "logic": {"transform": "inputs.images.flatten()"},
                  "inputs": [self.ref_input("images", "file_array", "each-style", "all")]},
                 ["each-style"], "pending", job=False)
        self.flat_loop("variations", [("vary", "custom-model", "model_variations"),
                                      ("vary-bg", "remove-background", None)],
                       loop_b, failed=None, use_count=True)
        self.add({"id": "pick-best", "type": "model", "modelId": "model_aesthetic-score",
                  "inputs": [self.ref_input("images", "file_array", "variations", "all"),
                             *self.literals()[:1]]},
                 ["variations"], "success", assets=1)
        self.nested_loop(nested_outer, 4, done=int(nested_outer * 0.8))
        self.add({"id": "catalog", "type": "transform", "logic": {"transform": "inputs.captions"},
                  "inputs": [self.ref_input("captions", "string_array", "each-product", "all")]},
                 ["each-product"], "pending", job=False)
        job_id = "job_" + self.token(22)
        self.job_id = job_id
        return {
            "jobId": job_id,
            "jobType": "workflow",
            "status": "in-progress",
            "progress": 0.7,
            "createdAt": _iso(0),
            "updatedAt": _iso(max(self.finish.values(), default=1.0)),
            "authorId": "a1b2c3d4e5f6",
            "ownerId": "team_U3Qmc8PCdWXwAQJ4Dvw4tV6D",
            "statusHistory": [{"status": "pending", "date": _iso(0)},
                              {"status": "in-progress", "date": _iso(1.2)}],
            "billing": {"cuCost": round(len(self.node_jobs) * 1.5, 1), "cuDiscount": 0},
            "metadata": {"workflowId": "wflow_benchmark_" + self.token(8),
                         "input": {"idea": "a ceramic mug", "style": "watercolor",
                                   "subject": "mug"},
                         "flow": self.flow},
        }

    def node_job(self, job_id: str, node_type: str) -> dict[str, Any]:
        created, queued, started, ended, status = self.times[job_id]
        history = [{"status": "pending", "date": _iso(created)},
                   {"status": "queued", "date": _iso(queued)},
                   {"status": "in-progress", "date": _iso(started)}]
        if ended is not None:
            history.append({"status": "success" if status == "success" else "failure",
                            "date": _iso(ended)})
        job_type = {"generate-prompt": "generate-prompt", "remove-background": "remove-background",
                    "model": "upscale"}.get(node_type, "flux")
        return {
            "jobId": job_id,
            "jobType": job_type,
            "status": history[-1]["status"],
            "progress": 1 if ended is not None else 0.5,
            "createdAt": _iso(created),
            "updatedAt": _iso(ended if ended is not None else started),
            "statusHistory": history,
            "metadata": {"workflowJobId": self.job_id, "workflowId": "wflow_benchmark",
                         "assetIds": ["asset_" + self.token(22)]},
            "billing": {"cuCost": round(self.rng.uniform(0.5, 6.0), 1), "cuDiscount": 0},
        }


def make_run(n_nodes: int, seed: int = 0) -> dict[str, Any]:
    """A ``{"job": ...}`` workflow run with about ``n_nodes`` flow nodes (see module doc)."""
    return {"job": _Gen(seed).run(n_nodes)}


def make_bundle(n_nodes: int, seed: int = 0) -> dict[str, Any]:
    """:func:`make_run` plus ``nodeJobs``: every node's own job, with timings and cost."""
    gen = _Gen(seed)
    job = gen.run(n_nodes)
    node_jobs = {job_id: {"job": gen.node_job(job_id, kind)} for job_id, kind, _ in gen.node_jobs}
    return {"job": job, "nodeJobs": node_jobs}


def encode(payload: dict[str, Any]) -> bytes:
    """The payload as compact UTF-8 JSON, as the API sends it."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    size = int(args[0]) if args else 1000
    maker = make_bundle if "--bundle" in sys.argv else make_run
    sys.stdout.buffer.write(encode(maker(size)) + b"\n")
