#!/usr/bin/env bash
# Refreshes the vendored browser libraries of the web UI from the npm
# registry at exact versions and records them in static/vendor/VERSIONS.md.
# Run it from anywhere: bash core/web/vendor.sh
set -euo pipefail

HTM=3.1.1    # htm's preact/standalone.module.js: Preact, hooks and htm in one file
UPLOT=1.6.32 # charts

here="$(cd "$(dirname "$0")" && pwd)"
out="$here/static/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fetch() { # name version -> unpacked in $work/name
	local name=$1 version=$2
	(cd "$work" && npm pack --silent "$name@$version" >/dev/null)
	mkdir -p "$work/$name"
	tar -xzf "$work/$name-$version.tgz" -C "$work/$name"
}

fetch htm "$HTM"
fetch uplot "$UPLOT"

mkdir -p "$out"
cp "$work/htm/package/preact/standalone.module.js" "$out/preact-htm.js"
cp "$work/htm/package/LICENSE" "$out/preact-htm.LICENSE"
cp "$work/uplot/package/dist/uPlot.esm.js" "$out/uplot.js"
cp "$work/uplot/package/dist/uPlot.min.css" "$out/uplot.css"
cp "$work/uplot/package/LICENSE" "$out/uplot.LICENSE"

license() { node -e 'process.stdout.write(require(process.argv[1]).license)' "$work/$1/package/package.json"; }

cat >"$out/VERSIONS.md" <<MD
# Vendored browser libraries

Written by \`core/web/vendor.sh\`; do not edit by hand. Each file is copied
unchanged from the package the npm registry serves at the exact version.

| file | package | version | license | source |
|---|---|---|---|---|
| preact-htm.js | htm (preact/standalone.module.js: Preact with hooks and htm) | $HTM | $(license htm) | https://www.npmjs.com/package/htm/v/$HTM |
| uplot.js, uplot.css | uplot (dist/uPlot.esm.js, dist/uPlot.min.css) | $UPLOT | $(license uplot) | https://www.npmjs.com/package/uplot/v/$UPLOT |
MD
echo "vendored htm $HTM, uplot $UPLOT into $out"
