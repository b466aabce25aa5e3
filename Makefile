# Two commands from a fresh clone: `make run` and `make test`. Both create .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck unit snapshots-update bench clean .venv

# Python caches compiled modules (and pytest its rewritten tests) in __pycache__: an environment
# that forbids it makes every test process and every program a test starts compile them again.
unexport PYTHONDONTWRITEBYTECODE
# Test processes run side by side: most tests wait on a terminal, a subprocess or the event loop
# more than they compute, so a few more workers than cores keep both cores busy.
JOBS ?= 4

.venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/mes-tui $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check mes_tui tests
	$(BIN)/ruff format --check mes_tui tests

typecheck: $(STAMP)
	$(BIN)/mypy

# Everything (lint, types, every test, slow ones included), then how long it took.
test: $(STAMP)
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory lint typecheck && \
	$(BIN)/python -m pytest -n $(JOBS) $(PYTEST_ARGS); \
	status=$$?; echo "make test: $$(( $$(date +%s) - start )) s"; exit $$status

# The fast loop: the models and services, without the tests marked slow (under a minute).
unit: $(STAMP)
	$(BIN)/python -m pytest -n 2 -m "not slow" tests/unit $(PYTEST_ARGS)

snapshots-update: $(STAMP)
	$(BIN)/python -m pytest tests/snapshots --snapshot-update

# Every figure of BENCHMARKS.md, measured again and written there (a few minutes; BENCH_ARGS=--quick
# for a try-out, --no-write to print only). Uses tmux and /usr/bin/time if present, installs nothing.
bench: $(STAMP)
	$(BIN)/python bench/run_all.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
