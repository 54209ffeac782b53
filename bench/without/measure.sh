#!/usr/bin/env bash
# What an issue's features cost the first load today. Each `issue-N.patch` here takes that
# issue's page side out of the app (its components, its calls to parts, its CSS) and turns
# its parts' split points off, so their code leaves the page instead of staying behind
# unsplit. This script builds the release page as the README does, then again with each
# patch applied, and runs the suite's size section on every build; the difference in
# first-load gzip is the issue's cost. Usage: `bench/without/measure.sh issue-13 issue-14`.
# The patches apply to the code as it was when they were written: if one no longer
# applies, update it (take the feature out by hand, `UPDATE_PRERENDER=1 cargo test --test prerender` if it changes the diagram or the legend, then `git diff -- src style assets Cargo.toml Cargo.lock > bench/without/issue-N.patch`).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$ROOT/scripts/setup.sh" test
cd "$ROOT"
if [ -n "$(git status --porcelain -- src style index.html assets Cargo.toml Cargo.lock)" ]; then
  echo "measure.sh: src/, style/, index.html or Cargo.* has changes; commit or stash them first" >&2
  exit 1
fi
# Whatever happens, the sources go back to what was committed.
trap 'git checkout -q -- src style index.html assets Cargo.toml Cargo.lock' EXIT
out="$ROOT/bench/out/without"
rm -rf "$out" && mkdir -p "$out"
build() { trunk build --release --features split --public-url /contrail/ --dist "$out/$1" >"$out/$1.log" 2>&1; }
size() { node bench/run.mjs --only size --no-build --user-dist "$out/$1" | grep -E "^\| First-load" | awk -F'|' '{gsub(/ /, "", $4); print $4}'; }
build head
base=$(size head)
echo "first load, gzip KB: $base as built"
for name in "$@"; do
  git apply "bench/without/$name.patch"
  build "$name"
  git checkout -q -- src style index.html assets Cargo.toml Cargo.lock
  without=$(size "$name")
  echo "first load, gzip KB: $without without $name; its cost: $(node -e "console.log(($base - $without).toFixed(1))")"
done
