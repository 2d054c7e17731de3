"""The habits of gh, kubectl and ruff (issue 18 item 4): colour from FORCE_COLOR, NO_COLOR and
TERM; -v/-q before or after the command; --json on every command that prints data; shell
completion; --help examples that run from any folder; and ``flowgraph cache``."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import flowgraph
from flowgraph._args import (
    CACHE_COMMANDS,
    COMMANDS,
    EXAMPLES,
    SHELLS,
    SOURCE_COMMANDS,
    build_parser,
)
from flowgraph.api import JobCache
from flowgraph.cli import color_enabled, main
from tests.apiserver import KEY, SECRET, ApiServer, Reply, point_env_at, secret_leaks
from tests.conftest import ROOT, example, fixture

BUNDLE = json.loads(example("timed-bundle.json").read_text())
PARKED = json.loads(example("approval-parked.json").read_text())
JOB_ID = BUNDLE["job"]["jobId"]
OTHER_JOB_ID = PARKED["job"]["jobId"]
WORKFLOW_ID = "wflow_docs"
ESC = "\x1b["


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def serve(server: ApiServer) -> ApiServer:
    """The stand-in API: JOB_ID (finished, with node jobs), OTHER_JOB_ID (running), WORKFLOW_ID."""
    server.route(f"/v1/jobs/{JOB_ID}", Reply(body={"job": BUNDLE["job"]}))
    for child_id, child in BUNDLE["nodeJobs"].items():
        server.route(f"/v1/jobs/{child_id}", Reply(body=child))
    server.route(f"/v1/jobs/{OTHER_JOB_ID}", Reply(body={"job": PARKED["job"]}))
    definition = json.loads(fixture("show-docs-get-workflow.json").read_text())
    server.route(f"/v1/workflows/{WORKFLOW_ID}", Reply(body=definition))
    listing = {"jobs": [{k: v for k, v in BUNDLE["job"].items() if k != "metadata"}]}
    server.route("/v1/jobs", Reply(body=listing))  # flowgraph history WORKFLOW_ID
    return server


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[ApiServer]:
    with ApiServer() as server:
        point_env_at(server, monkeypatch, tmp_path / "cache")
        yield serve(server)


# -- 1. colour ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("choice", "isatty", "env", "expected"),
    [
        ("auto", True, {}, True),
        ("auto", False, {}, False),
        ("auto", True, {"NO_COLOR": "1"}, False),
        ("auto", True, {"NO_COLOR": ""}, True),  # empty: unset, as no-color.org says
        ("auto", False, {"FORCE_COLOR": "1"}, True),  # piped, forced
        ("auto", False, {"FORCE_COLOR": "0"}, True),  # any non-empty value, as force-color.org says
        ("auto", False, {"FORCE_COLOR": ""}, False),
        ("auto", True, {"TERM": "dumb"}, False),
        ("auto", True, {"TERM": "xterm-256color"}, True),
        ("auto", False, {"FORCE_COLOR": "1", "TERM": "dumb"}, True),
        ("auto", True, {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),
        ("always", False, {"NO_COLOR": "1", "TERM": "dumb"}, True),
        ("never", True, {"FORCE_COLOR": "1"}, False),
    ],
)
def test_colour_decision_table(choice: str, isatty: bool, env: dict[str, str], expected: bool) -> None:
    assert color_enabled(choice, isatty=isatty, env=env) is expected


def test_force_color_colours_a_piped_show_and_color_never_wins(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("FORCE_COLOR", "1")
    _, out, _ = cli(capsys, "show", str(example("approval-parked.json")))
    assert ESC in out
    _, out, _ = cli(capsys, "show", str(example("approval-parked.json")), "--color", "never")
    assert ESC not in out
    monkeypatch.setenv("NO_COLOR", "1")
    _, out, _ = cli(capsys, "show", str(example("approval-parked.json")))
    assert ESC not in out


# -- 2. -v / -q ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "argv",
    [
        ["-v", "show", "run.json"], ["show", "run.json", "-v"], ["show", "-v", "run.json"],
        ["--verbose", "cache", "info"], ["cache", "info", "--verbose"], ["-v", "completion", "bash"],
    ],
)
def test_verbose_goes_before_or_after_the_command(argv: list[str]) -> None:
    args = build_parser().parse_args(argv)
    assert (args.verbose, args.quiet) == (1, False)


def test_quiet_and_counting_verbose() -> None:
    parser = build_parser()
    assert parser.parse_args(["-q", "blocked", "x"]).quiet is True
    assert parser.parse_args(["blocked", "x", "--quiet"]).quiet is True
    assert parser.parse_args(["-vv", "blocked", "x"]).verbose == 2
    assert parser.parse_args(["blocked", "x"]).verbose == 0
    with pytest.raises(SystemExit) as info:
        main(["-v", "blocked", "x", "-q"])
    assert info.value.code == 2


def test_verbose_logs_retries_and_cache_hits_without_secrets(
        api: ApiServer, capsys: pytest.CaptureFixture[str]) -> None:
    api.route("/v1/jobs/job_flaky", Reply(503, {"message": "busy"}, headers={"retry-after-ms": "1"}),
              Reply(body={"job": BUNDLE["job"]}))
    code, _, err = cli(capsys, "-v", "summary", "job_flaky", "--no-cache")
    assert code == 0 and "retrying in" in err and "503" in err
    api.route("/v1/jobs/job_flaky", Reply(503, {"message": "busy"}, headers={"retry-after-ms": "1"}),
              Reply(body={"job": BUNDLE["job"]}))
    code, _, err = cli(capsys, "summary", "job_flaky", "--no-cache")
    assert code == 0 and err == ""  # the same retry, silent without -v
    cli(capsys, "summary", JOB_ID)  # fills the cache: the job is finished
    code, _, err = cli(capsys, "summary", JOB_ID, "-vv")
    assert code == 0 and f"job {JOB_ID} from the cache" in err
    assert secret_leaks(err) == []
    # the CLI's logging is undone when main returns
    assert logging.getLogger("flowgraph").handlers == [] and logging.getLogger("flowgraph").level == 0


def test_quiet_silences_the_progress_bar_and_notes(
        api: ApiServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    api.route("/v1/jobs/job_tg", Reply(404, {"message": "gone"}))
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)  # the bar is only drawn on a terminal
    target = str(tmp_path / "run.json")
    code, _, err = cli(capsys, "fetch", JOB_ID, "--node-jobs", "--no-cache", "-o", target)
    assert code == 0 and "fetching node jobs" in err and "could not be loaded" in err
    code, _, err = cli(capsys, "fetch", JOB_ID, "--node-jobs", "--no-cache", "-o", target, "-q")
    assert (code, err) == (0, "")
    code, out, err = cli(capsys, "-q", "watch", JOB_ID, "--interval", "0")
    assert code == 0 and "watching" not in out + err and "job success" in out


# -- 3. --json ----------------------------------------------------------------------------------
def test_every_command_that_prints_data_takes_json() -> None:
    parser = build_parser()
    extra = {"diff": ["b.json"], "node": ["n"], "upstream": ["n"], "downstream": ["n"], "fetch": ["-o", "x.json"],
             "report": ["-o", "x.html"]}
    for name in SOURCE_COMMANDS:
        if name == "render":  # writes files; its json is a --format
            continue
        assert parser.parse_args([name, "a.json", *extra.get(name, []), "--json"]).json, name
    for action in CACHE_COMMANDS:
        assert parser.parse_args(["cache", action, "--json"]).json


def test_snapshot_json(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(example("foreach-failed.json"))
    _, text, _ = cli(capsys, "snapshot", path, "--statuses")
    code, out, _ = cli(capsys, "snapshot", path, "--statuses", "--json")
    data = json.loads(out)
    assert code == 0 and data["text"] == text
    assert (data["version"], data["kind"], data["status"], data["inputs"]) == (1, "run", "failure", ["subject"])
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes["each-style"]["iterations"] == 3 and nodes["render"]["copies"] == 3
    assert nodes["contact-sheet"]["status"] == "pending"
    assert {"source", "target", "kinds", "inputs", "equal"} == set(data["edges"][0])
    _, out, _ = cli(capsys, "snapshot", path, "--json")
    assert "status" not in json.loads(out) and "status" not in json.loads(out)["nodes"][0]


def test_fetch_json_says_what_was_saved(api: ApiServer, capsys: pytest.CaptureFixture[str],
                                        tmp_path: Path) -> None:
    api.route("/v1/jobs/job_tg", Reply(404, {"message": "gone"}))
    target = str(tmp_path / "run.json")
    code, out, _ = cli(capsys, "fetch", JOB_ID, "--node-jobs", "-o", target, "--json")
    data = json.loads(out)
    assert code == 0
    assert (data["job_id"], data["kind"], data["status"], data["output"]) == (JOB_ID, "run", "success", target)
    assert data["node_jobs"]["loaded"] == len(BUNDLE["nodeJobs"]) - 1
    assert [(m["node"], m["job_id"]) for m in data["node_jobs"]["not_loaded"]] == [("gen", "job_tg")]
    assert flowgraph.load(target).job_id == JOB_ID
    code, out, err = cli(capsys, "fetch", JOB_ID, "-o", "-", "--json")
    assert code == 2 and out == "" and err.count("\n") == 1 and "--json needs -o FILE" in err


def test_watch_json_is_one_object_a_line(api: ApiServer, capsys: pytest.CaptureFixture[str]) -> None:
    running = json.loads(json.dumps(PARKED["job"]))
    done = json.loads(json.dumps(running))
    running["metadata"]["flow"][1]["status"] = "processing"  # not parked yet: gen still runs
    done["status"] = "success"
    for node in done["metadata"]["flow"]:
        node["status"] = "success"
    api.route(f"/v1/jobs/{OTHER_JOB_ID}", Reply(body={"job": running}), Reply(body={"job": done}))
    code, out, err = cli(capsys, "watch", OTHER_JOB_ID, "--interval", "0", "--json")
    events = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and "watching" in err  # the header is a note on stderr
    assert [e["event"] for e in events] == ["poll", "poll", "end"]
    first, second, end = events
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", first["time"])
    assert (first["job_id"], first["status"], second["status"]) == (OTHER_JOB_ID, "in-progress", "success")
    assert {"node": "approve", "old": "pending", "new": "success"} in second["changes"]
    assert end["blocked"] == [] and end["critical_path"]["weight"] == "hops"
    assert end["critical_path_error"] is None and end["outcome"] == "success"


@pytest.mark.parametrize(("argv", "shape"), [
    (["diff", str(example("approval-parked.json")), str(example("timed-bundle.json"))], dict),
    (["upstream", str(example("approval-parked.json")), "upscale"], list),
    (["downstream", str(example("approval-parked.json")), "approve"], list),
])
def test_diff_upstream_downstream_already_print_json(capsys: pytest.CaptureFixture[str],
                                                     argv: list[str], shape: type) -> None:
    _, out, _ = cli(capsys, *argv, "--json")
    assert isinstance(json.loads(out), shape)


# -- 4. completion ------------------------------------------------------------------------------
def _script(capsys: pytest.CaptureFixture[str], shell: str) -> str:
    code, out, _ = cli(capsys, "completion", shell)
    assert code == 0 and out.strip()
    return out


@pytest.mark.parametrize("shell", SHELLS)
def test_completion_script_names_every_command(capsys: pytest.CaptureFixture[str], shell: str) -> None:
    script = _script(capsys, shell)
    for name in [*COMMANDS, *CACHE_COMMANDS]:
        assert re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", script), (shell, name)
    binary = shutil.which(shell)
    if binary is not None:  # zsh and fish may be absent: then their syntax goes unchecked
        result = subprocess.run([binary, "-n"], input=script, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr


def test_bash_completion_parses_and_completes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("no bash")
    script = tmp_path / "flowgraph.bash"
    script.write_text(_script(capsys, "bash"))
    assert subprocess.run([bash, "-n", str(script)]).returncode == 0
    (tmp_path / "run.json").write_text("{}")
    probe = (
        f"source {script}\n"
        "complete_words() { COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); COMPREPLY=();"
        " _shtab_flowgraph; echo \"${COMPREPLY[*]}\"; }\n"
        "complete_words flowgraph cri\n"
        "complete_words flowgraph cache ''\n"
        "complete_words flowgraph show --exp\n"
        "complete_words flowgraph completion ''\n"
        "complete_words flowgraph show ru\n"
    )
    result = subprocess.run([bash, "-c", probe], capture_output=True, text=True, cwd=tmp_path)
    assert result.stdout.splitlines() == ["critical-path", "info clear", "--expand-loops",
                                          "bash zsh fish", "run.json"], result.stderr


def test_help_loads_neither_the_library_nor_shtab() -> None:
    code = (
        "import sys, contextlib, io\n"
        "from flowgraph.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    main(['--help'])\n"
        "print(sorted(m for m in ('shtab', 'networkx', 'requests', 'flowgraph.api', 'flowgraph.flow_graph')"
        " if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.stdout.strip() == "[]", result.stderr


@pytest.mark.parametrize("command", ["blocked", "critical-path"])
def test_the_query_commands_import_only_what_they_use(command: str) -> None:
    # each of these was milliseconds of every run: shutil (argparse asks it the terminal's
    # width for every option added), threading (one lock), the path-tracking parser (a run
    # the typed decoder reads never needs it), the node-job classes, show's table, networkx
    # (what msgspec imports itself does not count: on 3.10 its uuid imports threading)
    code = (
        "import sys, contextlib, io, msgspec\n"
        "before = set(sys.modules)\n"
        "from flowgraph.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        f"    main([{command!r}, {str(example('foreach-failed.json'))!r}])\n"
        "print(sorted(m for m in ('shutil', 'threading', 'networkx', 'flowgraph.parse',"
        " 'flowgraph._nodejobs', 'flowgraph.screen', 'flowgraph._rows')"
        " if m in sys.modules and m not in before))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.stdout.strip() == "[]", result.stderr


@pytest.mark.parametrize(("argv", "collector"), [
    (["blocked", "RUN"], False), (["-v", "show", "RUN"], False), (["--help"], False),
    (["watch", "RUN"], True), (["-q", "history", "wflow_x"], True),
    (["show", "RUN", "--history"], True),
])
def test_the_collector_is_off_for_a_command_that_ends(argv: list[str], collector: bool) -> None:
    # (a command that loops frees the graphs of the runs it is done with: their cycles)
    argv = [str(example("foreach-failed.json")) if a == "RUN" else a for a in argv]
    code = (
        "import gc, sys\n"
        "from flowgraph import cli\n"
        "cli.main = lambda: print(gc.isenabled()) or 0\n"
        f"sys.argv = ['flowgraph', *{argv!r}]\n"
        "cli.run()\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.stdout.strip() == str(collector), result.stderr


@pytest.mark.parametrize("columns", [None, "72", "0", "-5", "wide", ""])
def test_terminal_columns_are_shutils(columns: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    from flowgraph._output import terminal_columns

    monkeypatch.delenv("COLUMNS", raising=False)
    if columns is not None:
        monkeypatch.setenv("COLUMNS", columns)
    for fallback in (80, 100):
        assert terminal_columns(fallback) == shutil.get_terminal_size((fallback, 24)).columns


# -- 5. --help examples run from any folder -------------------------------------------------------
#: Placeholders an example may hold: the network ones name something to fetch from the API.
NETWORK = {"JOB_ID": JOB_ID, "OTHER_JOB_ID": OTHER_JOB_ID, "WORKFLOW_ID": WORKFLOW_ID}
PLACEHOLDERS = {**NETWORK, "NODE_ID": "approve"}
HELPS = {"": EXAMPLES, **{n: e for n, (_, e) in COMMANDS.items()},
         **{f"cache {n}": e for n, (_, e) in CACHE_COMMANDS.items()}}


def _fill(line: str) -> str:
    return re.sub(r"\b[A-Z][A-Z_]*_ID\b", lambda m: PLACEHOLDERS[m[0]], line)


def _help(argv: list[str]) -> str:
    with pytest.raises(SystemExit), contextlib.redirect_stdout(buffer := io.StringIO()):
        build_parser().parse_args([*argv, "--help"])
    return buffer.getvalue()


def test_every_help_shows_its_examples() -> None:
    for name, examples in HELPS.items():
        assert "examples:\n" + "\n".join("  " + line for line in examples) in _help(name.split()), name
        commands = [line for line in examples if not line.startswith("#")]
        assert all("flowgraph " in line or line.startswith("mkdir -p ") for line in commands), name
        assert any(f"flowgraph {name}".strip() in line for line in commands), name
        for line in commands:  # every capitalised id is a placeholder this test knows
            assert set(re.findall(r"\b[A-Z][A-Z_]*_ID\b", line)) <= set(PLACEHOLDERS), line


@pytest.mark.parametrize("name", list(HELPS), ids=lambda n: n or "flowgraph")
def test_help_examples_run_from_an_empty_folder(name: str, tmp_path: Path) -> None:
    """Each example list runs, line by line, in an empty folder: a file it reads was written by
    a line above it, and only lines with a job or workflow id placeholder reach the API (here a
    stand-in on 127.0.0.1)."""
    shim = tmp_path / "bin"
    shim.mkdir()
    (shim / "flowgraph").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m flowgraph "$@"\n')
    (shim / "flowgraph").chmod(0o755)
    work, home = tmp_path / "work", tmp_path / "home"
    work.mkdir()
    home.mkdir()
    with ApiServer() as server:
        serve(server)
        env = {
            **os.environ,
            "PATH": f"{shim}{os.pathsep}{os.environ['PATH']}",
            "PYTHONPATH": str(ROOT),
            "HOME": str(home),
            "SCENARIO_SDK_API_KEY": KEY,
            "SCENARIO_SDK_API_SECRET": SECRET,
            "SCENARIO_BASE_URL": server.base,
            "FLOWGRAPH_CACHE_DIR": str(tmp_path / "cache"),
            "FLOWGRAPH_TIMEOUT": "20",
        }
        env.pop("SCENARIO_SDK_JWT", None)
        for line in (line for line in HELPS[name] if not line.startswith("#")):
            if re.search(r"-o \S+\.(svg|png|pdf|html)\b", line) and shutil.which("dot") is None:
                continue  # the picture needs Graphviz's dot, which the example says
            asked = len(server.requests)
            started = time.monotonic()
            result = subprocess.run(["bash", "-o", "pipefail", "-c", _fill(line)], cwd=work, env=env,
                                    capture_output=True, text=True, timeout=60)
            assert result.returncode in (0, 1), (line, result.stderr)
            assert "Traceback" not in result.stderr and secret_leaks(result.stdout + result.stderr) == []
            if not set(re.findall(r"\b[A-Z][A-Z_]*_ID\b", line)) & set(NETWORK):
                assert len(server.requests) == asked, f"{line!r} reached the API without a job id"
            assert time.monotonic() - started < 30


# -- 6. flowgraph cache ----------------------------------------------------------------------------
@pytest.fixture
def cache_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("FLOWGRAPH_CACHE_DIR", str(folder))
    monkeypatch.delenv("FLOWGRAPH_CACHE_MAX_MB", raising=False)
    cache = JobCache()
    cache.put("job_old", {"jobId": "job_old", "status": "success"})
    cache.put("job_new", {"jobId": "job_new", "status": "failure"})
    forty_days_ago = time.time() - 40 * 86400
    os.utime(cache.path_for("job_old"), (forty_days_ago, forty_days_ago))
    return folder


def test_cache_info(cache_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "cache", "info")
    assert code == 0 and out == JobCache().info().text() + "\n"
    assert f"folder   {cache_dir}\n" in out and "entries  2\n" in out
    code, out, _ = cli(capsys, "cache", "info", "--json")
    data = json.loads(out)
    assert (data["folder"], data["entries"], data["max_bytes"]) == (str(cache_dir), 2, 512 * 1024 * 1024)
    assert data["oldest"] < data["newest"]


def test_cache_clear_older_than(cache_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "cache", "clear", "--older-than", "30d")
    assert (code, out) == (0, f"removed 1 cached job(s) from {cache_dir}\n")
    assert JobCache().get("job_old") is None and JobCache().get("job_new") is not None
    code, out, _ = cli(capsys, "cache", "clear", "--json")
    assert code == 0 and json.loads(out) == {"folder": str(cache_dir), "removed": 1, "older_than": None}
    assert JobCache().info().entries == 0


@pytest.mark.parametrize("age", ["30", "", "soon", "-1d"])
def test_cache_clear_bad_age_is_one_line_exit_2(cache_dir: Path, capsys: pytest.CaptureFixture[str],
                                                age: str) -> None:
    code, out, err = cli(capsys, "cache", "clear", f"--older-than={age}")
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("flowgraph cache clear: error: ") and "is not an age" in err
    assert JobCache().info().entries == 2  # nothing removed


def test_cache_bad_cap_is_one_line_exit_2(cache_dir: Path, capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLOWGRAPH_CACHE_MAX_MB", "lots")
    code, _, err = cli(capsys, "cache", "info")
    assert code == 2 and err.count("\n") == 1 and "FLOWGRAPH_CACHE_MAX_MB" in err


def test_cache_needs_an_action(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["cache"])
    assert info.value.code == 2
