#!/usr/bin/env bash
# Deploy figures (not a test), on the sandbox host started afresh: a cold deploy (base images
# present, nothing of the release built yet), a no-change re-run, a backend-only release and a
# frontend-only release, each beside a trivial playbook against the same host in the same run,
# whose ratio separates our cost from Ansible's connection cost. Each run's slowest tasks
# (profile_tasks) are printed; whole outputs are in .cache/bench-deploy-<run>.log.
# Leaves the sandbox deployed (at the last release); make sandbox-down removes it.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
ROOT=$(repo_root)
# shellcheck source=scripts/env.sh
source "$ROOT/scripts/env.sh"
cd "$ROOT"
mkdir -p .cache

INVENTORY=(-i inventory/sandbox)
declare -A seconds=()

# Runs a playbook with profile_tasks, keeps its output, records its wall time under a name.
timed_play() {
  local name=$1 t0 status=0
  shift
  t0=$(date +%s.%N)
  ANSIBLE_CALLBACKS_ENABLED=ansible.posix.profile_tasks ansible-playbook "${INVENTORY[@]}" "$@" \
    >".cache/bench-deploy-$name.log" 2>&1 || status=$?
  seconds[$name]=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  [ "$status" -eq 0 ] || die "$name failed (exit $status): see .cache/bench-deploy-$name.log"
  log "$name: ${seconds[$name]} s; its slowest tasks:"
  # profile_tasks' summary: the lines after the recap's timestamp, slowest first.
  sed -E 's/\x1b\[[0-9;]*m//g' ".cache/bench-deploy-$name.log" | grep -E -- '-{4,} [0-9.]+s$' | head -n 8
}

# The trivial playbook, three times (the median is the baseline).
baseline() {
  local runs=()
  for n in 1 2 3; do
    timed_play "baseline-$n" scripts/bench-deploy/baseline.yml >/dev/null
    runs+=("${seconds[baseline-$n]}")
  done
  printf '%s\n' "${runs[@]}" | sort -n | sed -n 2p
}

push_change() {
  ansible-playbook "${INVENTORY[@]}" scripts/bench-deploy/push-change.yml \
    -e "bench_change_file=$1" -e "bench_change_comment=$2" \
    >".cache/bench-deploy-push.log" 2>&1 || die "pushing a change to $1 failed: see .cache/bench-deploy-push.log"
}

log "starting the sandbox host afresh"
bash scripts/sandbox.sh down
bash scripts/sandbox.sh host >.cache/bench-deploy-host.log 2>&1 || die "the sandbox host did not start: see .cache/bench-deploy-host.log"

timed_play cold deploy.yml
timed_play no-change deploy.yml
push_change app/src/control_plane/__init__.py '#'
timed_play backend-only deploy.yml
push_change frontend/src/main.tsx //
timed_play frontend-only deploy.yml
base=$(baseline)

ratio() { awk -v a="$1" -v b="$base" 'BEGIN { printf "%.1fx", a / b }'; }
printf '\n%-36s %10s %10s %12s\n' "figure" "measured" "target" "vs baseline"
printf '%-36s %10s %10s %12s\n' "trivial playbook, median of 3 (s)" "$base" "-" "1.0x"
printf '%-36s %10s %10s %12s\n' "cold deploy of a fresh host (s)" "${seconds[cold]}" "<= 180" "$(ratio "${seconds[cold]}")"
printf '%-36s %10s %10s %12s\n' "no-change re-run (s)" "${seconds[no-change]}" "<= 20" "$(ratio "${seconds[no-change]}")"
printf '%-36s %10s %10s %12s\n' "backend-only release (s)" "${seconds[backend-only]}" "<= 60" "$(ratio "${seconds[backend-only]}")"
printf '%-36s %10s %10s %12s\n' "frontend-only release (s)" "${seconds[frontend-only]}" "-" "$(ratio "${seconds[frontend-only]}")"
log "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
