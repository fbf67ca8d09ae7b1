#!/usr/bin/env bash
# Makes sure a Postgres server answers. With DATABASE_URL set nothing is started (it is someone
# else's server); otherwise the locally installed cluster is started when 127.0.0.1:5432 is closed.
set -euo pipefail
if [[ -n "${DATABASE_URL:-}" ]]; then exit 0; fi
if pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then exit 0; fi
version="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)"
if [[ -z "$version" ]]; then
  echo "[postgres] no local cluster under /etc/postgresql and nothing on 127.0.0.1:5432; set DATABASE_URL" >&2
  exit 1
fi
echo "[postgres] starting local cluster $version/main" >&2
pg_ctlcluster --skip-systemctl-redirect "$version" main start
for _ in $(seq 1 60); do
  pg_isready -h 127.0.0.1 -p 5432 -q && exit 0
  sleep 0.5
done
echo "[postgres] did not become ready on 127.0.0.1:5432" >&2
exit 1
