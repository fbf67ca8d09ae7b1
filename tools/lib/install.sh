#!/usr/bin/env bash
# npm ci when node_modules is missing or older than package-lock.json; then the typed HTTP client's
# types from the committed OpenAPI documents (docs/openapi -> libs/contracts/src/openapi/generated,
# not committed), which must exist before anything type-checks. Both are no-ops when up to date.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
stamp=node_modules/.urrbmi-installed
if [[ ! -f "$stamp" || ! "$stamp" -nt package-lock.json ]]; then
  echo "[install] npm ci" >&2
  npm ci --no-audit --no-fund --loglevel=error
  touch "$stamp"
fi
node tools/contract/generate-openapi-types.mjs --if-stale
