#!/usr/bin/env bash
# Re-key every vault-encrypted file of an inventory to a new vault password (ansible-vault rekey),
# keeping each file's vault id; afterwards only the new password opens them.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"

usage() {
  cat <<'EOF'
usage: scripts/rekey-vault.sh [--old-password-file FILE] [--new-password-file FILE] INVENTORY_DIR

Re-keys every vault-encrypted file under INVENTORY_DIR (e.g. inventory/production) to a new
vault password, keeping the vault id in each file's header. Without a password file the
password is prompted for. The new password is checked by opening every file with it alone.

  --old-password-file FILE   file holding the current vault password (else a prompt)
  --new-password-file FILE   file holding the new vault password (else a prompt, asked twice)
  -h, --help                 this text

Update every place that holds the old password afterwards (your --vault-id password file,
CI secrets). Values encrypted inline with `!vault` are not re-keyed by ansible-vault: the
script refuses an inventory that has any.
EOF
}

old_source=prompt
new_source=prompt
inventory=""
while [ "$#" -gt 0 ]; do
  case "$1" in
    --old-password-file) [ "$#" -ge 2 ] || die "--old-password-file needs a file"; old_source=$2; shift 2 ;;
    --new-password-file) [ "$#" -ge 2 ] || die "--new-password-file needs a file"; new_source=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    -*) usage >&2; die "unknown option: $1" ;;
    *) [ -z "$inventory" ] || die "one inventory directory at a time (got '$inventory' and '$1')"
       inventory=$1; shift ;;
  esac
done
[ -n "$inventory" ] || { usage >&2; die "give the inventory directory, e.g. inventory/production"; }
[ -d "$inventory" ] || die "no such inventory directory: $inventory"
for source in "$old_source" "$new_source"; do
  [ "$source" = prompt ] || [ -r "$source" ] || die "cannot read the password file $source"
done
if [ "$old_source" != prompt ] && [ "$new_source" != prompt ] && cmp -s "$old_source" "$new_source"; then
  die "the new password is the same as the old one"
fi

mapfile -t vault_files < <(grep -rl --exclude-dir=.git '^[$]ANSIBLE_VAULT;' "$inventory" | sort)
[ "${#vault_files[@]}" -gt 0 ] || die "no vault-encrypted file under $inventory"
mapfile -t inline_vaults < <(grep -rlE --include='*.yml' --include='*.yaml' '^[^#]*!vault' "$inventory" || true)
if [ "${#inline_vaults[@]}" -gt 0 ]; then
  die "inline !vault values in ${inline_vaults[*]}: move them into an encrypted vault.yml first (ansible-vault rekey cannot re-key them)"
fi

# Every file's vault id (the 4th field of a 1.2 header); one id, so a prompt is asked only once.
mapfile -t labels < <(for f in "${vault_files[@]}"; do head -n1 "$f" | awk -F';' '{print ($4 == "" ? "default" : $4)}'; done | sort -u)
[ "${#labels[@]}" -eq 1 ] || die "the files use several vault ids (${labels[*]}); re-key them one id at a time"
label=${labels[0]}

log "re-keying ${#vault_files[@]} file(s) of vault id '$label': ${vault_files[*]}"
# Only the passwords given here are used, never ansible.cfg's vault_identity_list.
ANSIBLE_VAULT_IDENTITY_LIST="$label@$old_source" ansible-vault rekey \
  --new-vault-id "$label@$new_source" "${vault_files[@]}"

if [ "$new_source" != prompt ]; then
  for f in "${vault_files[@]}"; do
    ANSIBLE_VAULT_IDENTITY_LIST="$label@$new_source" ansible-vault view "$f" >/dev/null \
      || die "$f does not open with the new password"
  done
  log "every file opens with the new password"
fi
log "done: give the new password to everyone who deploys (e.g. --vault-id $label@FILE) and retire the old one"
