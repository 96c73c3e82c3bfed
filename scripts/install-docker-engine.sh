#!/usr/bin/env bash
# Make a Docker engine answer on this machine, with Compose v2 and buildx as CLI plugins.
# Uses the engine that already answers (25 or newer); otherwise installs Debian's docker.io and
# starts it (under systemd when systemd is PID 1, as a background dockerd otherwise).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"

DOCKERD_LOG=${DOCKERD_LOG:-/var/log/dockerd.log}
# Compose v2 and buildx are not in Debian 12, nor an engine of 25 or newer; trixie's builds need
# only a newer libc6 (docker.io 26 installs on Debian 12 with trixie's docker-cli, and its
# containerd where none is installed; runc, tini and iptables come from Debian 12).
NEWER_SUITE=${NEWER_SUITE:-trixie}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
# The stack's health checks probe every second while a container starts (start_interval), which
# the engine accepts from 25 on; the hosts run Debian 13's 26.
MIN_ENGINE_MAJOR=25

engine_answers() { timeout 10 docker info >/dev/null 2>&1; }
# The major version of the engine that answers, and of the installed dockerd ("Docker version 26.1.5+dfsg1, ...").
engine_major() { docker version --format '{{.Server.Version}}' 2>/dev/null | sed -E 's/[^0-9].*//'; }
dockerd_major() { dockerd --version 2>/dev/null | sed -E 's/^Docker version ([0-9]+).*/\1/; t; s/.*//'; }

install_engine_packages() {
  local installed
  installed=$(command -v dockerd >/dev/null 2>&1 && dockerd_major || true)
  if [ "${installed:-0}" -lt "$MIN_ENGINE_MAJOR" ]; then
    . /etc/os-release
    if [ "$(candidate_major docker.io)" -ge "$MIN_ENGINE_MAJOR" ] 2>/dev/null; then
      log "installing Debian's docker.io"
      apt_install docker.io
    elif [ "${ID:-}" = debian ]; then
      enable_newer_suite
      log "installing docker.io from Debian ${NEWER_SUITE} (this release's is older than $MIN_ENGINE_MAJOR)"
      apt_install "docker.io/${NEWER_SUITE}" "docker-cli/${NEWER_SUITE}"
    else
      die "this system's docker.io is older than $MIN_ENGINE_MAJOR: install Docker Engine $MIN_ENGINE_MAJOR or newer (docs.docker.com/engine/install)"
    fi
  fi
  command -v docker >/dev/null 2>&1 || apt_install docker-cli || true
}

# Packages from the newer suite are pinned low, so only what we name comes from there.
enable_newer_suite() {
  local list=/etc/apt/sources.list.d/delta-strangle-${NEWER_SUITE}.list
  local pin=/etc/apt/preferences.d/delta-strangle-${NEWER_SUITE}
  if [ ! -f "$list" ]; then
    log "adding Debian ${NEWER_SUITE} (pinned at priority 100) for Compose v2 and buildx"
    printf 'deb %s %s main\n' "$DEBIAN_MIRROR" "$NEWER_SUITE" | as_root tee "$list" >/dev/null
    printf 'Package: *\nPin: release n=%s\nPin-Priority: 100\n' "$NEWER_SUITE" | as_root tee "$pin" >/dev/null
    apt_updated=0
  fi
}

candidate_major() {
  apt_update_once
  apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2}' | sed -E 's/^[0-9]+://; s/[^0-9].*//'
}

install_compose_plugin() {
  if docker compose version >/dev/null 2>&1; then return; fi
  . /etc/os-release
  if [ "${ID:-}" = ubuntu ]; then
    apt_install docker-compose-v2
  elif [ "$(candidate_major docker-compose)" = 2 ]; then
    apt_install docker-compose
  else
    enable_newer_suite
    apt_install "docker-compose/${NEWER_SUITE}"
  fi
  docker compose version >/dev/null 2>&1 || die "docker compose is still missing after installing the plugin"
}

install_buildx_plugin() {
  if docker buildx version >/dev/null 2>&1; then return; fi
  . /etc/os-release
  if [ "${ID:-}" = ubuntu ] || [ -n "$(candidate_major docker-buildx)" ]; then
    apt_install docker-buildx
  else
    enable_newer_suite
    apt_install "docker-buildx/${NEWER_SUITE}"
  fi
}

start_engine() {
  if [ "$(cat /proc/1/comm 2>/dev/null)" = systemd ]; then
    as_root systemctl enable --now docker >/dev/null
  else
    log "systemd is not PID 1: starting dockerd in the background (log: $DOCKERD_LOG)"
    # A dockerd killed with its session leaves a pid file that blocks the next start.
    if [ -f /var/run/docker.pid ] && ! kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
      as_root rm -f /var/run/docker.pid
    fi
    pgrep -x dockerd >/dev/null || as_root setsid dockerd >"$DOCKERD_LOG" 2>&1 < /dev/null &
  fi
  for _ in $(seq 1 60); do
    engine_answers && return
    sleep 1
  done
  tail -n 20 "$DOCKERD_LOG" >&2 || true
  die "the Docker engine did not answer within 60 s"
}

main() {
  if ! engine_answers; then
    install_engine_packages
    start_engine
  fi
  local major
  major=$(engine_major)
  [ "${major:-0}" -ge "$MIN_ENGINE_MAJOR" ] ||
    die "the Docker engine that answers is $(docker version --format '{{.Server.Version}}'); the stack needs $MIN_ENGINE_MAJOR or newer (health checks with start_interval): stop it, then run this script again to install Debian ${NEWER_SUITE}'s"
  install_compose_plugin
  install_buildx_plugin
  log "Docker engine $(docker version --format '{{.Server.Version}}'), $(docker compose version --short | sed 's/^/compose /'), buildx $(docker buildx version | awk '{print $2}')"
}

main "$@"
