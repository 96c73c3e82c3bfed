#!/usr/bin/env bash
# Static checks of everything in the repository. Runs each check and fails if any failed.
# `lint.sh CHECK...` runs only the named ones (the pre-commit hooks call it that way), so a
# check is spelled here once.
set -uo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
ROOT=$(repo_root)
# shellcheck source=scripts/env.sh
source "$ROOT/scripts/env.sh"
cd "$ROOT" || exit 1

CHECKS=(yamllint ansible-lint ruff ruff-app mypy eslint tsc shellcheck)

app_uv() { uv run --quiet --locked --project app "$@"; }

check() {
  case "$1" in
    yamllint) yamllint --strict . ;;
    ansible-lint) ansible-lint --profile production --offline ;;
    ruff) ruff check tests molecule && ruff format --check tests molecule ;;
    ruff-app) app_uv ruff check app && app_uv ruff format --check app ;;
    # mypy reads its configuration from the directory it runs in. Its cache is kept beside uv's,
    # for every checkout of this machine (a fresh clone: 18 CPU-s cold, 1.4 with it; mypy checks
    # each cached module against the file's hash).
    mypy) (cd app && MYPY_CACHE_DIR=${MYPY_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/delta-strangle/mypy} \
      uv run --quiet --locked mypy) ;;
    eslint) npm --prefix frontend run --silent lint ;;
    tsc) npm --prefix frontend run --silent typecheck ;;
    shellcheck)
      local shell_scripts
      mapfile -t shell_scripts < <(git ls-files -- '*.sh' .ci/run)
      shellcheck -x "${shell_scripts[@]}"
      ;;
    *) die "unknown check '$1' (checks: ${CHECKS[*]})" ;;
  esac
}

[ "$#" -gt 0 ] || set -- "${CHECKS[@]}"
failed=()
for name in "$@"; do
  log "$name"
  check "$name" || failed+=("$name")
done

if [ "${#failed[@]}" -gt 0 ]; then
  die "lint failed: ${failed[*]}"
fi
log "lint passed: $*"
