#!/usr/bin/env bash
# Install what is missing, then run every check and test of CostWatch.
#   ./test.sh                 backend on SQLite in memory, then the dashboard
#   COSTWATCH_TEST_DATABASE_URL=mysql+asyncmy://root@127.0.0.1:3306/costwatch_test ./test.sh
#                             the same suite on MySQL/MariaDB as well (.ci/run does this)
set -euo pipefail
source "$(dirname "$0")/scripts/lib.sh"
cd "$ROOT"

ensure_backend dev
say "system packages the checks need (chromium, nginx, wrk)"
"$ROOT/scripts/system-packages.sh"
cd backend

say "ruff (lint and format)"
"$VENV/bin/ruff" check --config pyproject.toml .
"$VENV/bin/ruff" format --check --config pyproject.toml .

say "mypy"
"$VENV/bin/mypy" costwatch main.py tools tests

say "import-linter (one-way layers, see docs/architecture.md)"
"$VENV/bin/lint-imports"

say "pytest on SQLite (in memory), with coverage"
COSTWATCH_TEST_DATABASE_URL= "$VENV/bin/pytest" --cov --cov-report=term --cov-fail-under=90

if [ -n "${COSTWATCH_TEST_DATABASE_URL:-}" ]; then
  say "pytest on ${COSTWATCH_TEST_DATABASE_URL%%://*} (${COSTWATCH_TEST_DATABASE_URL##*@})"
  "$VENV/bin/pytest" -p no:cacheprovider
fi

say "schemathesis over every operation"
"$ROOT/scripts/schemathesis.sh"

cd "$ROOT"
"$ROOT/scripts/test-frontend.sh"
case "${COSTWATCH_TEST_DATABASE_URL:-}" in
  mysql*|mariadb*) "$ROOT/scripts/test-replicas.sh" ;;
  *) say "replicas behind nginx: skipped (they need COSTWATCH_TEST_DATABASE_URL, as .ci/run sets)" ;;
esac
"$ROOT/scripts/test-fault.sh"
"$ROOT/scripts/test-cluster.sh"
"$ROOT/scripts/audit-dependencies.sh"
say "all checks passed"
