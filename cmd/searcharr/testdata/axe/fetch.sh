#!/usr/bin/env bash
# Refreshes the copy of axe-core the browser tests inject into each page they
# visit. It is test data only: the UI never serves it. Run from anywhere:
#   bash cmd/searcharr/testdata/axe/fetch.sh [version]
set -euo pipefail

VERSION="${1:-4.14.1}"
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && npm pack --silent "axe-core@$VERSION" >/dev/null)
tar -xzf "$tmp/axe-core-$VERSION.tgz" -C "$tmp"
pkg="$tmp/package"

got="$(node -p "require('$pkg/package.json').version")"
license="$(node -p "require('$pkg/package.json').license")"
[ "$got" = "$VERSION" ] || { echo "fetch.sh: asked for $VERSION, got $got" >&2; exit 1; }

cp "$pkg/axe.min.js" "$here/axe.min.js"
cp "$pkg/LICENSE" "$here/LICENSE"
sum="$(sha256sum "$here/axe.min.js" | cut -d' ' -f1)"

cat >"$here/VERSIONS.md" <<MD
# Vendored for the browser tests only (never served by the UI)

| name | version | license | source | file | sha256 |
|---|---|---|---|---|---|
| axe-core | $got | $license | https://www.npmjs.com/package/axe-core/v/$got | axe.min.js | $sum |

Refresh with \`bash cmd/searcharr/testdata/axe/fetch.sh [version]\`.
MD
echo "axe-core $got ($license) -> $here/axe.min.js"
