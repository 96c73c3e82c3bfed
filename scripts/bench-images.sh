#!/usr/bin/env bash
# Image figures (not a test): sizes, cold build time, and rebuild time after a one-line change
# to the backend's code with layer caching. Builds from a copy of the contexts, so the working
# tree is never touched.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
ROOT=$(repo_root)
# shellcheck source=scripts/env.sh
source "$ROOT/scripts/env.sh"
# shellcheck source=docker/image-budgets.env
source "$ROOT/docker/image-budgets.env"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$ROOT/app" "$ROOT/frontend" "$ROOT/docker" "$ROOT/.dockerignore" "$work/"
rm -rf "$work/app/.venv" "$work/frontend/node_modules"
secret=(--secret "id=ca,src=${EXTRA_CA_BUNDLE:-/dev/null}")

build_backend() {
  docker build -q "${secret[@]}" -f "$work/docker/backend.Dockerfile" \
    --build-arg "PYTHON_BASE_IMAGE=${PYTHON_BASE_IMAGE:-python:3.13-slim-trixie}" \
    -t delta-strangle-backend:bench "$@" "$work/app" >/dev/null
}
build_frontend() {
  docker build -q "${secret[@]}" -f "$work/docker/frontend.Dockerfile" \
    --build-arg "NODE_BASE_IMAGE=${NODE_BASE_IMAGE:-node:22-trixie-slim}" \
    --build-arg "NGINX_BASE_IMAGE=${NGINX_BASE_IMAGE:-nginxinc/nginx-unprivileged:1.28}" \
    -t delta-strangle-frontend:bench "$@" "$work" >/dev/null
}
seconds() { local t0; t0=$(date +%s.%N); "$@"; awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }'; }
size_mb() { docker image inspect -f '{{.Size}}' "$1" | awk '{printf "%.1f", $1 / 1000000}'; }

log "cold builds (--no-cache; base images already present)"
backend_cold=$(seconds build_backend --no-cache)
frontend_cold=$(seconds build_frontend --no-cache)
echo "# one-line change" >>"$work/app/src/control_plane/__init__.py"
backend_rebuild=$(seconds build_backend)

backend_mb=$(size_mb delta-strangle-backend:bench)
frontend_mb=$(size_mb delta-strangle-frontend:bench)
python_base_mb=$(size_mb "${PYTHON_BASE_IMAGE:-python:3.13-slim-trixie}")
nginx_base_mb=$(size_mb "${NGINX_BASE_IMAGE:-nginxinc/nginx-unprivileged:1.28}")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }

printf '\n%-44s %10s %10s %16s\n' "figure" "measured" "target" "ratio to base"
printf '%-44s %10s %10s %16s\n' "backend image size (MB)" "$backend_mb" "<= $BACKEND_IMAGE_BUDGET_MB" \
  "$(ratio "$backend_mb" "$python_base_mb") python"
printf '%-44s %10s %10s %16s\n' "frontend image size (MB)" "$frontend_mb" "<= $FRONTEND_IMAGE_BUDGET_MB" \
  "$(ratio "$frontend_mb" "$nginx_base_mb") nginx"
printf '%-44s %10.1f %10s\n' "backend cold build (s)" "$backend_cold" "-"
printf '%-44s %10.1f %10s\n' "frontend cold build (s)" "$frontend_cold" "-"
printf '%-44s %10.1f %10s\n' "backend rebuild after a one-line change (s)" "$backend_rebuild" "<= 60"
printf '%-44s %10s %10s\n' "python base image (MB)" "$python_base_mb" "-"
printf '%-44s %10s %10s\n' "nginx base image (MB)" "$nginx_base_mb" "-"
docker rmi delta-strangle-backend:bench delta-strangle-frontend:bench >/dev/null
within() { awk -v size="$1" -v budget="$2" 'BEGIN { exit !(size <= budget) }'; }
within "$backend_mb" "$BACKEND_IMAGE_BUDGET_MB" || die "the backend image ($backend_mb MB) is over its budget"
within "$frontend_mb" "$FRONTEND_IMAGE_BUDGET_MB" || die "the frontend image ($frontend_mb MB) is over its budget"
