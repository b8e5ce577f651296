#!/usr/bin/env bash
# Builds Tandem for release and prints its benchmarks: size, keystroke → durable draft, cold start offline, first
# sync of 10,000 documents (against PouchDB 9 and a plain fetch, with the local backend); opening and scrolling a group
# thread of 5,000 posts; partner matching of 200 participants (native).
# Benchmarks print figures against their targets; they never fail on timing.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"   # also cd's to the repo root

echo "== scripts/build.sh (trunk build --release, both apps)"
bash scripts/build.sh
echo "== partner matching, 200 participants (native)"
cargo run --quiet --release --example match_bench
for bench in size keystroke coldstart sync group-thread; do
  echo; node "end2end/bench/$bench.mjs"
done
