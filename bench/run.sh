#!/usr/bin/env bash
# The one command for Contrail's benchmarks (not part of CI). Puts trunk, wasm-bindgen,
# wasm-opt and Chromium in place via scripts/setup.sh, then runs the suite; any options
# go to bench/run.mjs, e.g. `bench/run.sh --quick --only frames`.
# Run it on an idle machine: a compile beside the browser cuts fps by 7-35% here.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# "test" also installs Chromium if it is missing.
source "$ROOT/scripts/setup.sh" test
cd "$ROOT"
exec node bench/run.mjs "$@"
