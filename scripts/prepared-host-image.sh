#!/usr/bin/env bash
# Make molecule's prepared host image and print its name: the bare host image (HOST_BASE_IMAGE)
# with the packages the host and docker_engine roles install, installed by those roles' own task
# files (molecule/shared/host-image.yml). Rebuilt only when the bare image, that playbook or one
# of the two roles changed (a hash of them is the image's label); scenarios started side by side
# wait for one build (a lock) instead of making their own.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
ROOT=$(repo_root)
cd "$ROOT"

BASE=${HOST_BASE_IMAGE:-delta-strangle/debian-systemd:trixie}
IMAGE=${PREPARED_HOST_IMAGE:-delta-strangle/debian-systemd-prepared:trixie}
HASH_LABEL=org.delta-strangle.recipe-hash
CONTAINER=delta-prepared-host-image

inputs_hash() {
  {
    docker image inspect -f '{{.Id}}' "$BASE"
    find molecule/shared/host-image.yml roles/host roles/docker_engine -type f -print0 \
      | sort -z | xargs -0 sha256sum
  } | sha256sum | cut -c1-16
}

mkdir -p .cache
exec 9>.cache/prepared-host-image.lock
flock 9

docker image inspect "$BASE" >/dev/null 2>&1 || die "no bare host image $BASE: run make setup"
hash=$(inputs_hash)
if [ "$(docker image inspect -f "{{ index .Config.Labels \"$HASH_LABEL\" }}" "$IMAGE" 2>/dev/null)" = "$hash" ]; then
  echo "$IMAGE"
  exit 0
fi

log "building the prepared host image $IMAGE (inputs $hash) on $BASE"
started=$(date +%s)
docker rm -f "$CONTAINER" >/dev/null 2>&1 || true
trap 'docker rm -f "$CONTAINER" >/dev/null 2>&1 || true' EXIT
# No systemd inside: apt needs none, and the image keeps no boot state.
docker run -d --name "$CONTAINER" "$BASE" sleep infinity >/dev/null
ansible-playbook -i "$CONTAINER," -c community.docker.docker molecule/shared/host-image.yml >&2
docker commit --change 'CMD ["/lib/systemd/systemd"]' --change "LABEL $HASH_LABEL=$hash" \
  "$CONTAINER" "$IMAGE" >/dev/null
log "prepared host image $IMAGE built in $(( $(date +%s) - started )) s"
echo "$IMAGE"
