#!/usr/bin/env bash
# Builds Tandem for release and prints its benchmarks: size, keystroke → durable draft, cold start offline.
# Benchmarks print figures against their targets; they never fail on timing.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"   # also cd's to the repo root

echo "== trunk build --release"
trunk build --release
for bench in size keystroke coldstart; do
  echo; node "end2end/bench/$bench.mjs"
done
