#!/usr/bin/env bash
# Serves Contrail with live reload on http://127.0.0.1:8080/ (installs what is missing first).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup.sh"
cd "$ROOT"
echo "Contrail: open http://127.0.0.1:8080/"
exec trunk serve --address 127.0.0.1 --port 8080 "$@"
