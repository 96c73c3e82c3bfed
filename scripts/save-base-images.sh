#!/usr/bin/env bash
# Save the base image kit's images to archives that Ansible loads on a test host that cannot
# pull (app_stack_image_archives). An archive is written again only when its image changed.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
ROOT=$(repo_root)
# shellcheck source=scripts/env.sh
source "$ROOT/scripts/env.sh"

OUT=$ROOT/.cache/image-archives
mkdir -p "$OUT"
for pair in "python:${PYTHON_BASE_IMAGE:-}" "node:${NODE_BASE_IMAGE:-}" "nginx:${NGINX_BASE_IMAGE:-}" \
  "caddy:${CADDY_BASE_IMAGE:-}" "debian:${DEBIAN_BASE_IMAGE:-}"; do
  name=${pair%%:*} image=${pair#*:}
  case "$image" in
    delta-strangle/*) ;;
    *) continue ;;  # an official image: the host pulls it
  esac
  id=$(docker image inspect -f '{{.Id}}' "$image")
  if [ "$(cat "$OUT/$name.id" 2>/dev/null)" != "$id" ]; then
    log "saving $image to .cache/image-archives/$name.tar"
    docker save -o "$OUT/$name.tar.tmp" "$image"
    mv "$OUT/$name.tar.tmp" "$OUT/$name.tar"
    echo "$id" >"$OUT/$name.id"
  fi
done
