#!/usr/bin/env bash
# Two API replicas on one MySQL/MariaDB database behind nginx, configured exactly as the Docker
# image is (deploy/nginx.conf.template). See scripts/check_replicas.py for what it checks.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
if [ ! -x /usr/sbin/nginx ]; then
  say "installing nginx (Debian package)"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; } \
    || die "the replica test needs nginx: apt-get install nginx"
fi
if [ ! -f "$ROOT/frontend/dist/index.html" ]; then
  ensure_frontend
  (cd "$ROOT/frontend" && npm run --silent build)
fi
say "replicas: nginx + two API processes on one database"
"$PY" "$ROOT/scripts/check_replicas.py"
