#!/usr/bin/env bash
# Builds Tandem for release into one folder (default dist/; an argument names another):
#   index.html                  the participants' app (src/main.rs) and every shared file
#   facilitator/index.html      the facilitators' app (src/bin/facilitator.rs), from facilitator.html: made here
#                               from index.html (its binary, plus the facilitators' own CSS), never kept apart
#   facilitator-<hash>.js/wasm  its code, which participants' phones never download
# Two Trunk builds, because Trunk 0.21 builds one page and one wasm at a time. Shared files (css,
# icons, manifest, service worker) are the same bytes under the same names in both. The service
# worker's lists are made last, over the whole folder (scripts/precache.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
dist=${1:-dist}
facilitator_dist=$(mktemp -d)
trap 'rm -rf "$facilitator_dist"' EXIT

# The facilitators' page is index.html around the other binary, with its CSS after group.css.
sed -e 's/data-bin="tandem"/data-bin="facilitator"/' \
  -e 's|^\(  <link data-trunk rel="css" href="style/group.css">\)$|\1\n  <link data-trunk rel="css" href="style/facilitator-groups.css">|' \
  index.html > facilitator.html
grep -q 'data-bin="facilitator"' facilitator.html && grep -q 'style/facilitator-groups.css' facilitator.html ||
  { echo "build: ERROR: could not make facilitator.html from index.html (its rust or group.css link changed?)" >&2; exit 1; }

trunk build --release --dist "$dist"
trunk build facilitator.html --release --dist "$facilitator_dist"
mkdir -p "$dist/facilitator"
mv "$facilitator_dist/index.html" "$dist/facilitator/index.html"
# -n: a shared file is already there with the same content (hashed names), and sw.js must stay the
# participants' copy, which precache.mjs fills in below.
cp -rn "$facilitator_dist"/. "$dist"/
node scripts/precache.mjs "$dist"
