#!/usr/bin/env bash
# The page's main module (what the first load fetches, without its on-demand parts) with the
# functions' names, for `sizes.py`: the split, wasm-bindgen and wasm-opt steps of
# scripts/split-wasm.sh, stopped before the names are dropped. Run it after a release build
# with the split feature (`trunk build --release --features split --public-url /contrail/`).
# Usage: `bench/without/first-load-names.sh [OUT.wasm]` (default bench/out/first-load-names.wasm).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"
linked="${CARGO_TARGET_DIR:-$ROOT/target}/wasm32-unknown-unknown/release/contrail.wasm"
grep -q __wasm_split_placeholder__ "$linked" || {
  echo "first-load-names: $linked has no split points; build with --features split first" >&2
  exit 1
}
out="${1:-$ROOT/bench/out/first-load-names.wasm}"
mkdir -p "$(dirname "$out")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
wasm-split-cli "$linked" "$work/split" --target web --out-name main >/dev/null
wasm-bindgen --target=web --keep-lld-exports --keep-debug --no-typescript \
  --out-name=main --out-dir="$work/bindgen" "$work/split/main.wasm"
wasm-opt -Oz -g --low-memory-unused "$work/bindgen/main_bg.wasm" -o "$out"
echo "first-load-names: $out"
