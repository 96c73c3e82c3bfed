#!/usr/bin/env bash
# The backend's locked development environment (app/.venv), for its tests, lint and benchmarks.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
ROOT=$(repo_root)
# shellcheck source=scripts/env.sh
source "$ROOT/scripts/env.sh"

# The package's build compiles the full-text tokenizer (app/native) against SQLite's headers:
# Debian's compiler and headers are installed where they are missing (a fresh machine).
if ! command -v "${CC:-cc}" >/dev/null || [ ! -r /usr/include/sqlite3ext.h ]; then
  log "installing a C compiler and SQLite's headers for the full-text tokenizer"
  apt_install gcc libc6-dev libsqlite3-dev ||
    die "the backend needs a C compiler and SQLite's headers: apt-get install gcc libc6-dev libsqlite3-dev"
fi
# uv must never download an interpreter: the machine's python3 (3.11 or newer) is used.
# Bytecode compiled here, as for the ops tools (scripts/install-ops-tools.sh says why).
UV_PYTHON_DOWNLOADS=never uv sync --quiet --locked --compile-bytecode --project "$ROOT/app" \
  --python "${APP_PYTHON:-python3}"
log "app environment: $("$ROOT/app/.venv/bin/python" --version) in app/.venv"
