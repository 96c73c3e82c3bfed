#!/usr/bin/env bash
# Everything a fresh Debian/Ubuntu machine needs for `make sandbox` and `make test`.
# Idempotent: on a ready machine every step only checks and returns.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"

ROOT=$(repo_root)
started=$(date +%s)
"$ROOT/scripts/install-docker-engine.sh"
"$ROOT/scripts/install-ops-tools.sh"
"$ROOT/scripts/install-app-deps.sh"
"$ROOT/scripts/install-frontend-deps.sh"
"$ROOT/scripts/build-base-images.sh"
log "setup finished in $(( $(date +%s) - started )) s"
