#!/usr/bin/env bash
# Run molecule scenarios from a clean slate: a host container or volume left over by an
# interrupted run (same names) is removed first and after.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$(repo_root)"

remove_leftovers() {
  molecule destroy -s "$1" >/dev/null 2>&1 || true
  # Each scenario names its host container and volume delta-molecule-<scenario>[-docker].
  docker volume ls -q --filter "name=^delta-molecule-$1-" | xargs -r docker volume rm -f >/dev/null
}

for scenario in "${@:-default}"; do
  remove_leftovers "$scenario"
  started=$(date +%s)
  status=0
  molecule test -s "$scenario" || status=$?
  remove_leftovers "$scenario"
  log "molecule scenario $scenario: $([ "$status" -eq 0 ] && echo passed || echo FAILED) in $(( $(date +%s) - started )) s"
  [ "$status" -eq 0 ] || exit "$status"
done
