# Groundswell tasks. `make` alone lists them.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
SEED ?= 7
HOST ?= 127.0.0.1
PORT ?= 8000
# Pure engines, named once in src/groundswell/__init__.py (ENGINES): kept free of store, web,
# CLI and Dask imports (lint-imports; a test checks pyproject's contract names them).
ENGINES := $(addprefix src/groundswell/,$(shell $(PYTHON) -c 'import sys; sys.path[:0] = ["src"]; import groundswell; print(*groundswell.ENGINES)'))

export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: help
help: ## List the tasks
	@grep -hE '^[a-z][a-z-]*:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "Groundswell needs Python 3.11 or newer (found $$($(PYTHON) --version))"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python pyproject.toml uv.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(BIN)/uv sync --frozen --inexact --extra dev --quiet --compile-bytecode
	@touch $@

.PHONY: install
install: $(VENV)/.installed assets ## Create .venv and install the locked dependencies and web assets

.PHONY: assets
assets: ## Install the NHS.UK frontend and htmx (npm) into the git-ignored static folder
	@bash scripts/assets.sh

.PHONY: demo
demo: install ## Set up, compile the kernels, build the demo movement (SEED=7) and serve it at http://127.0.0.1:8000
	$(BIN)/groundswell init
	$(BIN)/groundswell warm
	$(BIN)/groundswell demo --seed $(SEED)
	$(BIN)/groundswell serve --host $(HOST) --port $(PORT)

.PHONY: system
system: ## Install the system packages the tests need (Chromium, PostgreSQL)
	@bash scripts/system.sh

.PHONY: test
test: install system ## Set up and run everything CI runs: lint, type and architecture checks, the whole suite on SQLite and PostgreSQL
	@export PG_TEST_URL="$$(bash scripts/postgres.sh)" && \
	$(MAKE) --no-print-directory lint && \
	$(MAKE) --no-print-directory docs && \
	$(BIN)/python -m pytest -q -p no:cacheprovider -n auto --dist loadfile --cov --cov-report=term-missing:skip-covered

.PHONY: lint
lint: ## ruff (lint + format check), mypy over the whole package, import-linter contracts
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy src/groundswell
	$(BIN)/lint-imports

.PHONY: docs
docs: $(VENV)/.installed ## Build the documentation site into site/ (reference pages regenerated first; a broken link fails)
	$(BIN)/python scripts/docs_reference.py
	$(BIN)/mkdocs build --strict --quiet

.PHONY: format
format: ## Fix lint and formatting in place
	$(BIN)/ruff check --fix src tests benchmarks
	$(BIN)/ruff format src tests benchmarks

.PHONY: bench
bench: install ## Run every benchmark side by side with its peers (PG_BENCH_URL=scratch db: load on PostgreSQL too)
	$(BIN)/uv sync --frozen --inexact --extra dev --extra bench --quiet
	$(BIN)/uv pip install --python $(BIN)/python --quiet --no-deps bertopic==0.17.4
	$(BIN)/python benchmarks/spread.py
	$(BIN)/python benchmarks/load_graph.py
	$(BIN)/python benchmarks/seeds.py
	$(BIN)/python benchmarks/roles.py
	$(BIN)/python benchmarks/conversations.py
	$(BIN)/python benchmarks/themes.py
	$(BIN)/python benchmarks/load.py
	if [ -n "$(PG_BENCH_URL)" ]; then $(BIN)/python benchmarks/load.py --postgres "$(PG_BENCH_URL)"; fi

.PHONY: clean
clean: ## Remove the virtual environment and build outputs
	rm -rf $(VENV) node_modules src/groundswell/web/static/vendor .pytest_cache .ruff_cache .mypy_cache site
