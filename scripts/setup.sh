#!/usr/bin/env bash
# Installs what Contrail needs, skipping whatever is already there, so a second run is quick.
# Sourced by serve.sh and test.sh; `setup.sh test` also installs the browser-test tools.
# Versions are pinned because these machines cannot fetch newer toolchains:
#   trunk 0.22 needs a newer rustc than we have, so trunk 0.21.14;
#   the wasm-bindgen CLI must equal the wasm-bindgen in Cargo.lock;
#   Debian's wasm-opt (binaryen 108) emits wasm Chromium rejects, so npm's binaryen 132.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRUNK_VERSION="0.21.14"
export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
for component in clippy rustfmt; do
  if ! rustup component list --installed | grep -q "^$component"; then
    say "adding rustup component $component"
    rustup component add "$component"
  fi
done

WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3 }' "$ROOT/Cargo.lock")"
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes, once)"
  # Not --locked: one of its locked dependency versions is missing from the registry.
  cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION"
fi

if [ "$(trunk --version 2>/dev/null || true)" != "trunk $TRUNK_VERSION" ]; then
  say "installing trunk $TRUNK_VERSION (about 11 minutes on 2 cores, once)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

# Cuts the release wasm into the page and its on-demand parts (scripts/split-wasm.sh).
WASM_SPLIT_VERSION=0.2.4
if ! cargo install --list | grep -q "^wasm_split_cli_support v$WASM_SPLIT_VERSION:"; then
  say "installing wasm-split-cli $WASM_SPLIT_VERSION (about 2 minutes, once)"
  cargo install wasm_split_cli_support --version "=$WASM_SPLIT_VERSION" --locked --features build-binary
fi

# Node tools (wasm-opt from binaryen, esbuild for the release page, Playwright): reinstall only when the lock file changed.
if [ ! -f "$ROOT/node_modules/.package-lock.json" ] ||
  [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
  say "installing node tools (binaryen, esbuild, playwright-core)"
  (cd "$ROOT" && npm ci --no-audit --no-fund)
fi

if [ "${1:-}" = "test" ]; then
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    say "installing Chromium and ChromeDriver"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y chromium chromium-driver
  fi
fi
