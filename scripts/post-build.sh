#!/usr/bin/env bash
# Trunk's post_build hook (Trunk.toml): the two steps in order.
set -euo pipefail
cd "${TRUNK_SOURCE_DIR:-.}"
bash scripts/split-wasm.sh
node scripts/minify.mjs
