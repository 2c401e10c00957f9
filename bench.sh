#!/usr/bin/env bash
# Benchmark the API on MariaDB with a large (2,000 services, 5 years, 1,000,000 consumption rows)
# and a small data set, with wrk at 32 and 4 connections; writes BENCHMARKS.md.
#   ./bench.sh [--seconds 10] [--reuse]
# Needs a MySQL-compatible server: COSTWATCH_BENCH_SERVER_URL, default the local MariaDB as root.
set -euo pipefail
source "$(dirname "$0")/scripts/lib.sh"
cd "$ROOT"
ensure_backend dev
if ! command -v wrk >/dev/null; then
  say "installing wrk (Debian package)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
server="${COSTWATCH_BENCH_SERVER_URL:-mysql+asyncmy://root@127.0.0.1:3306/mysql?charset=utf8mb4}"
cd backend
exec "$PY" -m costwatch.bench.run --server-url "$server" "$@"
