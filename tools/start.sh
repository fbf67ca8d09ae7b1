#!/usr/bin/env bash
# `npm start`: the whole system on this machine. Installs what is missing (npm ci, Kafka jars via
# Maven), starts Postgres and Kafka unless they already run (or DATABASE_URL / KAFKA_BROKERS name
# others), builds, and runs the five services; each migrates its own schema at boot. Run it twice and
# the second reuses what is up. Ctrl-C stops what this run started, and only that.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

SERVICES=(enrollment-service:3101 subsidy-service:3102 tax-collection-feed-service:3103 refund-service:3104 reporting-service:3105)
LOGS="$ROOT/.local/logs"
mkdir -p "$LOGS"
started_pids=()
started_kafka=""
stopping=""

cleanup() {
  stopping=1
  trap - INT TERM EXIT
  if ((${#started_pids[@]})); then
    echo "[start] stopping services: ${started_pids[*]}"
    kill "${started_pids[@]}" 2>/dev/null || true
    wait "${started_pids[@]}" 2>/dev/null || true
  fi
  if [[ -n "$started_kafka" ]]; then bash tools/kafka/kafka.sh stop || true; fi
}
trap cleanup INT TERM EXIT

bash tools/lib/install.sh
bash tools/lib/ensure-postgres.sh
if [[ -z "${KAFKA_BROKERS:-}" ]] && ! bash tools/kafka/kafka.sh status >/dev/null 2>&1; then started_kafka=1; fi
bash tools/kafka/kafka.sh start
export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:${KAFKA_LOCAL_PORT:-9092}}"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/urrbmi}"
node tools/lib/ensure-database.js
node tools/dev-keys.js --quiet
export API_KEYS_FILE="${API_KEYS_FILE:-$ROOT/.local/api-keys.json}"

echo "[start] building (tsc -p tsconfig.build.json)"
npx --no-install tsc -p tsconfig.build.json

for entry in "${SERVICES[@]}"; do
  name="${entry%%:*}" port="${entry##*:}"
  if curl -fsS "http://127.0.0.1:$port/health/live" >/dev/null 2>&1; then
    echo "[start] $name already answers on :$port, reusing it"
    continue
  fi
  PORT="$port" node -r ./tools/runtime/dist-paths.js "dist/apps/$name/src/main.js" >>"$LOGS/$name.log" 2>&1 &
  started_pids+=($!)
  echo "[start] $name starting on :$port (log: .local/logs/$name.log)"
done

for entry in "${SERVICES[@]}"; do
  name="${entry%%:*}" port="${entry##*:}"
  for i in $(seq 1 240); do
    if curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; then break; fi
    if ((i == 240)); then echo "[start] $name not ready after 120 s; see .local/logs/$name.log" >&2; exit 1; fi
    sleep 0.5
  done
done

cat <<INFO

The system is up (Ctrl-C stops what this command started):
  enrollment-service           http://127.0.0.1:3101  docs: http://127.0.0.1:3101/docs
  subsidy-service              http://127.0.0.1:3102  docs: http://127.0.0.1:3102/docs
  tax-collection-feed-service  http://127.0.0.1:3103  docs: http://127.0.0.1:3103/docs
  refund-service               http://127.0.0.1:3104  docs: http://127.0.0.1:3104/docs
  reporting-service            http://127.0.0.1:3105  docs: http://127.0.0.1:3105/docs
  Kafka $KAFKA_BROKERS, Postgres ${DATABASE_URL//\/\/*@/\/\/}
INFO
node tools/dev-keys.js
if ((${#started_pids[@]})); then
  wait -n "${started_pids[@]}" || true
  if [[ -n "$stopping" ]]; then exit 0; fi
  echo "[start] a service exited; see .local/logs. Stopping the rest." >&2
  exit 1
else
  echo "[start] everything was already running; nothing to wait for."
  trap - INT TERM EXIT
fi
