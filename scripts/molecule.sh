#!/usr/bin/env bash
# Run molecule scenarios from a clean slate: a host container or volume left over by an
# interrupted run (same names) is removed first and after.
#
#   scripts/molecule.sh [scenario ...]     one after another (default: default)
#   MOLECULE_JOBS=4 scripts/molecule.sh a b c d
#                                          up to 4 at once; each one's output goes to
#                                          .cache/molecule-<scenario>.log and is printed
#                                          whole when it ends, so outputs never interleave
# Scenarios can run side by side because each names its host container and volume after itself.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$(repo_root)"

JOBS=${MOLECULE_JOBS:-1}
[[ "$JOBS" =~ ^[1-9][0-9]*$ ]] || die "MOLECULE_JOBS must be a positive integer, not '$JOBS'"

remove_leftovers() {
  molecule destroy -s "$1" >/dev/null 2>&1 || true
  # Each scenario names its host container and volume delta-molecule-<scenario>[-docker].
  docker volume ls -q --filter "name=^delta-molecule-$1-" | xargs -r docker volume rm -f >/dev/null
}

run_scenario() {
  local scenario=$1 started status=0
  remove_leftovers "$scenario"
  started=$(date +%s)
  molecule test -s "$scenario" || status=$?
  remove_leftovers "$scenario"
  log "molecule scenario $scenario: $([ "$status" -eq 0 ] && echo passed || echo FAILED) in $(( $(date +%s) - started )) s"
  return "$status"
}

scenarios=("${@:-default}")
if [ "$JOBS" -eq 1 ]; then
  for scenario in "${scenarios[@]}"; do
    run_scenario "$scenario"
  done
  exit 0
fi

mkdir -p .cache
declare -A pids=()
failed=()
finish_one() {
  local pid scenario status=0
  wait -n -p pid "${!pids[@]}" || status=$?
  scenario=${pids[$pid]}
  unset "pids[$pid]"
  log "---- output of molecule scenario $scenario ----"
  cat ".cache/molecule-$scenario.log"
  [ "$status" -eq 0 ] || failed+=("$scenario")
}
for scenario in "${scenarios[@]}"; do
  while [ "${#pids[@]}" -ge "$JOBS" ]; do finish_one; done
  log "molecule scenario $scenario: started (output in .cache/molecule-$scenario.log)"
  run_scenario "$scenario" >".cache/molecule-$scenario.log" 2>&1 &
  pids[$!]=$scenario
done
while [ "${#pids[@]}" -gt 0 ]; do finish_one; done
[ "${#failed[@]}" -eq 0 ] || die "molecule scenarios failed: ${failed[*]}"
log "molecule scenarios passed: ${scenarios[*]}"
