# The verbs a newcomer needs. `make sandbox` and `make test` each do their own set-up; the
# everyday loop (fmt, typecheck, lint, test-app, test-frontend) installs only the locked
# environments it uses and needs no Docker engine or base images.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
RUN := source scripts/env.sh &&

.PHONY: help setup test lint fmt typecheck test-app test-frontend hooks test-ops test-molecule \
	sandbox sandbox-down bench bench-logs bench-export bench-images bench-deploy ops-tools app-deps frontend-deps

help: ## List the verbs
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

setup: ## Install the Docker engine, the pinned ops tools and the base images (idempotent)
	@bash scripts/setup.sh

test: setup ## Run every check: lint, unit tests, molecule on a real Debian 13 host
	@bash scripts/test.sh

lint: app-deps frontend-deps ## Static checks: ansible-lint, yamllint, ruff, mypy, eslint, tsc, shellcheck
	@bash scripts/lint.sh

fmt: app-deps ## Format the Python (ruff format) and apply ruff's safe fixes
	@$(RUN) ruff format tests molecule && ruff check --fix --quiet tests molecule
	@$(RUN) cd app && uv run --quiet --locked ruff format && uv run --quiet --locked ruff check --fix --quiet

typecheck: app-deps ## mypy (strict) over the backend's sources
	@bash scripts/lint.sh mypy

test-app: app-deps ## The backend's tests except those marked slow (make test runs those too)
	@$(RUN) cd app && uv run --quiet --locked pytest -q -m "not slow"

test-frontend: frontend-deps ## The frontend's unit tests (vitest)
	@npm --prefix frontend test

hooks: app-deps ## Install the git pre-commit hook: the lint checks of the files a commit touches
	@$(RUN) uv run --quiet --locked --project app pre-commit install

test-ops: setup ## The ops tool tests (collections, base image kit)
	@$(RUN) pytest -p no:cacheprovider -q tests/ops

test-molecule: setup ## The molecule scenarios on the Debian 13 systemd host
	@$(RUN) bash scripts/molecule.sh $(or $(SCENARIOS),default redeploy rollback fleet backup_restore)

sandbox: setup ## Deploy to a throwaway local host container
	@bash scripts/sandbox.sh up

sandbox-down: ## Remove the throwaway host container and its volume
	@bash scripts/sandbox.sh down

bench: bench-images bench-logs bench-export bench-deploy ## Every benchmark (figures, not tests)

bench-logs: app-deps ## Log pipeline: throughput vs sqlite-utils, latency, queries, retention, kill soak
	@$(RUN) cd app && uv run --locked python -m bench.bench_logs

bench-export: app-deps ## Analytics CSV export: rows/s and peak RSS over 1,000,000 timeline rows
	@$(RUN) cd app && uv run --locked python -m bench.bench_export

bench-deploy: setup ## Deploy speed on a fresh sandbox host: cold, no-change, backend-only, frontend-only
	@bash scripts/bench-deploy.sh

bench-images: setup ## Image sizes, cold build and rebuild times
	@bash scripts/bench-images.sh

# The locked environments the everyday loop needs (each idempotent; no Docker).
ops-tools:
	@bash scripts/install-ops-tools.sh

app-deps: ops-tools
	@bash scripts/install-app-deps.sh

frontend-deps:
	@bash scripts/install-frontend-deps.sh
