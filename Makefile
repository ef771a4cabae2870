# Every target installs what it needs first, so each works on a fresh clone and is safe to re-run.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TOOLS := .tools
BUN_VERSION := 1.4.5
PORT ?= 3000
WORKERS ?= $(shell nproc 2>/dev/null || echo 2)

export PATH := $(abspath $(TOOLS))/node_modules/.bin:$(PATH)
export REFLEX_USE_SYSTEM_BUN := 1
export REFLEX_TELEMETRY_ENABLED := false
export REFLEX_CHECK_LATEST_VERSION := false
export PORT

.PHONY: help install js-runtime chromium migrate seed run run-prod simulate test lint bench load clean distclean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed js-runtime ## Create .venv and install the project and a JavaScript runtime

js-runtime:
	@if command -v bun >/dev/null 2>&1; then \
		echo "bun $$(bun --version) at $$(command -v bun)"; \
	else \
		echo "Installing bun $(BUN_VERSION) from npm into $(TOOLS)/"; \
		npm install --prefix $(TOOLS) --no-audit --no-fund --silent bun@$(BUN_VERSION); \
	fi

chromium: ## Make sure Debian's Chromium is there for the browser tests
	@if [ -x /usr/bin/chromium ]; then \
		true; \
	elif [ "$$(id -u)" = "0" ]; then \
		echo "Installing Chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "The browser tests need Chromium at /usr/bin/chromium: run 'sudo apt-get install chromium'." >&2; \
		exit 1; \
	fi

migrate: install ## Bring the database (DATABASE_URL, default SQLite) to the latest schema
	$(BIN)/reflex db migrate

seed: migrate ## Load the demo data into an empty database (never touches existing data)
	$(BIN)/python -m mentor_dash.seed

run: seed ## Install, migrate, seed on first run and start the app (production build) on PORT
	@$(BIN)/python -m mentor_dash.banner
	$(BIN)/python -m mentor_dash.serve --env prod --frontend-port $(PORT) --backend-port $(PORT)

run-prod: install ## PostgreSQL (DATABASE_URL) + Redis (REDIS_URL) + WORKERS backend workers on PORT
	@test -n "$$DATABASE_URL" || { echo "run-prod needs DATABASE_URL, e.g. postgresql://user@host:5432/mentor_dash" >&2; exit 1; }
	@test -n "$$REDIS_URL" || { echo "run-prod needs REDIS_URL, e.g. redis://127.0.0.1:6379/0" >&2; exit 1; }
	$(BIN)/reflex db migrate
	$(BIN)/python -m mentor_dash.seed
	@$(BIN)/python -m mentor_dash.banner
	GRANIAN_WORKERS=$(WORKERS) $(BIN)/python -m mentor_dash.serve --env prod --frontend-port $(PORT) --backend-port $(PORT)

simulate: install ## Demo activity (grading, hand-ins, exams) through the services; RATE per second
	$(BIN)/python -m mentor_dash.simulate --rate $${RATE:-1}

lint: install ## ruff
	$(BIN)/ruff check .

test: install chromium lint ## Lint and run every test (SQLite, PostgreSQL, browser)
	$(BIN)/python -m pytest

bench: install ## Run the benchmarks; prints tables and writes bench/results.json
	$(BIN)/python -m tests.bench

load: install ## Load test: 200 websocket clients for 2 minutes on PostgreSQL + Redis, 1 and 2 workers
	$(BIN)/python -m tests.bench.load --clients $${CLIENTS:-200} --seconds $${DURATION:-120}

clean: ## Remove build output and caches (the database is kept)
	rm -rf .web .states .pytest_cache .ruff_cache artifacts
	find . -name __pycache__ -type d -not -path './.venv/*' -prune -exec rm -rf {} +

distclean: clean ## Also remove the virtualenv and the JavaScript runtime
	rm -rf $(VENV) $(TOOLS)
