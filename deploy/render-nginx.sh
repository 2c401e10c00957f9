#!/usr/bin/env sh
# Render deploy/nginx.conf.template into a config file: render-nginx.sh OUTPUT
# Reads COSTWATCH_HTTP_PORT, COSTWATCH_WEB_ROOT, COSTWATCH_UPSTREAMS and COSTWATCH_NGINX_RUN
# (defaults suit the Docker image). Only these are substituted: nginx's own $variables stay.
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
: "${COSTWATCH_HTTP_PORT:=8080}"
: "${COSTWATCH_WEB_ROOT:=/app/frontend/dist}"
: "${COSTWATCH_UPSTREAMS:=server 127.0.0.1:8000;}"
: "${COSTWATCH_NGINX_RUN:=/tmp/costwatch-nginx}"
export COSTWATCH_HTTP_PORT COSTWATCH_WEB_ROOT COSTWATCH_UPSTREAMS COSTWATCH_NGINX_RUN
mkdir -p "$COSTWATCH_NGINX_RUN"
envsubst '${COSTWATCH_HTTP_PORT} ${COSTWATCH_WEB_ROOT} ${COSTWATCH_UPSTREAMS} ${COSTWATCH_NGINX_RUN}' \
  < "$here/nginx.conf.template" > "$1"
