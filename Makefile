# Set-up and checks for a fresh machine: `make demo`, `make test`, `make bench`.
# Everything is installed into .venv; Graphviz's `dot` comes from apt when it is missing.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test lint bench dot chromium test-matrix release-check clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,lint]'
	touch $@

dot:
	@command -v dot >/dev/null 2>&1 || { \
	  echo "Installing Graphviz (dot) with apt-get ..."; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq graphviz >/dev/null; }
	@dot -V

# Headless Chromium for the HTML report's browser tests (Playwright drives this binary; no
# `playwright install`, no download at test time).
CHROMIUM ?= /usr/bin/chromium
chromium:
	@command -v $(CHROMIUM) >/dev/null 2>&1 || { \
	  echo "Installing Chromium with apt-get ..."; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null; }
	@$(CHROMIUM) --version 2>/dev/null

demo: $(VENV)/.installed dot
	@# show exits 1 on this run (something is blocked): that is the answer, not a failure
	$(VENV)/bin/flowgraph show examples/approval-parked.json || test $$? -eq 1
	$(VENV)/bin/flowgraph critical-path examples/timed-bundle.json
	$(VENV)/bin/flowgraph render examples/approval-parked.json --highlight blocked -o demo.svg
	@echo "wrote demo.svg (a picture of the stuck run)"

# ruff (rules in pyproject.toml), ruff format, mypy --strict with the networkx/requests stubs.
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check flowgraph
	$(VENV)/bin/ruff format --check flowgraph
	$(VENV)/bin/mypy --strict flowgraph

test: lint dot chromium
	FLOWGRAPH_CHROMIUM=$(CHROMIUM) $(PY) -m pytest -q

bench: $(VENV)/.installed dot
	$(PY) benchmarks/run.py

# Not in CI: the suite on every Python 3.10-3.13 found here, and on the lowest declared
# dependency versions (tests/lowest-constraints.txt) with the oldest Python.
test-matrix: dot
	bash tests/matrix.sh

# Not in CI: build the sdist and wheel as PyPI would get them and check their metadata/README.
release-check: $(VENV)/.installed
	$(PY) -m pip install --quiet build twine
	rm -rf dist
	$(PY) -m build --outdir dist .
	$(PY) -m twine check --strict dist/*

# Not in CI: tests/test_fuzz.py on FUZZ_EXAMPLES fresh random examples (20000: ~4 minutes on
# 2 cores); `make test` runs the same tests on a few hundred fixed ones.
FUZZ_EXAMPLES ?= 20000
.PHONY: fuzz
fuzz: $(VENV)/.installed dot
	FLOWGRAPH_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest -q -p no:cacheprovider \
	  --hypothesis-show-statistics tests/test_fuzz.py

clean:
	rm -rf $(VENV) demo.svg demo.json .pytest_cache .matrix dist
