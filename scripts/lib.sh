# Shared helpers for the project's shell scripts (sourced, not executed).
# shellcheck shell=bash

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Run a command as root: directly when we are root, through sudo otherwise.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# apt-get update at most once per script run.
apt_updated=0
apt_update_once() {
  if [ "$apt_updated" -eq 0 ]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    apt_updated=1
  fi
}

apt_install() {
  apt_update_once
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# One line per finished step (job, step, passed/FAILED, seconds, CPU-seconds when known) in the
# file STEP_TIMES names, for the table scripts/test.sh prints at the end; nothing when STEP_TIMES
# is unset.
record_step_time() {
  [ -z "${STEP_TIMES:-}" ] ||
    printf '%s\t%s\t%s\t%s\t%s\n' "${STEP_JOB:-}" "$1" "$2" "$3" "${4:-}" >>"$STEP_TIMES"
}

repo_root() { cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd; }

# uv verifies HTTPS against its own bundled roots, and pip before 24.2 against certifi's: behind
# an intercepting proxy both need the system trust store (which the host role and
# EXTRA_CA_BUNDLE fill). An SSL_CERT_FILE or PIP_CERT already set is kept.
SYSTEM_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt
use_system_trust_store() {
  export UV_NATIVE_TLS=1
  if [ -r "$SYSTEM_CA_BUNDLE" ]; then
    export SSL_CERT_FILE="${SSL_CERT_FILE:-$SYSTEM_CA_BUNDLE}"
    export PIP_CERT="${PIP_CERT:-$SSL_CERT_FILE}"
  fi
}
