#!/bin/sh
# Give every local commit that moving the checkout to RELEASE would leave without a name (a
# detached HEAD, any local branch, the branch the deploy resets) a ref of its own,
# refs/deploy-kept/<STAMP>-<name>, unless one already names it. A commit counts as local when
# neither the remote's branches nor the release contain it, so going back to an earlier release
# keeps nothing. Prints "<ref> <commit>" for each ref made; --dry-run makes none (check mode).
#   keep-local-commits.sh CHECKOUT RELEASE STAMP [--dry-run]
set -eu
checkout=$1 release=$2 stamp=$3 mode=${4:-}
cd "$checkout"
seen=" "
{
  head=$(git rev-parse --verify --quiet 'HEAD^{commit}' || true)
  [ -z "$head" ] || echo "$head HEAD"
  git for-each-ref --format='%(objectname) %(refname:short)' refs/heads/
} | while read -r commit name; do
  case "$seen" in *" $commit "*) continue ;; esac
  seen="$seen$commit "
  [ -n "$(git rev-list --max-count=1 "$commit" --not --remotes=origin "$release")" ] || continue
  [ -z "$(git for-each-ref --points-at "$commit" refs/deploy-kept/)" ] || continue
  ref="refs/deploy-kept/$stamp-$(printf '%s' "$name" | tr -c 'A-Za-z0-9._-' '-')"
  [ "$mode" = --dry-run ] || git update-ref "$ref" "$commit"
  echo "$ref $commit"
done
