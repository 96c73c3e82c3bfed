#!/usr/bin/env bash
# Create or refresh the pinned Python environment of the ops tools (.venv-ops).
# A stamp of requirements/ops.txt makes a second run on a ready machine a no-op.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"

ROOT=$(repo_root)
VENV=${OPS_VENV:-$ROOT/.venv-ops}
LOCK=$ROOT/requirements/ops.txt
UV_VERSION=0.13.9
PYTHON=${OPS_PYTHON:-python3}
STAMP=$VENV/.ops-lock.sha256

# tests/ops run the off-host backup script with the machine's restic: 0.17 or newer, as on
# Debian 13 (on Debian 12 from trixie, which install-docker-engine.sh pins like Compose).
restic_recent() { restic version 2>/dev/null | grep -qE '^restic 0\.(1[7-9]|[2-9][0-9])\.'; }
restic_recent || apt_install restic
restic_recent || apt_install "restic/${NEWER_SUITE:-trixie}"

# The stamp also names how the tools were installed: compiled to bytecode (see below).
want="$(sha256sum "$LOCK" | cut -d' ' -f1) bytecode"
if [ -x "$VENV/bin/ansible-playbook" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$want" ]; then
  log "ops tools are up to date in $VENV"
  exit 0
fi

command -v git >/dev/null 2>&1 || apt_install git
use_system_trust_store
if ! "$PYTHON" -m venv --help >/dev/null 2>&1 || ! "$PYTHON" -c 'import ensurepip' 2>/dev/null; then
  apt_install python3-venv
fi
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check "uv==$UV_VERSION"
log "installing the pinned ops tools into $VENV"
# Compiled to bytecode once here: where PYTHONDONTWRITEBYTECODE is set (CI images set it),
# every ansible-playbook, molecule and pytest start would otherwise compile what it imports
# again (a trivial playbook: 1.4 CPU-s instead of 0.7).
UV_PYTHON_DOWNLOADS=never "$VENV/bin/uv" pip sync -q --compile-bytecode --python "$VENV/bin/python" "$LOCK"
# uv pip sync removes what the lock does not list, uv itself included: put it back.
"$VENV/bin/python" -m pip install -q --disable-pip-version-check "uv==$UV_VERSION"
echo "$want" > "$STAMP"
log "ops tools: $("$VENV/bin/ansible" --version | head -1), $(PATH="$VENV/bin:$PATH" molecule --version 2>/dev/null | head -1)"
