#!/usr/bin/env bash
# The base image kit: make the base images the project's builds and tests start from.
#
# When a registry answers, the official images are pulled. When none does (CI, air-gapped
# sites), equivalents are built from Debian packages only: debootstrap + docker import for the
# Debian 13 slim base, then `docker build` of the recipes in docker/base-images/ on top of it.
# Each kit image carries a hash of its recipe (and of its parent's) and is rebuilt only when
# that hash changes. The chosen image names are written to .cache/base-images.env.
#
# Environment:
#   BASE_IMAGES_SOURCE  auto (default) | official | kit
#   EXTRA_CA_BUNDLE     optional CA bundle for builds behind an intercepting proxy; given to
#                       builds as a BuildKit secret, never stored in a layer
#   DEBIAN_MIRROR       Debian mirror for debootstrap (default http://deb.debian.org/debian)
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"

ROOT=$(repo_root)
KIT=$ROOT/docker/base-images
OUT=$ROOT/.cache/base-images.env
SOURCE=${BASE_IMAGES_SOURCE:-auto}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
# The machine's trust store carries an intercepting proxy's CA where there is one (as in env.sh):
# `make setup` runs this script without env.sh, and the kit's curl/npm steps need it.
if [ -z "${EXTRA_CA_BUNDLE+set}" ] && [ -r "$SYSTEM_CA_BUNDLE" ]; then
  EXTRA_CA_BUNDLE=$SYSTEM_CA_BUNDLE
fi
EXTRA_CA_BUNDLE=${EXTRA_CA_BUNDLE:-}
HASH_LABEL=org.delta-strangle.recipe-hash

# name             kit image                                   official image              recipe
IMAGES=(
  "debian          delta-strangle/debian:trixie-slim           debian:trixie-slim          debian-slim"
  "python          delta-strangle/python:3.13-slim-trixie      python:3.13-slim-trixie     python"
  "node            delta-strangle/node:22-trixie-slim          node:22-trixie-slim         node"
  "nginx           delta-strangle/nginx-unprivileged:trixie    nginxinc/nginx-unprivileged:1.28          nginx"
  "caddy           delta-strangle/caddy:2.11-trixie             caddy:2.11                   caddy"
  "host            delta-strangle/debian-systemd:trixie        -                           systemd-host"
  # Prometheus from Debian's package: promtool's checks in make test (the rules, /metrics).
  "prometheus      delta-strangle/prometheus:trixie            -                           prometheus"
  # TEST-ONLY: the ACME server of molecule's redeploy scenario.
  "pebble          delta-strangle/pebble:trixie                -                           pebble"
  # TEST-ONLY: the off-host backup repository of molecule's backup_restore scenario.
  "restic_rest_server delta-strangle/restic-rest-server:trixie -                        restic-rest-server"
  # TEST-ONLY: the image registry of molecule's fleet scenario.
  "registry        delta-strangle/registry:trixie              -                           registry"
)

recipe_hash() {  # recipe-dir parent-hash
  { (cd "$KIT/$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum); echo "parent=$2"; } \
    | sha256sum | cut -c1-16
}

current_hash() {
  docker image inspect -f "{{ index .Config.Labels \"$HASH_LABEL\" }}" "$1" 2>/dev/null || true
}

image_size_mb() {
  docker image inspect -f '{{.Size}}' "$1" | awk '{printf "%.1f MB", $1 / 1000000}'
}

registry_answers() { timeout 60 docker pull -q debian:trixie-slim >/dev/null 2>&1; }

build_debian_rootfs() {  # image hash
  local image=$1 hash=$2 rootfs
  # shellcheck source=docker/base-images/debian-slim/rootfs.conf
  source "$KIT/debian-slim/rootfs.conf"
  command -v debootstrap >/dev/null 2>&1 || apt_install debootstrap
  [ -e /usr/share/keyrings/debian-archive-keyring.gpg ] || apt_install debian-archive-keyring
  rootfs=$(mktemp -d /var/tmp/delta-rootfs.XXXXXX)
  # shellcheck disable=SC2064
  trap "as_root rm -rf '$rootfs'" RETURN
  log "debootstrap --variant=$VARIANT $SUITE (Debian packages only)"
  as_root debootstrap --variant="$VARIANT" --components=main "$SUITE" "$rootfs" "$DEBIAN_MIRROR" >/dev/null
  as_root install -m 0644 "$KIT/debian-slim/dpkg-slim.cfg" "$rootfs/etc/dpkg/dpkg.cfg.d/docker-slim"
  as_root install -m 0644 "$KIT/debian-slim/apt-slim.conf" "$rootfs/etc/apt/apt.conf.d/docker-slim"
  as_root rm -f "$rootfs/etc/apt/sources.list"
  as_root install -m 0644 "$KIT/debian-slim/debian.sources" "$rootfs/etc/apt/sources.list.d/debian.sources"
  # What debootstrap installed before the excludes existed is removed the same way.
  as_root find "$rootfs/usr/share/doc" -depth -mindepth 1 ! -name copyright ! -type d -delete
  as_root find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
  as_root find "$rootfs/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
  as_root rm -rf "$rootfs"/usr/share/{man,groff,info,lintian,linda}/* \
    "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin \
    "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/apt/* "$rootfs"/var/log/*.log \
    "$rootfs"/var/cache/debconf/*-old "$rootfs"/var/lib/dpkg/*-old
  as_root tar -C "$rootfs" --numeric-owner -cf - . \
    | docker import --change "CMD [\"$IMPORT_CMD\"]" --change "ENV PATH=$IMPORT_PATH" \
        --change "LABEL $HASH_LABEL=$hash" - "$image" >/dev/null
}

build_from_recipe() {  # image hash recipe parent-image
  local args=(--quiet --build-arg "BASE_IMAGE=$4" --label "$HASH_LABEL=$2" -t "$1")
  if [ -n "$EXTRA_CA_BUNDLE" ]; then
    [ -r "$EXTRA_CA_BUNDLE" ] || die "EXTRA_CA_BUNDLE=$EXTRA_CA_BUNDLE is not a readable file"
    args+=(--secret "id=ca,src=$EXTRA_CA_BUNDLE")
  fi
  DOCKER_BUILDKIT=1 docker build "${args[@]}" "$KIT/$3" >/dev/null
}

# Tags of earlier recipes would keep their images on disk for ever.
remove_stale_recipe_tags() {  # image current-hash
  local repo=${1%%:*} tag=${1##*:}
  docker image ls --format '{{.Repository}}:{{.Tag}}' "$repo" \
    | grep -E "^$repo:$tag-[0-9a-f]{16}$" | grep -v -- "-$2$" | xargs -r docker rmi >/dev/null || true
}

use_kit() {
  local parent_hash="" debian_image="" name image official recipe hash
  : >"$OUT.tmp"
  for row in "${IMAGES[@]}"; do
    read -r name image official recipe <<<"$row"
    if [ "$name" = debian ]; then
      hash=$(recipe_hash "$recipe" kit-v1)
      parent_hash=$hash debian_image=$image
    else
      hash=$(recipe_hash "$recipe" "$parent_hash")
    fi
    if [ "$(current_hash "$image")" = "$hash" ]; then
      log "$image is up to date (recipe $hash)"
    else
      log "building $image (recipe $hash)"
      if [ "$name" = debian ]; then
        build_debian_rootfs "$image" "$hash"
      else
        build_from_recipe "$image" "$hash" "$recipe" "$debian_image"
      fi
    fi
    docker tag "$image" "${image%%:*}:${image##*:}-$hash"
    remove_stale_recipe_tags "$image" "$hash"
    printf '%s  %s\n' "$(image_size_mb "$image")" "$image" >&2
    echo "${name^^}_BASE_IMAGE=$image" >>"$OUT.tmp"
  done
}

use_official() {
  local name image official recipe debian_hash hash
  : >"$OUT.tmp"
  for row in "${IMAGES[@]}"; do
    read -r name image official recipe <<<"$row"
    if [ "$official" = - ]; then
      debian_hash=$(docker image inspect -f '{{.Id}}' debian:trixie-slim)
      hash=$(recipe_hash "$recipe" "$debian_hash")
      if [ "$(current_hash "$image")" != "$hash" ]; then
        log "building $image on debian:trixie-slim (recipe $hash)"
        build_from_recipe "$image" "$hash" "$recipe" debian:trixie-slim
      fi
      official=$image
    else
      docker pull -q "$official" >/dev/null
    fi
    printf '%s  %s\n' "$(image_size_mb "$official")" "$official" >&2
    echo "${name^^}_BASE_IMAGE=$official" >>"$OUT.tmp"
  done
}

main() {
  mkdir -p "$(dirname "$OUT")"
  case "$SOURCE" in
    official) use_official ;;
    kit) use_kit ;;
    auto) if registry_answers; then use_official; else log "no registry answers: building the base image kit"; use_kit; fi ;;
    *) die "BASE_IMAGES_SOURCE must be auto, official or kit (got '$SOURCE')" ;;
  esac
  mv "$OUT.tmp" "$OUT"
  log "base images recorded in ${OUT#"$ROOT"/}"
}

main "$@"
