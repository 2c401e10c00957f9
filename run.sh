#!/usr/bin/env bash
# Start CostWatch: the API on :8000 and the dashboard on :5173, on 127.0.0.1 only unless
# COSTWATCH_HOST says otherwise (Replit sets 0.0.0.0 in .replit).
#   ./run.sh           start with the database as it is
#   ./run.sh --seed    load the demo data first (admin@example.com / costwatch-demo)
# Extra arguments go to backend/main.py. Ctrl-C stops everything.
set -euo pipefail
source "$(dirname "$0")/scripts/lib.sh"
cd "$ROOT"

ensure_backend
ensure_frontend

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

say "API on http://localhost:${COSTWATCH_PORT:-8000} (Swagger UI at /docs)"
host="${COSTWATCH_HOST:-127.0.0.1}"
"$PY" backend/main.py --host "$host" --port "${COSTWATCH_PORT:-8000}" "$@" &
pids+=($!)

say "dashboard on http://localhost:5173"
(cd frontend && exec node node_modules/vite/bin/vite.js --host "$host" --port 5173 --strictPort) &
pids+=($!)
# Stop both as soon as either one exits.
wait -n
