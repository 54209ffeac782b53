#!/usr/bin/env bash
# Runs every test tier, installing whatever is missing first. CI runs exactly this.
#   1. format and clippy (host and wasm32)
#   2. native cargo test: simulation core, geometry, token layer, AsyncAPI in and out, then
#      the reference AsyncAPI parser on the bundled examples and every gallery model's export
#   3. wasm-bindgen-test in headless Chromium: real components mounted, DOM asserted
#   4. end-to-end: release build served statically under /contrail/, driven by Playwright
# Each tier fails loudly when it breaks, and when it ran no test at all.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup.sh" test
cd "$ROOT"

export CHROMEDRIVER="$(command -v chromedriver)"
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
export WASM_BINDGEN_TEST_TIMEOUT=180

LOG_DIR="$ROOT/target/test-logs"
mkdir -p "$LOG_DIR"
PASSED=0
FAILED=0

stage() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

# Adds up cargo's "test result:" lines; a tier that ran zero tests counts as a failure.
count_cargo_tests() {
  local log="$1" tier="$2" passed failed
  passed=$(grep -Eo 'test result: [a-zA-Z]+\. [0-9]+ passed' "$log" | awk '{s+=$4} END {print s+0}')
  failed=$(grep -Eo '[0-9]+ failed' "$log" | awk '{s+=$1} END {print s+0}')
  if [ "$passed" -eq 0 ]; then
    echo "ERROR: $tier ran no test" >&2
    exit 1
  fi
  PASSED=$((PASSED + passed))
  FAILED=$((FAILED + failed))
  echo "$tier: $passed passed, $failed failed"
}

stage "format"
cargo fmt --all --check

stage "clippy (host)"
cargo clippy --locked --all-targets -- -D warnings

stage "clippy (wasm32)"
cargo clippy --locked --all-targets --target wasm32-unknown-unknown -- -D warnings
# The bench build's own code (src/bench_hooks.rs) is compiled only with its feature.
cargo clippy --locked --lib --bins --target wasm32-unknown-unknown --features bench -- -D warnings
cargo clippy --locked --lib --bins --target wasm32-unknown-unknown --features split -- -D warnings

stage "native tests"
cargo test --locked 2>&1 | tee "$LOG_DIR/native.log"
count_cargo_tests "$LOG_DIR/native.log" "native tests"

stage "AsyncAPI validity (reference parser, @asyncapi/parser)"
# The bundled examples, and every gallery model's export that tests/asyncapi.rs just wrote.
node scripts/validate-asyncapi.mjs models/asyncapi target/tmp/asyncapi-exports 2>&1 | tee "$LOG_DIR/asyncapi.log"
asyncapi_valid=$(grep -Eo '^asyncapi: [0-9]+ valid' "$LOG_DIR/asyncapi.log" | awk '{print $2}')
PASSED=$((PASSED + asyncapi_valid))

stage "browser tests (wasm-bindgen-test, headless Chromium)"
web_tests=()
for file in tests/web_*.rs; do
  web_tests+=(--test "$(basename "$file" .rs)")
done
cargo test --locked --target wasm32-unknown-unknown "${web_tests[@]}" 2>&1 | tee "$LOG_DIR/browser.log"
count_cargo_tests "$LOG_DIR/browser.log" "browser tests"

stage "end-to-end (release build under /contrail/)"
rm -rf dist dist-bench
trunk build --release --features split --public-url /contrail/
# One test needs the 1,000-token scene, which only the bench build carries.
trunk build --release --features bench,split --public-url /contrail/ --dist dist-bench
node e2e/run.mjs 2>&1 | tee "$LOG_DIR/e2e.log"
e2e_passed=$(grep -Eo '^e2e: [0-9]+ passed' "$LOG_DIR/e2e.log" | awk '{print $2}')
if [ -z "$e2e_passed" ] || [ "$e2e_passed" -eq 0 ]; then
  echo "ERROR: end-to-end tier ran no test" >&2
  exit 1
fi
PASSED=$((PASSED + e2e_passed))

stage "all tiers"
echo "$PASSED passed, $FAILED failed"
