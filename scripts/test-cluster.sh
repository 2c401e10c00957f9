#!/usr/bin/env bash
# A three-node MariaDB Galera cluster behind HAProxy, two API replicas behind nginx, 50 writers
# and readers; one database node is killed and rejoins, one API replica is killed. Nothing may
# be lost, stored twice or answered with a 500, no request may wait more than 5 s. Then two more
# API replicas, each on a different node, check read-your-writes over HTTP (400 write/read pairs,
# backend/tools/cluster_reads.py). See backend/tools/cluster_fault.py; its options (--keep,
# --down, --http-rounds...) are passed on. Everything runs on loopback, in a folder of its own.
# Needs galera-4, mariadb-backup, socat, haproxy and nginx: installed here when missing; under CI
# they are required, elsewhere the test is skipped when they cannot be installed.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
if ! "$ROOT/scripts/system-packages.sh" galera-4 mariadb-backup socat haproxy nginx; then
  if [ -n "${CI:-}" ]; then
    die "the cluster test needs galera-4, mariadb-backup, socat, haproxy and nginx"
  fi
  say "Galera cluster test: skipped (galera-4, mariadb-backup, haproxy or nginx missing)"
  exit 0
fi
say "Galera cluster test: a node and an API replica killed under load"
cd "$ROOT/backend"
"$PY" -m tools.cluster_fault "$@"
