#!/usr/bin/env bash
# The frontend's locked node_modules, and Debian's Chromium for its browser tests.
# A stamp of package-lock.json makes a second run on a ready machine a no-op.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
ROOT=$(repo_root)
FRONTEND=$ROOT/frontend
STAMP=$FRONTEND/node_modules/.package-lock.sha256

node_is_recent() {
  command -v node >/dev/null 2>&1 \
    && node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'
}
node_is_recent || die "Node.js 20.19 or newer is needed for the frontend (Vite 8); found $(node --version 2>/dev/null || echo none)"

# Browser download steps cannot reach their hosts; Debian's Chromium is driven instead.
[ -x /usr/bin/chromium ] || { log "installing Debian's chromium for the browser tests"; apt_install chromium; }

want=$(sha256sum "$FRONTEND/package-lock.json" | cut -d' ' -f1)
if [ "$(cat "$STAMP" 2>/dev/null)" != "$want" ]; then
  log "installing the frontend's locked dependencies (npm ci)"
  (cd "$FRONTEND" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" >"$STAMP"
fi
log "frontend: node $(node --version), $(/usr/bin/chromium --version 2>/dev/null | head -1)"
