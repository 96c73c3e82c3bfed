#!/usr/bin/env bash
# Static checks of everything in the repository. Runs each linter and fails if any failed.
set -uo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$(repo_root)" || exit 1

failed=()
run() {
  log "$*"
  "$@" || failed+=("$1")
}

run yamllint --strict .
run ansible-lint --profile production --offline
run ruff check tests molecule
run ruff format --check tests molecule
run uv run --quiet --locked --project app ruff check app
run uv run --quiet --locked --project app ruff format --check app
run npm --prefix frontend run --silent lint
run npm --prefix frontend run --silent typecheck
mapfile -t shell_scripts < <(git ls-files -- '*.sh' .ci/run)
run shellcheck -x "${shell_scripts[@]}"

if [ "${#failed[@]}" -gt 0 ]; then
  die "lint failed: ${failed[*]}"
fi
log "lint passed"
