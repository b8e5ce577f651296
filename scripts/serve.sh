#!/usr/bin/env bash
# Builds Tandem for release and serves it on http://127.0.0.1:47180 (Ctrl-C stops it).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"   # also cd's to the repo root

PORT=47180
[ -f end2end/serve.mjs ] || { echo "serve: ERROR: end2end/serve.mjs is missing" >&2; exit 1; }

echo "== trunk build --release"
trunk build --release   # never serve a `trunk serve` dist: it carries a live-reload script

# Local sync backend: started here, before the app server, once that issue lands.

echo "== Tandem: http://127.0.0.1:$PORT/"
exec node end2end/serve.mjs --port "$PORT" --dir dist
