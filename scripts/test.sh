#!/usr/bin/env bash
# The one test command: static checks, then every test suite that exists, molecule last.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
ROOT=$(repo_root)
# shellcheck source=scripts/env.sh
source "$ROOT/scripts/env.sh"
cd "$ROOT"

started=$(date +%s)
step() {
  local t
  t=$(date +%s)
  log "[$1] starting"
  shift
  "$@"
  log "done in $(( $(date +%s) - t )) s"
}

# pytest exits 5 when it collects nothing; a suite that exists must run tests, so that is a failure.
# default first and alone: it proves idempotence and saves the release images the others load.
# The others then run side by side (each has its own host container), which takes about half
# the time of running them one after another.
MOLECULE_FOLLOWERS=(redeploy rollback backup_restore rotate)

run_pytest() { pytest -p no:cacheprovider -q "$@"; }
app_tests() { (cd app && uv run --quiet --locked pytest -p no:cacheprovider -q); }

step lint bash scripts/lint.sh
step ops-tests run_pytest tests/ops
step app-tests app_tests
step frontend-api-types npm --prefix frontend run --silent check:api
step frontend-tests npm --prefix frontend test
step frontend-budget npm --prefix frontend run --silent budget
step stack-tests run_pytest -s tests/stack
step molecule-default bash scripts/molecule.sh default
step molecule-others env MOLECULE_JOBS="${MOLECULE_JOBS:-2}" bash scripts/molecule.sh "${MOLECULE_FOLLOWERS[@]}"
log "all checks passed in $(( $(date +%s) - started )) s"
