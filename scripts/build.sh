#!/usr/bin/env bash
# Builds Tandem for release into one folder (default dist/; an argument names another):
#   index.html                  the participants' app (src/main.rs) and every shared file
#   facilitator/index.html      the facilitators' app (facilitator.html, src/bin/facilitator.rs)
#   facilitator-<hash>.js/wasm  its code, which participants' phones never download
# Two Trunk builds, because Trunk 0.21 builds one page and one wasm at a time. Shared files (css,
# icons, manifest, service worker) are the same bytes under the same names in both. The service
# worker's lists are made last, over the whole folder (scripts/precache.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
dist=${1:-dist}
facilitator_dist=$(mktemp -d)
trap 'rm -rf "$facilitator_dist"' EXIT

trunk build --release --dist "$dist"
trunk build facilitator.html --release --dist "$facilitator_dist"
mkdir -p "$dist/facilitator"
mv "$facilitator_dist/index.html" "$dist/facilitator/index.html"
# -n: a shared file is already there with the same content (hashed names), and sw.js must stay the
# participants' copy, which precache.mjs fills in below.
cp -rn "$facilitator_dist"/. "$dist"/
node scripts/precache.mjs "$dist"
