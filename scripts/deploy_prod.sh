#!/usr/bin/env bash
# One command for an operator logged in on the host: the same deploy.yml a workstation runs,
# played against this machine (inventory/local, connection local), with each step reported.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
ROOT=$(repo_root)

usage() {
  cat <<'EOF'
usage: scripts/deploy_prod.sh [options]

Deploys the stack on this host with deploy.yml, the playbook a workstation runs, played locally
(inventory/local, connection local): provision the host, stash local edits of the checkout under
a timestamped label, reset it to origin/<branch>, back up the database, build the release's
images, bring the stack up and wait until it is healthy. Then it shows the stash it made, the
commit now deployed, `scripts/compose.sh ps`, and where the log viewer is. Run it as root.

  -i, --inventory DIR         inventory holding the variables and the vault
                              (default: inventory/production)
  --vault-password-file FILE  file holding the vault password (default: $DELTA_VAULT_PASSWORD_FILE,
                              else a prompt)
  --vault-id LABEL            vault id of the inventory's vault files (default: prod)
  -b, --branch BRANCH         deploy this branch instead of the inventory's app_source_branch
  --app-root DIR              the checkout that is deployed (default: the one holding this script)
  -e, --extra-vars VAR=VALUE  passed to ansible-playbook (repeat it), e.g. -e app_source_version=SHA
                              or -e app_stack_refresh_base_images=true (the base image refresh timer)
  -n, --dry-run               show the steps and the ansible-playbook command; change nothing
  -h, --help                  this text
EOF
}

main() {
  local inventory=inventory/production vault_label=prod branch="" dry_run=0
  local password_file=${DELTA_VAULT_PASSWORD_FILE:-} app_root=$ROOT extra_vars=()
  while [ "$#" -gt 0 ]; do
    case "$1" in
      -i|--inventory) need_value "$@"; inventory=$2; shift 2 ;;
      --vault-password-file) need_value "$@"; password_file=$2; shift 2 ;;
      --vault-id) need_value "$@"; vault_label=$2; shift 2 ;;
      -b|--branch) need_value "$@"; branch=$2; shift 2 ;;
      --app-root) need_value "$@"; app_root=$2; shift 2 ;;
      -e|--extra-vars) need_value "$@"; extra_vars+=(-e "$2"); shift 2 ;;
      -n|--dry-run) dry_run=1; shift ;;
      -h|--help) usage; exit 0 ;;
      *) usage >&2; die "unknown argument: $1" ;;
    esac
  done
  cd "$ROOT"
  [ -d "$inventory" ] || die "no inventory directory $inventory (give one with --inventory DIR)"
  [[ $vault_label =~ ^[A-Za-z0-9_.-]+$ ]] || die "a vault id is letters, digits, '.', '_' or '-' (got '$vault_label')"
  if [ -n "$password_file" ]; then
    [ -r "$password_file" ] || die "cannot read the vault password file $password_file"
  fi
  if [ -n "$branch" ]; then
    git check-ref-format --branch "$branch" >/dev/null 2>&1 || die "not a valid branch name: $branch"
  fi
  git -C "$app_root" rev-parse --git-dir >/dev/null 2>&1 || die "$app_root is not a git checkout (give the deployed one with --app-root DIR)"
  app_root=$(cd "$app_root" && pwd)

  local vault_id="$vault_label@${password_file:-prompt}"
  local command=(ansible-playbook deploy.yml -i inventory/local -i "$inventory" --limit localhost
    --connection local --user "$(id -un)" --vault-id "$vault_id" -e "delta_app_root=$app_root")
  [ -z "$branch" ] || command+=(-e "app_source_branch=$branch")
  command+=("${extra_vars[@]}")

  step "settings: checkout $app_root, inventory $inventory, vault id $vault_label" \
    "(password from ${password_file:-a prompt})${branch:+, branch $branch}"
  step "plan: stash local edits, reset to origin/<branch>, back up, build, up, health gate:"
  printf '   ' >&2
  printf ' %q' "${command[@]}" >&2
  printf '\n' >&2
  if [ "$dry_run" -eq 1 ]; then
    step "dry run: nothing was changed"
    return 0
  fi
  [ "$(id -u)" -eq 0 ] || die "run it as root (sudo $0 ...): the play manages packages, users and Docker"
  if ! command -v ansible-playbook >/dev/null; then
    [ -x "$ROOT/.venv-ops/bin/ansible-playbook" ] \
      || die "ansible-playbook not found: install the ops tools first (bash scripts/install-ops-tools.sh)"
  fi
  if [ -x "$ROOT/.venv-ops/bin/ansible-playbook" ]; then
    # shellcheck source=scripts/env.sh
    source "$ROOT/scripts/env.sh"
  fi

  local started stashes_before head_before edits
  started=$(date +%s)
  stashes_before=$(git -C "$app_root" stash list | wc -l)
  head_before=$(git -C "$app_root" rev-parse --short HEAD 2>/dev/null || echo none)
  edits=$(git -C "$app_root" status --porcelain --untracked-files=all | wc -l)
  step "stash: $edits locally changed path(s) in $app_root$([ "$edits" -gt 0 ] && echo ', stashed by the play before the reset')"

  step "deploy: running the playbook (stash, reset, back up, build, up, health gate)"
  "${command[@]}"

  local stashes_after new_stashes head_after
  stashes_after=$(git -C "$app_root" stash list | wc -l)
  new_stashes=$((stashes_after - stashes_before))
  if [ "$new_stashes" -gt 0 ]; then
    step "stash: local edits were stashed as:"
    git -C "$app_root" stash list --format='    %gd  %gs' | head -n "$new_stashes" >&2
  else
    step "stash: none was needed"
  fi
  head_after=$(git -C "$app_root" rev-parse --short HEAD)
  step "reset: $head_before -> $head_after ($(git -C "$app_root" log -1 --format=%s HEAD))"
  # Each image is tagged with the last commit that changed its inputs: a release may reuse one.
  local service image created
  while read -r service image; do
    created=$(docker image inspect -f '{{.Created}}' "$image")
    if [ "$(date -d "$created" +%s)" -ge "$started" ]; then
      step "build: $service runs $image, built in this run"
    else
      step "build: $service runs $image, built before; reused"
    fi
  done < <("$app_root/scripts/compose.sh" ps --format '{{.Service}} {{.Image}}')
  step "up: the stack's status ($app_root/scripts/compose.sh ps)"
  "$app_root/scripts/compose.sh" ps

  local port
  port=$(sed -n 's/^EDGE_HTTPS_PORT=//p' "$app_root/release.env")
  step "reminders:"
  printf '    stashes kept in the checkout: %s (git -C %s stash list; recover one with git stash show -p / git stash apply stash@{N})\n' \
    "$stashes_after" "$app_root" >&2
  printf '    deployments: %s/data/deployments.jsonl; backups: %s/data/backups/\n' "$app_root" "$app_root" >&2
  printf '    log viewer: https://%s:%s/logs (sign in as the admin; the edge serves the names in app_edge_domains)\n' \
    "$(hostname -f 2>/dev/null || hostname)" "${port:-443}" >&2
  step "deployed $head_after in $(( $(date +%s) - started )) s"
}

need_value() { [ "$#" -ge 2 ] && [ -n "$2" ] || die "$1 needs a value"; }

counter=0
step() {
  counter=$((counter + 1))
  log "[$counter] $*"
}

# The play moves this checkout (this script included): bash reads main's whole body first.
main "$@"
exit 0
