#!/usr/bin/env bash
# The dashboard's checks: lint, types, unit tests, API types in sync with the backend, the
# production build, then the end-to-end test in headless Chromium against the real backend.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_backend dev
ensure_frontend
cd "$ROOT/frontend"
say "dashboard: eslint"
npm run --silent lint
say "dashboard: tsc"
npm run --silent typecheck
say "dashboard: vitest with coverage"
npm run --silent test
say "dashboard: API types match the backend's OpenAPI schema"
COSTWATCH_PYTHON="$PY" npm run --silent check:api
say "dashboard: production build"
npm run --silent build

"$ROOT/scripts/system-packages.sh" chromium  # Debian's, for the browser test

say "dashboard: end-to-end in headless Chromium (backend --seed + vite preview)"
work="$(mktemp -d /tmp/costwatch-e2e-XXXXXX)"
api_port="${E2E_API_PORT:-18766}"
web_port="${E2E_WEB_PORT:-15173}"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
COSTWATCH_DATA_DIR="$work" COSTWATCH_DATABASE_URL="sqlite+aiosqlite:///$work/e2e.db" COSTWATCH_ENV=test \
  "$PY" "$ROOT/backend/main.py" --seed --port "$api_port" > "$work/api.log" 2>&1 &
pids+=($!)
COSTWATCH_API_URL="http://127.0.0.1:$api_port" \
  node node_modules/vite/bin/vite.js preview --port "$web_port" --strictPort > "$work/web.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$web_port/api/health" >/dev/null && break
  sleep 0.5
done
curl -sf "http://127.0.0.1:$web_port/api/health" >/dev/null \
  || { cat "$work/api.log" "$work/web.log"; die "the backend or the preview server did not start"; }
# Screenshots go to a scratch folder here; the README's come from running e2e by hand.
E2E_BASE_URL="http://127.0.0.1:$web_port" SCREENSHOT_DIR="${SCREENSHOT_DIR:-$work/screenshots}" \
  npm run --silent e2e
