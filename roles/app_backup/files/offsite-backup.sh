#!/bin/bash
# Off-host backups of the control plane's database and log archives with restic (installed by the
# app_backup role as /usr/local/libexec/delta-strangle/offsite-backup; its settings come from the
# file the role renders, /etc/delta-strangle/offsite-backup.conf, its secrets from one file each
# in OFFSITE_SECRETS_DIR):
#
#   offsite-backup backup                  online SQLite backup, integrity check, restic backup of
#                                          it and of data/archive/, retention (forget --prune),
#                                          status file for the app
#   offsite-backup fetch SNAPSHOT HOST DEST   write the database of a snapshot (latest: the
#                                          newest) of HOST's backups to DEST, integrity-checked,
#                                          and its log archives to DEST's name with .archive
#                                          for .db (a directory), when it holds some
#   offsite-backup snapshots [restic args]   this repository's snapshots (restic snapshots)
#
# The timer runs `backup` through delta-offsite-backup.service (systemctl start it to run one now);
# an operator runs the others as root.
set -euo pipefail

# shellcheck source=/dev/null
. "${OFFSITE_CONFIG:-/etc/delta-strangle/offsite-backup.conf}"

: "${OFFSITE_APP_ROOT:?}" "${OFFSITE_SECRETS_DIR:?}" "${OFFSITE_STAGING_DIR:?}" "${OFFSITE_HOST:?}"
: "${OFFSITE_STATUS_FILE:?}" "${OFFSITE_APP_UID:?}" "${OFFSITE_APP_GID:?}" "${OFFSITE_SQLITE3:?}"
# The database's path inside every snapshot: a restore on any host reads it from there.
SNAPSHOT_FILE=$OFFSITE_STAGING_DIR/delta_trader.db
# The log archives (control_plane.logs.archive), read in place: appended to, never rewritten.
ARCHIVE_DIR=$OFFSITE_APP_ROOT/data/archive
TAG=delta-strangle

say() { echo "offsite-backup: $*"; }
fail() {
  echo "offsite-backup: FAILED: $*" >&2
  exit 1
}

# One file a variable, named after it (RESTIC_REPOSITORY, RESTIC_PASSWORD, backend credentials),
# holding the value byte for byte: nothing is parsed, quoted or expanded on the way.
load_secrets() {
  local file name
  for file in "$OFFSITE_SECRETS_DIR"/*; do
    [ -f "$file" ] || continue
    name=${file##*/}
    [[ $name =~ ^[A-Z][A-Z0-9_]*$ ]] || fail "unexpected file $file in $OFFSITE_SECRETS_DIR"
    export "$name=$(cat "$file")"
  done
  [ -n "${RESTIC_REPOSITORY:-}" ] || fail "no RESTIC_REPOSITORY in $OFFSITE_SECRETS_DIR"
}

# The host's sqlite3 with the app's extension: the full-text index's check needs its tokenizer.
integrity() { "$OFFSITE_SQLITE3" "$1" 'PRAGMA integrity_check'; }

# restic 0.17+ exits 10 when the repository does not exist: only then is it created.
ensure_repository() {
  local status=0
  restic cat config >/dev/null || status=$?
  case "$status" in
    0) ;;
    10)
      say "creating the repository (none exists at it yet)"
      restic init >/dev/null
      ;;
    *) fail "the repository does not answer (restic exit $status)" ;;
  esac
}

write_status() {  # snapshot-id release
  local tmp
  tmp=$(mktemp "$OFFSITE_STATUS_FILE.XXXXXX")
  python3 - "$OFFSITE_STATUS_FILE" "$tmp" "$1" "$2" <<'EOF'
import json, sys, time
path, tmp, snapshot, release = sys.argv[1:5]
with open(path) as handle:
    status = json.load(handle)
status.update(last_success_at=round(time.time(), 3), last_snapshot=snapshot, last_release=release)
# As the role writes it (to_nice_json), so a deploy after a backup rewrites nothing.
with open(tmp, "w") as handle:
    handle.write(json.dumps(status, indent=4, sort_keys=True) + "\n")
EOF
  chown "$OFFSITE_APP_UID:$OFFSITE_APP_GID" "$tmp"
  chmod 0640 "$tmp"
  mv "$tmp" "$OFFSITE_STATUS_FILE"
}

backup() {
  local database=$OFFSITE_APP_ROOT/data/delta_trader.db partial=$SNAPSHOT_FILE.partial
  local release verdict summary snapshot keep=() paths
  [ -f "$database" ] || fail "no database at $database"
  [ -f "$OFFSITE_STATUS_FILE" ] || fail "no status file $OFFSITE_STATUS_FILE (deploy the role again)"
  release=$(git -C "$OFFSITE_APP_ROOT" rev-parse HEAD)
  # Expanded now: the locals are gone when the trap runs.
  # shellcheck disable=SC2064
  trap "rm -f $(printf '%q ' "$partial" "$SNAPSHOT_FILE")" EXIT
  rm -f "$partial"
  # SQLite's online backup API: consistent while the backend keeps writing.
  "$OFFSITE_SQLITE3" "$database" ".backup '$partial'"
  verdict=$(integrity "$partial")
  [ "$verdict" = ok ] || fail "the backup is damaged (integrity_check: $verdict); nothing was sent"
  mv "$partial" "$SNAPSHOT_FILE"
  say "backed up $database online ($(stat -c %s "$SNAPSHOT_FILE") bytes, integrity ok)"
  ensure_repository
  # After the database: an archive read later is at least as long as the length the copy records
  # (a reader stops there), never shorter.
  paths=("$SNAPSHOT_FILE")
  [ -d "$ARCHIVE_DIR" ] && paths+=("$ARCHIVE_DIR")
  summary=$(restic backup --json --host "$OFFSITE_HOST" --tag "$TAG" --tag "release-${release:0:12}" \
    "${paths[@]}" | tail -n 1)
  snapshot=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["snapshot_id"])' "$summary")
  say "sent snapshot ${snapshot:0:8} of host $OFFSITE_HOST (release ${release:0:12}): ${paths[*]}"
  read -r -a keep <<<"${OFFSITE_KEEP:-}"
  if [ "${#keep[@]}" -gt 0 ]; then
    restic forget --quiet --host "$OFFSITE_HOST" --tag "$TAG" "${keep[@]}" --prune
    say "applied the retention policy: ${keep[*]}"
  fi
  write_status "$snapshot" "$release"
}

# The snapshot's full id and the path its log archives were read from ("" when it has none).
resolve_snapshot() {  # snapshot host
  restic snapshots --json --host "$2" --tag "$TAG" "$1" | python3 -c '
import json, sys
snapshot = json.load(sys.stdin)[-1]
archives = [path for path in snapshot["paths"] if path.endswith("/data/archive")]
print(snapshot["id"], archives[0] if archives else "")'
}

# A directory beside the fetched database, given to the app user like data/archive.
fetch_archive() {  # snapshot-id archive-path dest-dir
  local partial=$3.partial
  rm -rf "$partial"
  restic restore --quiet "$1:$2" --target "$partial"
  chown -R "$OFFSITE_APP_UID:$OFFSITE_APP_GID" "$partial"
  chmod 0750 "$partial"
  find "$partial" -type f -exec chmod 0640 {} +
  mv "$partial" "$3"
  say "wrote the log archives of snapshot ${1:0:8} to $3 ($(find "$3" -type f | wc -l) files)"
}

fetch() {  # snapshot host dest
  local snapshot=$1 host=$2 dest=$3 partial=$3.partial verdict hosts found snapshot_id archive_path
  [[ $snapshot =~ ^(latest|[0-9a-f]{8,64})$ ]] || fail "a snapshot is 'latest' or its id (hex), not '$snapshot'"
  [[ $dest == *.db ]] || fail "the destination is a .db file, not '$dest'"
  found=$(restic snapshots --json --host "$host" --tag "$TAG")
  if [[ $found != *'"id"'* ]]; then
    hosts=$(restic snapshots --json --tag "$TAG" \
      | python3 -c 'import json, sys; print(", ".join(sorted({s["hostname"] for s in json.load(sys.stdin)})) or "none")')
    fail "no snapshot of host $host in the repository; hosts with snapshots there: $hosts"
  fi
  # Resolved once, so the database and the archives come from the same snapshot.
  read -r snapshot_id archive_path < <(resolve_snapshot "$snapshot" "$host")
  [ -n "$snapshot_id" ] || fail "no snapshot $snapshot of host $host"
  # shellcheck disable=SC2064
  trap "rm -rf $(printf '%q ' "$partial" "${dest%.db}.archive.partial")" EXIT
  restic dump "$snapshot_id" "$SNAPSHOT_FILE" >"$partial"
  verdict=$(integrity "$partial")
  [ "$verdict" = ok ] || fail "snapshot $snapshot of $host holds a damaged database (integrity_check: $verdict)"
  chown "$OFFSITE_APP_UID:$OFFSITE_APP_GID" "$partial"
  chmod 0640 "$partial"
  mv "$partial" "$dest"
  say "wrote snapshot $snapshot of host $host to $dest (integrity ok)"
  if [ -n "$archive_path" ]; then
    fetch_archive "$snapshot_id" "$archive_path" "${dest%.db}.archive"
  else
    say "snapshot ${snapshot_id:0:8} holds no log archives"
  fi
}

main() {
  umask 077
  load_secrets
  export RESTIC_CACHE_DIR=${RESTIC_CACHE_DIR:-/var/cache/delta-strangle/restic}
  case "${1:-backup}" in
    backup) backup ;;
    fetch)
      [ "$#" -eq 4 ] || fail "usage: offsite-backup fetch SNAPSHOT HOST DEST"
      fetch "$2" "$3" "$4"
      ;;
    snapshots)
      shift
      restic snapshots --tag "$TAG" "$@"
      ;;
    *) fail "unknown command '$1' (backup, fetch, snapshots)" ;;
  esac
}

main "$@"
