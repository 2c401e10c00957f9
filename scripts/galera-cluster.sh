#!/usr/bin/env bash
# A three-node MariaDB Galera cluster on loopback with HAProxy in front, for trying CostWatch on
# a cluster by hand (see README, "Running on a Galera cluster"):
#   scripts/galera-cluster.sh start     start it (prints the URL for COSTWATCH_DATABASE_URL)
#   scripts/galera-cluster.sh status    each node's state; exit 0 when all three are Synced
#   scripts/galera-cluster.sh stop      stop every process it started
# The folder is $COSTWATCH_CLUSTER_DIR (default /tmp/costwatch-galera). Runs as root, as the
# nodes' data directories and option files are root's. See backend/tools/cluster.py.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
[ "${1:-}" = start ] && "$ROOT/scripts/system-packages.sh" galera-4 mariadb-backup socat haproxy
cd "$ROOT/backend"
"$PY" -m tools.cluster "$@"
