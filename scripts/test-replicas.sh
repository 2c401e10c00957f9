#!/usr/bin/env bash
# Two API replicas on one MySQL/MariaDB database behind nginx, configured exactly as the Docker
# image is (deploy/nginx.conf.template). See backend/tools/replicas.py for what it checks.
# Needs COSTWATCH_TEST_DATABASE_URL=mysql+asyncmy://... (a database of its own is made beside it).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
"$ROOT/scripts/system-packages.sh" nginx
if [ ! -f "$ROOT/frontend/dist/index.html" ]; then
  ensure_frontend
  (cd "$ROOT/frontend" && npm run --silent build)
fi
say "replicas: nginx + two API processes on one database"
cd "$ROOT/backend"
"$PY" -m tools.replicas
