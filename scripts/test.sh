#!/usr/bin/env bash
# Runs Tandem's three test tiers in order, stopping at the first failure:
#   1 native   cargo test on the host (domain rules, the store suite against the in-memory store, the sync
#              client against recorded CouchDB 3 answers and against the local backend, through a fault proxy)
#   2 browser  wasm-bindgen-test in headless Chromium (the store suite against IndexedDB)
#   3 e2e      release build + Playwright journeys
# Under CI=true it also prints the size benchmark (after the release build).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"   # also cd's to the repo root

tiers=(native browser e2e)
declare -A result=([native]="not run" [browser]="not run" [e2e]="not run")
current=""
summary() {
  local status=$?
  [ -z "$current" ] || result[$current]="FAILED"
  echo
  echo "== summary"
  for t in "${tiers[@]}"; do printf '  %-8s %s\n' "$t" "${result[$t]}"; done
  exit "$status"
}
trap summary EXIT
begin() { current=$1; started=$SECONDS; echo; echo "== tier: $1 — $2"; }
pass() { result[$current]="passed ($((SECONDS - started)) s)"; current=""; }

begin native "cargo test (host)"
cargo test --lib
# The sync client: recorded answers, the test support itself, then the local backend (node, started by the tests).
cargo test --test sync_recorded --test sync_support_selftest --test sync_native --test facilitator_native
if grep -rqE '^[[:space:]]*//[/!].*```' src; then cargo test --doc; else echo "(no doctests in src/)"; fi
pass

begin browser "wasm-bindgen-test in headless Chromium"
[ -f tests/store_in_browser.rs ] || { echo "test: ERROR: tests/store_in_browser.rs is missing" >&2; exit 1; }
# The runner (wasm-bindgen-test-runner) is set in .cargo/config.toml.
CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test store_in_browser --test platform_in_browser --test json_in_browser
pass

begin e2e "release build (scripts/build.sh) + Playwright"
[ -f end2end/playwright.config.mjs ] || { echo "test: ERROR: end2end/playwright.config.mjs is missing" >&2; exit 1; }
bash scripts/build.sh
if [ "${CI:-}" = true ]; then   # the size figure belongs in every CI log, even when a journey fails
  echo "-- benchmark: size"; node end2end/bench/size.mjs
fi
(cd end2end && npx --no-install playwright test -c playwright.config.mjs)
pass
