#!/usr/bin/env bash
# The image's entry point: the API (which migrates the database first) and nginx in front of it.
# Arguments go to backend/main.py (e.g. --seed). Stops both when either one stops.
set -euo pipefail
run_dir=/tmp/costwatch-nginx
COSTWATCH_NGINX_RUN=$run_dir /app/deploy/render-nginx.sh "$run_dir/nginx.conf"

python /app/backend/main.py --host 127.0.0.1 --port 8000 "$@" &
api=$!
nginx -e stderr -c "$run_dir/nginx.conf" -g 'daemon off;' &
web=$!

trap 'kill -TERM $api $web 2>/dev/null || true' TERM INT
wait -n $api $web || true
kill -TERM $api $web 2>/dev/null || true
wait || true
