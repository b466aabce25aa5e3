# Two commands from a fresh clone: `make run` and `make test`. Both create .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck unit snapshots-update bench clean .venv

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

test: lint typecheck
	$(BIN)/python -m pytest $(PYTEST_ARGS)

unit: $(STAMP)
	$(BIN)/python -m pytest tests/unit $(PYTEST_ARGS)

snapshots-update: $(STAMP)
	$(BIN)/python -m pytest tests/snapshots --snapshot-update

# Every figure of BENCHMARKS.md, measured again and written there (a few minutes; BENCH_ARGS=--quick
# for a try-out, --no-write to print only). Uses tmux and /usr/bin/time if present, installs nothing.
bench: $(STAMP)
	$(BIN)/python bench/run_all.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
