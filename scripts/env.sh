# Environment of the project's commands (sourced): the ops tools first on PATH, the base
# images chosen by the kit, and the extra CA bundle for builds and hosts.
# shellcheck shell=bash
ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
export DELTA_REPO_ROOT="$ROOT"
export PATH="$ROOT/.venv-ops/bin:$PATH"
export ANSIBLE_CONFIG="$ROOT/ansible.cfg"
# The machine's trust store carries the intercepting proxy's CA where there is one.
if [ -z "${EXTRA_CA_BUNDLE+set}" ] && [ -r /etc/ssl/certs/ca-certificates.crt ]; then
  export EXTRA_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt
fi
if [ -r "$ROOT/.cache/base-images.env" ]; then
  set -a
  # shellcheck source=/dev/null
  source "$ROOT/.cache/base-images.env"
  set +a
fi
