#!/usr/bin/env bash
# Benchmark the API on MariaDB with a large (2,000 services, 5 years, 1,000,000 consumption rows)
# and a small data set, with wrk at 32 and 4 connections; writes BENCHMARKS.md.
#   ./bench.sh [--seconds 10] [--reuse] [--sets large,small,huge] [--cold-only] [--database NAME_{}]
#   ./bench.sh --imports [--focus-rows N]   FOCUS and CSV imports (their own BENCHMARKS.md section)
#   ./bench.sh --cluster [--set large|small] [--seconds 10]   the mixed load on one MariaDB server,
#       then through HAProxy on three Galera nodes (its own section; about 9 min on the large set:
#       generated once, copied to the cluster's nodes by SST). Starts its own servers on loopback.
# Needs a MySQL-compatible server: COSTWATCH_BENCH_SERVER_URL, default the local MariaDB as root.
# The code is in backend/tools/bench (not part of the installed package); the generator alone:
#   cd backend && ../.venv/bin/python -m tools.bench.generate --url mysql+asyncmy://...
set -euo pipefail
source "$(dirname "$0")/scripts/lib.sh"
cd "$ROOT"
ensure_backend dev
"$ROOT/scripts/system-packages.sh" wrk
server="${COSTWATCH_BENCH_SERVER_URL:-mysql+asyncmy://root@127.0.0.1:3306/mysql?charset=utf8mb4}"
cd backend
if [ "${1:-}" = "--imports" ]; then
  # ./bench.sh --imports [--focus-rows 10000000] [--repeat 1]: the bulk imports (issue 12).
  shift
  exec "$PY" -m tools.bench.imports --server-url "$server" "$@"
fi
if [ "${1:-}" = "--cluster" ]; then
  # ./bench.sh --cluster [--set large] [--seconds 10]: one server vs a Galera cluster (issue 14).
  shift
  "$ROOT/scripts/system-packages.sh" galera-4 mariadb-backup socat haproxy
  exec "$PY" -m tools.bench.cluster "$@"
fi
exec "$PY" -m tools.bench.run --server-url "$server" "$@"
