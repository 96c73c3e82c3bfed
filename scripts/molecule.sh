#!/usr/bin/env bash
# Run molecule scenarios from a clean slate: a host container or volume left over by an
# interrupted run (same names) is removed first and after.
#
#   scripts/molecule.sh [scenario ...]     one after another (default: default)
# Scenarios can run side by side (scripts/test.sh does) because each names its host container
# and volume after itself.
set -euo pipefail
shopt -s extglob
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$(repo_root)"

remove_leftovers() {
  molecule destroy -s "$1" >/dev/null 2>&1 || true
  # Each scenario names its host container and volume delta-molecule-<scenario>[-docker].
  docker volume ls -q --filter "name=^delta-molecule-$1-" | xargs -r docker volume rm -f >/dev/null
}

# default proves the install on a bare host; the others start from the prepared host image (the
# same packages already installed), built once and shared.
host_image_for() {
  if [ "$1" = default ]; then
    echo "${HOST_BASE_IMAGE:-delta-strangle/debian-systemd:trixie}"
  else
    bash scripts/prepared-host-image.sh
  fi
}

# Passes molecule's output through and records how long each of its actions (create, converge,
# verify...) took: the time from its "Executing" line to its "Executed: <result>" line. An action
# that never reports (a failure aborts the sequence) is recorded as FAILED when the output ends.
time_actions() {
  local scenario=$1 line plain action="" since=0 now result
  while IFS= read -r line; do
    printf '%s\n' "$line"
    plain=${line//$'\e['*([0-9;])m/}
    printf -v now '%(%s)T' -1
    if [[ $plain =~ ➜\ ([a-z_]+):\ Executing$ ]]; then
      action=${BASH_REMATCH[1]} since=$now
    elif [[ -n $action && $plain =~ ➜\ ${action}:\ Executed:\ (.*)$ ]]; then
      case ${BASH_REMATCH[1]} in
        Successful) result=passed ;;
        *[Ff]ail*) result=FAILED ;;
        *) result=skipped ;; # "2 disabled", "Missing playbook ..."
      esac
      record_step_time "$scenario: $action" "$result" $(( now - since ))
      action=''
    fi
  done
  [ -z "$action" ] || record_step_time "$scenario: $action" FAILED $(( now - since ))
}

run_scenario() {
  local scenario=$1 started status=0 host_image
  remove_leftovers "$scenario"
  started=$(date +%s)
  host_image=$(host_image_for "$scenario")
  log "molecule scenario $scenario: hosts from $host_image"
  HOST_BASE_IMAGE=$host_image molecule test -s "$scenario" 2>&1 | time_actions "$scenario" || status=$?
  remove_leftovers "$scenario"
  log "molecule scenario $scenario: $([ "$status" -eq 0 ] && echo passed || echo FAILED) in $(( $(date +%s) - started )) s"
  return "$status"
}

for scenario in "${@:-default}"; do
  run_scenario "$scenario"
done
