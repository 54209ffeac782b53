#!/usr/bin/env bash
# Trunk's post_build hook (Trunk.toml). A wasm built with the `split` feature carries split
# points (`src/on_demand.rs`): parts of the page fetched the first time they are shown. Trunk
# cannot cut a wasm into chunks, so this replaces what it staged:
#   wasm-split-cli    the linked wasm  -> the main module, one chunk per part, __wasm_split.js
#   wasm-bindgen      the main module  -> contrail-HASH.js and contrail-HASH_bg.wasm
#   wasm-opt -Oz      the main module and each chunk, as trunk does for the whole
#   order-functions   the main module's functions put in the order gzip packs best
#                     (scripts/order-functions.mjs), then its names dropped
# The loader and the chunks take the main file's hash into their names, so a browser never
# pairs a cached chunk with another build's main module. Without split points it does nothing.
set -euo pipefail

stage="${TRUNK_STAGING_DIR:?run by trunk as a hook}"
profile=release
[ "${TRUNK_PROFILE:-release}" = debug ] && profile=debug
target_dir="${CARGO_TARGET_DIR:-${TRUNK_SOURCE_DIR:-.}/target}"
linked="$target_dir/wasm32-unknown-unknown/$profile/contrail.wasm"
grep -q __wasm_split_placeholder__ "$linked" || exit 0

PATH="$HOME/.cargo/bin:${TRUNK_SOURCE_DIR:-.}/node_modules/.bin:$PATH"
main_js=$(cd "$stage" && ls contrail-*.js | grep -v '_bg' | head -n 1)
name="${main_js%.js}"
hash="${name#contrail-}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

wasm-split-cli "$linked" "$work/split" --target web --out-name "$name"
# The names stay until the functions are ordered by them.
wasm-bindgen --target=web --keep-lld-exports --keep-debug --no-typescript \
  --out-name="$name" --out-dir="$work/bindgen" "$work/split/$name.wasm"
# Rust puts the stack first, below 1 MiB, and the data above it: the lowest 1 KiB of memory
# is reached only by a stack that has already overflowed, so wasm-opt may fold more
# constant offsets into loads and stores (--low-memory-unused, about 1 KB gzip less).
wasm-opt -Oz -g --low-memory-unused "$work/bindgen/${name}_bg.wasm" -o "$work/optimised.wasm"
node scripts/order-functions.mjs "$work/optimised.wasm" "$work/keyed.wasm"
wasm-opt "$work/keyed.wasm" --reorder-functions-by-name --strip-debug -o "$stage/${name}_bg.wasm"
sed "s#from \"./__wasm_split.js\"#from \"./__wasm_split-$hash.js\"#" "$work/bindgen/$name.js" > "$stage/$name.js"
grep -q "__wasm_split-$hash.js" "$stage/$name.js" || { echo "split-wasm: no loader import in $name.js" >&2; exit 1; }
if [ -d "$work/bindgen/snippets" ]; then cp -R "$work/bindgen/snippets" "$stage/"; fi
loader="$work/split/__wasm_split.js"
# split_NAME.wasm: a part; chunk_N.wasm: code two or more parts share, fetched with either.
shopt -s nullglob
for chunk in "$work"/split/split_*.wasm "$work"/split/chunk_*.wasm; do
  base=$(basename "$chunk" .wasm)
  wasm-opt -Oz --low-memory-unused "$chunk" -o "$stage/$base-$hash.wasm"
  sed -i "s#\"./$base.wasm\"#\"./$base-$hash.wasm\"#" "$loader"
done
if grep -Eq '"\./[A-Za-z0-9_]+\.wasm"' "$loader"; then
  echo "split-wasm: the loader still names a chunk without the build's hash" >&2
  exit 1
fi
cp "$loader" "$stage/__wasm_split-$hash.js"
parts=("$work"/split/split_*.wasm)
shared=("$work"/split/chunk_*.wasm)
echo "split-wasm: ${#parts[@]} part(s) and ${#shared[@]} shared chunk(s) beside $name"
