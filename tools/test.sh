#!/usr/bin/env bash
# `npm test`: every test (unit, integration, end-to-end) against a real Kafka broker and Postgres.
# Installs what is missing (npm packages; kubectl, prometheus, chromium from Debian: ensure-tools.sh);
# jest's global setup starts Postgres if down, a fresh *_test database, and the local broker unless
# one answers or KAFKA_BROKERS is set. Extra arguments go to jest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash tools/lib/install.sh
bash tools/lib/ensure-tools.sh
bash tools/lib/ensure-postgres.sh
bash tools/kafka/kafka.sh fetch
exec npx --no-install jest --ci --maxWorkers=2 "$@"
