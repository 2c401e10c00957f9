#!/usr/bin/env bash
# The dashboard's checks: lint, types, unit tests, API types in sync, production build.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_frontend
cd "$ROOT/frontend"
say "dashboard: eslint, tsc, vitest"
npm run --silent lint
npm run --silent typecheck
npm run --silent test
say "dashboard: production build"
npm run --silent build
