#!/usr/bin/env bash
# npm ci when node_modules is missing or older than package-lock.json; a no-op otherwise.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
stamp=node_modules/.urrbmi-installed
if [[ -f "$stamp" && "$stamp" -nt package-lock.json ]]; then exit 0; fi
echo "[install] npm ci" >&2
npm ci --no-audit --no-fund --loglevel=error
touch "$stamp"
