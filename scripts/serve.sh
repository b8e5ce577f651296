#!/usr/bin/env bash
# Builds Tandem for release and serves it on http://127.0.0.1:47180, with the local sync server (in memory, demo
# accounts) on http://127.0.0.1:47183. Ctrl-C stops both.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"   # also cd's to the repo root

PORT=47180
BACKEND_URL=http://127.0.0.1:47183
[ -f end2end/serve.mjs ] || { echo "serve: ERROR: end2end/serve.mjs is missing" >&2; exit 1; }

echo "== scripts/build.sh (trunk build --release, both apps)"
bash scripts/build.sh   # never serve a `trunk serve` dist: it carries a live-reload script

echo "== sync server (end2end/backend/server.mjs --demo)"
coproc BACKEND { exec node end2end/backend/server.mjs --port "${BACKEND_URL##*:}" --demo; }
# Whichever way this script ends (Ctrl-C, kill, the app server stopping), both servers stop with it.
trap 'kill "$BACKEND_PID" ${APP_PID:-} 2>/dev/null || true' EXIT
# It prints {"ready":"<url>"} once the admin is set and the demo accounts exist.
ready=""
IFS= read -r -t 30 ready <&"${BACKEND[0]}" || true
[ "$ready" = "{\"ready\":\"$BACKEND_URL\"}" ] || { echo "serve: ERROR: the sync server did not start" >&2; exit 1; }

echo "== Tandem: http://127.0.0.1:$PORT/"
echo "   Sign in to sync with server address $BACKEND_URL"
echo "   as alex (password alex-demo-pass) or sam (password sam-demo-pass); its data lives in memory until Ctrl-C."
node end2end/serve.mjs --port "$PORT" --dir dist &
APP_PID=$!
wait "$APP_PID"
