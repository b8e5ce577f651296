#!/usr/bin/env bash
# Installs what building and testing Tandem needs, offline-capable afterwards. Idempotent: every step checks first,
# so a second run takes seconds. Sourced by serve.sh, test.sh and bench.sh (the PATH and env it sets carry over);
# can also be run on its own. See /work/shared/toolchain.md for why each pin is what it is.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

die() { echo "setup: ERROR: $*" >&2; exit 1; }
step() { printf 'setup: %-18s %s\n' "$1" "$2"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# npm's binaryen (wasm-opt 132) must win over any Debian binaryen in /usr/bin: it comes first.
export PATH="$ROOT/end2end/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true

for tool in rustup cargo node npm; do
  command -v "$tool" >/dev/null || die "'$tool' is not on PATH (needs Rust via rustup, node 20 and npm)"
done

# 1. wasm target
if rustup target list --installed | grep -x wasm32-unknown-unknown >/dev/null; then
  step "wasm target" "present"
else
  step "wasm target" "installing"; rustup target add wasm32-unknown-unknown
fi

# 2. Trunk 0.21 (0.22 needs a newer rustc)
trunk_version=$(trunk --version 2>/dev/null || true)
if [[ $trunk_version == "trunk 0.21."* ]]; then
  step "trunk" "present ($trunk_version)"
else
  step "trunk" "installing 0.21 (~10 min cold)"; cargo install --locked trunk --version '~0.21'
fi

# 3. wasm-bindgen-cli at exactly the version in Cargo.lock, which Trunk.toml must pin too.
# No --locked: its lockfile pins a crate version the registry lacks.
wbg=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
[ -n "$wbg" ] || die "no wasm-bindgen entry in Cargo.lock"
pin=$(sed -nE 's/^[[:space:]]*wasm_bindgen[[:space:]]*=[[:space:]]*"([^"]*)".*/\1/p' Trunk.toml)
[ "$pin" = "$wbg" ] || die "Trunk.toml [tools] wasm_bindgen = \"$pin\" but Cargo.lock has wasm-bindgen $wbg: make them equal"
if [ "$(wasm-bindgen --version 2>/dev/null)" = "wasm-bindgen $wbg" ] &&
   [ "$(wasm-bindgen-test-runner --version 2>/dev/null)" = "wasm-bindgen-test-runner $wbg" ]; then
  step "wasm-bindgen-cli" "present ($wbg)"
else
  step "wasm-bindgen-cli" "installing $wbg (~3 min cold)"; cargo install wasm-bindgen-cli --version "=$wbg"
fi

# 4. Chromium + chromedriver from Debian (for the browser tier, Playwright and the benchmarks)
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  step "chromium" "present"
else
  step "chromium" "installing from apt"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver
fi

# 5. npm packages (Playwright, axe-core, binaryen's wasm-opt); reinstalled only when package-lock.json changes.
lock_hash=$(sha256sum end2end/package-lock.json | cut -d' ' -f1)
stamp=end2end/node_modules/.tandem-lock-sha256
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$lock_hash" ]; then
  step "npm packages" "present"
else
  step "npm packages" "npm ci in end2end/"
  (cd end2end && npm ci --no-audit --no-fund)
  echo "$lock_hash" > "$stamp"
fi
[ "$(command -v wasm-opt)" = "$ROOT/end2end/node_modules/.bin/wasm-opt" ] || die "wasm-opt is not npm's binaryen"
[[ $(wasm-opt --version) == *"version 132"* ]] || die "wasm-opt is not version 132: $(wasm-opt --version)"

# 6. Crates: Trunk runs cargo with --offline, so everything must be downloaded first.
cargo fetch --quiet
step "crates" "fetched"
