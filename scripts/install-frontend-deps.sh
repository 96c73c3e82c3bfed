#!/usr/bin/env bash
# The frontend's toolchain: the pinned Node.js 22 LTS, its locked node_modules, and Debian's
# Chromium for its browser tests.
# A stamp of package-lock.json makes a second run on a ready machine a no-op.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
ROOT=$(repo_root)
FRONTEND=$ROOT/frontend
STAMP=$FRONTEND/node_modules/.package-lock.sha256

NODE_KIT=$ROOT/docker/base-images/node
# shellcheck source=docker/base-images/node/node-release.env
source "$NODE_KIT/node-release.env"
# The frontend's steps run on the Node the image builds with; a machine without it gets it the same pinned way.
NODE_PREFIX=${NODE_PREFIX:-/usr/local}
if [ "$(node --version 2>/dev/null)" != "v$NODE_VERSION" ]; then
  log "installing Node.js $NODE_VERSION and npm $NPM_VERSION in $NODE_PREFIX (found $(node --version 2>/dev/null || echo none))"
  command -v curl >/dev/null 2>&1 || apt_install curl ca-certificates
  as_root bash "$NODE_KIT/install-node.sh" "$NODE_PREFIX"
  hash -r
  [ "$(node --version 2>/dev/null)" = "v$NODE_VERSION" ] \
    || die "Node.js $NODE_VERSION is in $NODE_PREFIX/bin, but \`node\` on PATH is $(command -v node): put $NODE_PREFIX/bin first"
fi

# Browser download steps cannot reach their hosts; Debian's Chromium is driven instead.
[ -x /usr/bin/chromium ] || { log "installing Debian's chromium for the browser tests"; apt_install chromium; }

want=$(sha256sum "$FRONTEND/package-lock.json" | cut -d' ' -f1)
if [ "$(cat "$STAMP" 2>/dev/null)" != "$want" ]; then
  log "installing the frontend's locked dependencies (npm ci)"
  (cd "$FRONTEND" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" >"$STAMP"
fi
log "frontend: node $(node --version), $(/usr/bin/chromium --version 2>/dev/null | head -1)"
