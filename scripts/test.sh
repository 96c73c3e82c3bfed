#!/usr/bin/env bash
# The one test command: static checks and every test suite that exists, and the molecule
# scenarios on real hosts, as jobs run side by side (TEST_JOBS at once, default 3).
#
# A molecule scenario keeps about one core busy (its host waits on Docker and on the app much of
# the time; vmstat shows half of a 2-core machine idle), and so does a lane of checks (its steps
# one after another): three jobs at once fill a 2-core CI machine, while four made each scenario
# 3-4 times slower.
# The default scenario runs first: it proves idempotence and saves the release images the other
# scenarios load, so those start only once it passed. The longest jobs are queued first.
# Each job's output goes to .cache/test-<job>.log and is printed whole when it ends, so outputs
# never interleave; each step prints its time.
set -uo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
ROOT=$(repo_root)
# shellcheck source=scripts/env.sh
source "$ROOT/scripts/env.sh"
cd "$ROOT" || exit 1

JOBS=${TEST_JOBS:-3}
[[ "$JOBS" =~ ^[1-9][0-9]*$ ]] || die "TEST_JOBS must be a positive integer, not '$JOBS'"
# tests/ops and the app's tests wait on ansible-playbook, docker, subprocesses and their sleeps
# far more than they compute (the app's: 131 CPU-s in 690 s): pytest-xdist runs each suite on
# this many processes.
PYTEST_WORKERS=${TEST_PYTEST_WORKERS:-4}
[[ "$PYTEST_WORKERS" =~ ^[1-9][0-9]*$ ]] ||
  die "TEST_PYTEST_WORKERS must be a positive integer, not '$PYTEST_WORKERS'"
started=$(date +%s)
outcome() { if [ "$1" -eq 0 ]; then echo passed; else echo FAILED; fi; }
# Every step's time (and each molecule action's, written by scripts/molecule.sh), printed at the end.
export STEP_TIMES=$ROOT/.cache/test-steps.tsv
rm -f "$STEP_TIMES"

# The CPU time of this shell's finished children, in clock ticks (cutime + cstime of
# /proc/<pid>/stat): what a step's processes used on this machine, not in the containers they
# started (those run under the Docker daemon).
# Sets children_cpu (not printed: a command substitution would read its own subshell's).
CLOCK_TICKS=$(getconf CLK_TCK)
read_children_cpu() {
  local fields
  read -r -a fields <"/proc/$BASHPID/stat"
  children_cpu=$(( fields[15] + fields[16] ))
}

step() {
  local name=$1 t cpu children_cpu status=0
  shift
  read_children_cpu
  t=$(date +%s) cpu=$children_cpu
  log "[$name] starting"
  "$@" || status=$?
  read_children_cpu
  t=$(( $(date +%s) - t )) cpu=$(( (children_cpu - cpu) / CLOCK_TICKS ))
  log "[$name] $(outcome "$status") in $t s ($cpu CPU-s here)"
  record_step_time "$name" "$(outcome "$status")" "$t" "$cpu"
  return "$status"
}

# pytest exits 5 when it collects nothing; a suite that exists must run tests, so that is a failure.
run_pytest() { pytest -p no:cacheprovider -q "$@"; }
# The app's tests in one process: on 4 workers beside three scenarios the session engine's step
# log test failed on timing (CI run of 2026-12-05 13:23; the copytruncate fault test that failed
# with it found a tailer bug, since mended); one process passed every run.
app_tests() { (cd app && uv run --quiet --locked pytest -p no:cacheprovider -q); }

# The checks that need no host, in two lanes of steps run one after another; every step runs
# even when one before it failed. The two longest steps, stack-tests and app-tests, go in
# different lanes. CI run of 2026-12-06 05:10 (warm build caches): ops-tests 267 s, stack-tests
# 552; lint 217, the frontend's 126, app-tests 493: lanes of about 820 and 840 s (they were 760
# and 895 with app-tests and stack-tests after ops-tests and the frontend's). On a fresh machine
# prepared-host-image takes about 60 s more and stack-tests about 110 (its cold image build). The
# slot the first lane to end frees takes rollback, the other fleet.
ops_and_stack() {
  local status=0
  # While default runs: the scenarios after it start from this image (scripts/molecule.sh).
  step prepared-host-image bash scripts/prepared-host-image.sh || status=1
  step ops-tests run_pytest -n "$PYTEST_WORKERS" tests/ops || status=1
  step stack-tests run_pytest -s tests/stack || status=1
  return "$status"
}
static_and_units() {
  local status=0
  step lint bash scripts/lint.sh || status=1
  step frontend-api-types npm --prefix frontend run --silent check:api || status=1
  step frontend-tests npm --prefix frontend test || status=1
  step frontend-budget npm --prefix frontend run --silent budget || status=1
  step alert-rules bash scripts/check-alert-rules.sh || status=1
  step app-tests app_tests || status=1
  return "$status"
}

# The scenarios' own processes (molecule, ansible-playbook, testinfra: about 1,000 of a run's
# 4,000 CPU-s) run at a lower priority: on a saturated 2-core machine the checks that time the
# product get the CPU first (the browser suite's Log Viewer first page measured 313 ms against
# its 300 ms budget beside three scenarios on 2026-12-06; 118 ms on a quiet machine). The hosts'
# containers run under the engine, at its priority.
scenario() { step "molecule $1" nice -n 10 bash scripts/molecule.sh "$1"; }

# Queue order: what must come first, then the scenarios. Three at a time on a 2-core CI machine
# (CI run of 2026-12-05 10:21, 3 jobs at once): default 338 s, then backup_restore 610, rollback
# (with the rotation checks) 752, fleet 766, redeploy 573. The slot default frees first (the
# lanes still run) takes the two shortest scenarios one after the other (about 1,520 s in all,
# now the longest chain), and the two longest start when the lanes end (about 1,260 and 1,380).
LANES=(ops_and_stack static_and_units)
QUEUE=(default "${LANES[@]}" backup_restore rollback fleet redeploy)
is_lane() { [[ " ${LANES[*]} " == *" $1 "* ]]; }
needs_default() { [ "$1" != default ] && ! is_lane "$1"; }

run_job() {
  if is_lane "$1"; then "$1"; else scenario "$1"; fi
}

mkdir -p .cache
declare -A running=() job_started=()
failed=() summary=()
default_state=pending
finish_one() {
  local pid job status=0
  wait -n -p pid "${!running[@]}" || status=$?
  job=${running[$pid]}
  unset "running[$pid]"
  log "---- output of $job ----"
  cat ".cache/test-$job.log"
  summary+=("$job: $(outcome "$status") in $(( $(date +%s) - job_started[$job] )) s")
  if [ "$status" -eq 0 ]; then
    [ "$job" != default ] || default_state=passed
  else
    failed+=("$job")
    [ "$job" != default ] || default_state=failed
  fi
}

queue=("${QUEUE[@]}")
while [ "${#queue[@]}" -gt 0 ]; do
  job=${queue[0]}
  if needs_default "$job" && [ "$default_state" = failed ]; then
    log "$job: not run, the default scenario failed"
    failed+=("$job")
    queue=("${queue[@]:1}")
    continue
  fi
  if [ "${#running[@]}" -ge "$JOBS" ] || { needs_default "$job" && [ "$default_state" = pending ]; }; then
    finish_one
    continue
  fi
  log "$job: started (output in .cache/test-$job.log)"
  STEP_JOB=$job run_job "$job" >".cache/test-$job.log" 2>&1 &
  running[$!]=$job
  job_started[$job]=$(date +%s)
  queue=("${queue[@]:1}")
done
while [ "${#running[@]}" -gt 0 ]; do finish_one; done

# The lines that say why a job failed, last, where a CI page that keeps only the tail shows them.
failure_lines() {
  # Colours and molecule's "  │ " prefix off; a task's own fatal (not one quoted in a message),
  # pytest's failures and assertion lines, a recap that counts failures.
  sed -E 's/\x1b\[[0-9;]*m//g; s/^ *│ ?//' ".cache/test-$1.log" |
    grep -E '^(fatal: |FAILED [^-]|E  |ERROR |error: )|failed=[1-9]' | tail -n 30
}

elapsed=$(( $(date +%s) - started ))
log "---- time per step (job, step, outcome, seconds, CPU-seconds on this machine) ----"
[ ! -s "$STEP_TIMES" ] || sort -s -t $'\t' -k1,1 "$STEP_TIMES" |
  while IFS=$'\t' read -r job name result seconds cpu; do
    printf '%-18s %-34s %-7s %6s s %7s\n' "$job" "$name" "$result" "$seconds" "${cpu:+$cpu CPU-s}" >&2
  done
for job in "${failed[@]}"; do
  log "---- why $job failed (the last failure lines of .cache/test-$job.log) ----"
  failure_lines "$job"
done
for line in "${summary[@]}"; do log "$line"; done
[ "${#failed[@]}" -eq 0 ] || die "checks failed after $elapsed s: ${failed[*]}"
log "all checks passed in $elapsed s"
