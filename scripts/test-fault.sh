#!/usr/bin/env bash
# The database fails under load: frozen (SIGSTOP), killed (SIGKILL), restarted; the API must
# answer only 2xx or 503, within 5 s, lose nothing and recover by itself. The test starts a
# MariaDB server of its own (own data directory and port), never the shared one. See
# backend/tools/fault.py. Needs mariadbd (Debian: mariadb-server); under CI it is required.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
if ! command -v mariadbd >/dev/null && [ ! -x /usr/sbin/mariadbd ]; then
  if [ -n "${CI:-}" ]; then
    die "the fault test needs mariadbd (apt-get install mariadb-server)"
  fi
  say "database fault test: skipped (mariadbd is not installed)"
  exit 0
fi
say "database fault test: a private MariaDB frozen, killed and restarted under load"
cd "$ROOT/backend"
"$PY" -m tools.fault
