#!/usr/bin/env bash
# Local single-node Apache Kafka (KRaft, broker+controller) built from Maven Central jars.
#   tools/kafka/kafka.sh fetch|start|stop|status
# Nothing is started when KAFKA_BROKERS is set (an external cluster is in use), and a broker already
# answering on the port is reused. `stop` only ever kills the pid this script recorded.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HOME_DIR="${KAFKA_LOCAL_DIR:-$ROOT/.local/kafka}"
# Jars are shared by every local node (a second node for outage tests reuses them).
LIBS="${KAFKA_LIBS_DIR:-$ROOT/.local/kafka/libs}"
DATA="$HOME_DIR/data"
PID_FILE="$HOME_DIR/kafka.pid"
PORT="${KAFKA_LOCAL_PORT:-9092}"
CONTROLLER_PORT="${KAFKA_LOCAL_CONTROLLER_PORT:-9093}"
START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
POM="$ROOT/tools/kafka/pom.xml"

log() { echo "[kafka] $*" >&2; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

recorded_pid_alive() {
  [[ -f "$PID_FILE" ]] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null
}

fetch() {
  local stamp="$LIBS/.pom.sha256" want
  want="$(sha256sum "$POM" | cut -d' ' -f1)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then return 0; fi
  log "resolving broker jars from Maven Central into $LIBS"
  rm -rf "$LIBS" && mkdir -p "$LIBS"
  mvn -q -B -Dstyle.color=never -f "$POM" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$LIBS"
  echo "$want" >"$stamp"
}

write_config() {
  mkdir -p "$DATA"
  cat >"$HOME_DIR/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$DATA
num.partitions=3
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
log.retention.hours=168
PROPS
}

java_cmd() {
  # The classpath is the jar folder; log4j2 writes to $HOME_DIR/server.log.
  # shellcheck disable=SC2086 # KAFKA_HEAP_OPTS holds several flags
  java ${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m} -XX:+UseG1GC \
    -Dlog4j2.configurationFile="$ROOT/tools/kafka/log4j2.properties" -Dkafka.logs.dir="$HOME_DIR" \
    -cp "$LIBS/*" "$@"
}

format_storage() {
  local id_file="$HOME_DIR/cluster-id"
  if [[ ! -s "$id_file" ]]; then
    java_cmd kafka.tools.StorageTool random-uuid >"$id_file"
  fi
  java_cmd kafka.tools.StorageTool format -t "$(cat "$id_file")" -c "$HOME_DIR/server.properties" --ignore-formatted >/dev/null
}

start() {
  if [[ -n "${KAFKA_BROKERS:-}" ]]; then
    log "KAFKA_BROKERS=$KAFKA_BROKERS is set: using it, starting nothing"
    return 0
  fi
  if port_open "$PORT"; then
    log "a broker already answers on 127.0.0.1:$PORT: reusing it"
    return 0
  fi
  fetch
  write_config
  format_storage
  log "starting on 127.0.0.1:$PORT (log: $HOME_DIR/server.log)"
  : >"$HOME_DIR/server.log"
  # setsid: Ctrl-C in the terminal that ran `npm start` must not reach the broker directly;
  # the caller decides whether to stop it (only if it started it).
  setsid nohup java ${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m} -XX:+UseG1GC \
    -Dlog4j2.configurationFile="$ROOT/tools/kafka/log4j2.properties" -Dkafka.logs.dir="$HOME_DIR" \
    -cp "$LIBS/*" kafka.Kafka "$HOME_DIR/server.properties" >"$HOME_DIR/stdout.log" 2>&1 </dev/null &
  echo $! >"$PID_FILE"
  local waited=0
  until port_open "$PORT" && grep -q "Kafka Server started" "$HOME_DIR/server.log" 2>/dev/null; do
    if ! recorded_pid_alive; then
      log "broker exited during start; last lines:"; tail -n 30 "$HOME_DIR/stdout.log" "$HOME_DIR/server.log" >&2 || true
      rm -f "$PID_FILE"; return 1
    fi
    if ((waited >= START_TIMEOUT * 2)); then log "broker not ready after ${START_TIMEOUT}s"; return 1; fi
    sleep 0.5; waited=$((waited + 1))
  done
  log "ready (pid $(cat "$PID_FILE"))"
}

stop() {
  if ! recorded_pid_alive; then log "no broker started by this script is running"; rm -f "$PID_FILE"; return 0; fi
  local pid; pid="$(cat "$PID_FILE")"
  log "stopping pid $pid"
  kill "$pid"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then log "still alive after 30s, killing"; kill -9 "$pid"; fi
  rm -f "$PID_FILE"
}

status() {
  if [[ -n "${KAFKA_BROKERS:-}" ]]; then echo "external: $KAFKA_BROKERS"; return 0; fi
  if recorded_pid_alive; then echo "running (pid $(cat "$PID_FILE")) on 127.0.0.1:$PORT"; return 0; fi
  if port_open "$PORT"; then echo "a broker not started by this script answers on 127.0.0.1:$PORT"; return 0; fi
  echo "stopped"; return 3
}

case "${1:-}" in
  fetch) fetch ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 fetch|start|stop|status" >&2; exit 2 ;;
esac
