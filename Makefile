# The verbs a newcomer needs. `make sandbox` and `make test` each do their own set-up.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
RUN := source scripts/env.sh &&

.PHONY: help setup test lint test-ops test-molecule sandbox sandbox-down bench bench-logs bench-export bench-images

help: ## List the verbs
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

setup: ## Install the Docker engine, the pinned ops tools and the base images (idempotent)
	@bash scripts/setup.sh

test: setup ## Run every check: lint, unit tests, molecule on a real Debian 13 host
	@bash scripts/test.sh

lint: setup ## Static checks: ansible-lint (production), yamllint, ruff, shellcheck
	@$(RUN) bash scripts/lint.sh

test-ops: setup ## The ops tool tests (collections, base image kit)
	@$(RUN) pytest -p no:cacheprovider -q tests/ops

test-molecule: setup ## The molecule scenarios on the Debian 13 systemd host
	@$(RUN) bash scripts/molecule.sh $(or $(SCENARIOS),default redeploy rollback backup_restore rotate)

sandbox: setup ## Deploy to a throwaway local host container
	@bash scripts/sandbox.sh up

sandbox-down: ## Remove the throwaway host container and its volume
	@bash scripts/sandbox.sh down

bench: bench-images bench-logs bench-export ## Every benchmark (figures, not tests)

bench-logs: setup ## Log pipeline: throughput vs sqlite-utils, latency, queries, retention, kill soak
	@$(RUN) cd app && uv run --locked python -m bench.bench_logs

bench-export: setup ## Analytics CSV export: rows/s and peak RSS over 1,000,000 timeline rows
	@$(RUN) cd app && uv run --locked python -m bench.bench_export

bench-images: setup ## Image sizes, cold build and rebuild times
	@bash scripts/bench-images.sh
