#!/usr/bin/env bash
# Run molecule scenarios from a clean slate: a host container or volume left over by an
# interrupted run (same names) is removed first and after.
#
#   scripts/molecule.sh [scenario ...]     one after another (default: default)
# Scenarios can run side by side (scripts/test.sh does) because each names its host container
# and volume after itself.
set -euo pipefail
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

run_scenario() {
  local scenario=$1 started status=0 host_image
  remove_leftovers "$scenario"
  started=$(date +%s)
  host_image=$(host_image_for "$scenario")
  log "molecule scenario $scenario: hosts from $host_image"
  HOST_BASE_IMAGE=$host_image molecule test -s "$scenario" || status=$?
  remove_leftovers "$scenario"
  log "molecule scenario $scenario: $([ "$status" -eq 0 ] && echo passed || echo FAILED) in $(( $(date +%s) - started )) s"
  return "$status"
}

for scenario in "${@:-default}"; do
  run_scenario "$scenario"
done
