#!/usr/bin/env bash
# A throwaway local host: a Debian 13 systemd container with its own Docker engine, deployed
# to with the same playbook as production (over the community.docker connection plugin).
#   sandbox.sh up     start (or reuse) the host and run deploy.yml against it
#   sandbox.sh host   start (or reuse) the host and prepare it, without deploying
#   sandbox.sh down   remove the host and its Docker volume
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
ROOT=$(repo_root)
# shellcheck source=scripts/env.sh
source "$ROOT/scripts/env.sh"
cd "$ROOT"

NAME=delta-sandbox
VOLUME=delta-sandbox-docker
IMAGE=${HOST_BASE_IMAGE:-delta-strangle/debian-systemd:trixie}
# Ports on this machine's loopback where the sandbox host's edge (80 and 443) is published.
SANDBOX_PORT=${SANDBOX_PORT:-8080}
SANDBOX_HTTPS_PORT=${SANDBOX_HTTPS_PORT:-8443}
# The edge's local CA (TLS mode internal), copied here for the browser or curl to trust.
ROOT_CA=$ROOT/.cache/sandbox-root-ca.crt
# Explicit capabilities instead of --privileged (CAP_SYS_RESOURCE cannot be granted here), as in
# molecule; molecule/shared/prepare.yml makes /proc/sys writable for the nested engine.
CAPS=(SYS_ADMIN NET_ADMIN NET_RAW MKNOD SYS_PTRACE AUDIT_WRITE SYS_CHROOT SETFCAP
      DAC_READ_SEARCH SYS_NICE IPC_LOCK LINUX_IMMUTABLE SYS_MODULE)

host_running() { [ "$(docker inspect -f '{{.State.Running}}' "$NAME" 2>/dev/null)" = true ]; }

# A host started before the edge existed publishes no HTTPS port: it is started afresh.
host_publishes_https() { docker port "$NAME" 443/tcp >/dev/null 2>&1; }

# systemd is booted when it says running, or degraded by units a container cannot start.
wait_for_boot() {
  local state=""
  for _ in $(seq 1 90); do
    state=$(docker exec "$NAME" systemctl is-system-running 2>/dev/null || true)
    case "$state" in
      running|degraded) return ;;
    esac
    sleep 1
  done
  die "the sandbox host did not finish booting (systemd says '$state')"
}

start_host() {
  if host_running && host_publishes_https; then
    log "reusing the running sandbox host $NAME"
    return
  fi
  docker rm -f "$NAME" >/dev/null 2>&1 || true
  log "starting the sandbox host $NAME from $IMAGE"
  local args=(run -d --name "$NAME" --hostname "$NAME" --cgroupns host
    --security-opt seccomp=unconfined --security-opt apparmor=unconfined
    -v /sys/fs/cgroup:/sys/fs/cgroup:rw -v "$VOLUME:/var/lib/docker"
    -p "127.0.0.1:$SANDBOX_PORT:80" -p "127.0.0.1:$SANDBOX_HTTPS_PORT:443"
    --tmpfs /run --tmpfs /run/lock)
  for cap in "${CAPS[@]}"; do args+=(--cap-add "$cap"); done
  docker "${args[@]}" "$IMAGE" /lib/systemd/systemd >/dev/null
  wait_for_boot
}

# What a real host would reach over the network: the git remote (this checkout's HEAD) and the
# base images.
prepare_host() {
  start_host
  ansible-playbook molecule/shared/prepare.yml -i inventory/sandbox
}

up() {
  local started
  started=$(date +%s)
  prepare_host
  ansible-playbook deploy.yml -i inventory/sandbox
  log "host prepared and deployed in $(( $(date +%s) - started )) s"
  # Something to see: a reproducible paper-trading history (it replaces only its own demo data,
  # and refuses while a demo strategy has a live session).
  log "seeding a demo history: control-plane demo seed --days 90"
  docker exec "$NAME" /opt/delta-strangle/scripts/compose.sh exec -T backend control-plane demo seed --days 90 \
    || log "the demo seed did not run (see above); the stack is deployed all the same"
  local password
  password=$(docker exec "$NAME" cat /opt/delta-strangle/secrets/ADMIN_PASSWORD)
  docker cp "$NAME:/opt/delta-strangle/edge/data/caddy/pki/authorities/local/root.crt" "$ROOT_CA"
  log "the stack answers at https://localhost:$SANDBOX_HTTPS_PORT/ (sign in as admin / $password, TEST ONLY)"
  log "its certificate comes from the sandbox edge's own CA ($(openssl x509 -in "$ROOT_CA" -noout -fingerprint -sha256)):"
  log "  trust it in the browser (import $ROOT_CA as an authority), or: curl --cacert $ROOT_CA https://localhost:$SANDBOX_HTTPS_PORT/api/health"
  log "deployed commit: $(docker exec "$NAME" git -C /opt/delta-strangle rev-parse --short HEAD); $(docker exec "$NAME" docker compose version)"
  log "a shell on the host: docker exec -it $NAME bash; remove it: make sandbox-down"
}

down() {
  docker rm -f "$NAME" >/dev/null 2>&1 || true
  docker volume rm -f "$VOLUME" >/dev/null 2>&1 || true
  log "sandbox host $NAME removed"
}

case "${1:-}" in
  up) up ;;
  host) prepare_host ;;
  down) down ;;
  *) die "usage: $0 up|host|down" ;;
esac
