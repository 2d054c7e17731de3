#!/usr/bin/env bash
# `make test-matrix`: the suite on every Python 3.10-3.13 found (pyenv's or on PATH), each in
# its own venv under .matrix/, then once more on the oldest one with every dependency at the
# lowest version pyproject.toml allows (tests/lowest-constraints.txt). Not run in CI (minutes).
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p .matrix
results=()
find_python() {
  local v=$1
  for p in "$HOME/.pyenv/versions/$v".*/bin/python3 "$(command -v "python$v" 2>/dev/null)"; do
    [ -x "$p" ] && { echo "$p"; return; }
  done
}
run() {  # name python [pip args...]
  local name=$1 py=$2; shift 2
  local venv=".matrix/$name"
  echo "== $name ($("$py" --version 2>&1))"
  if [ ! -x "$venv/bin/python" ]; then
    "$py" -m venv "$venv" || { results+=("$name: venv failed"); return; }
  fi
  "$venv/bin/python" -m pip install --quiet --upgrade pip >/dev/null 2>&1
  if ! "$venv/bin/python" -m pip install --quiet -e '.[test]' "$@" >".matrix/$name.pip.log" 2>&1; then
    results+=("$name: install failed (see .matrix/$name.pip.log)"); return
  fi
  local versions
  versions=$("$venv/bin/python" -m pip list 2>/dev/null \
    | grep -iE '^(networkx|requests|urllib3|graphviz|msgspec|syrupy|pytest|hypothesis) ' \
    | awk '{printf "%s %s, ", $1, $2}')
  if "$venv/bin/python" -m pytest -q -p no:cacheprovider >".matrix/$name.log" 2>&1; then
    results+=("$name: $(tail -1 ".matrix/$name.log") [$versions]")
  else
    results+=("$name: FAILED $(tail -1 ".matrix/$name.log") (see .matrix/$name.log) [$versions]")
  fi
}
oldest=""
for v in 3.10 3.11 3.12 3.13; do
  py=$(find_python "$v")
  if [ -z "$py" ]; then results+=("py$v: not found"); continue; fi
  [ -z "$oldest" ] && oldest=$py
  run "py$v" "$py"
done
if [ -n "$oldest" ]; then
  run "lowest" "$oldest" -c tests/lowest-constraints.txt
fi
echo
printf '%s\n' "${results[@]}"
! printf '%s\n' "${results[@]}" | grep -q -E 'FAILED|failed'
