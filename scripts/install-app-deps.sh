#!/usr/bin/env bash
# The backend's locked development environment (app/.venv), for its tests, lint and benchmarks.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
ROOT=$(repo_root)
# shellcheck source=scripts/env.sh
source "$ROOT/scripts/env.sh"

# uv must never download an interpreter: the machine's python3 (3.11 or newer) is used.
UV_PYTHON_DOWNLOADS=never uv sync --quiet --locked --project "$ROOT/app" --python "${APP_PYTHON:-python3}"
log "app environment: $("$ROOT/app/.venv/bin/python" --version) in app/.venv"
