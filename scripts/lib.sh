#!/usr/bin/env bash
# Shared helpers of run.sh, test.sh and .ci/run: find Python 3.12, install what is missing.
# Sourced, not run. Everything installs into the repository (.venv, frontend/node_modules).

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

find_python() {
  # .python-version pins 3.12.1 for pyenv; any python3.12 on PATH works too.
  for candidate in python3.12 "$HOME/.pyenv/versions/3.12.1/bin/python3.12"; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))' 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  die "CostWatch needs Python 3.12 (install it, e.g. 'pyenv install 3.12.1', or put python3.12 on PATH)"
}

# Install the backend's pinned dependencies (with its dev tools when $1 = dev) into .venv from
# the lock file, every file checked against its hash, then the backend itself; again only when
# the lock or pyproject.toml changed since the last install.
ensure_backend() {
  local extra="${1:-}" stamp="$VENV/.costwatch-installed" want lock
  lock="$ROOT/backend/requirements.lock"
  [ "$extra" = dev ] && lock="$ROOT/backend/requirements-dev.lock"
  want="$(cat "$ROOT/backend/pyproject.toml" "$lock" | sha256sum | cut -c1-16)-${extra}"
  if [ ! -x "$PY" ]; then
    say "creating .venv with $(find_python)"
    "$(find_python)" -m venv "$VENV" || die "could not create $VENV"
  fi
  # A dev install also serves a plain one (run.sh after test.sh).
  local dev_want
  dev_want="$(cat "$ROOT/backend/pyproject.toml" "$ROOT/backend/requirements-dev.lock" | sha256sum | cut -c1-16)-dev"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ] && ! grep -qx "$dev_want" "$stamp" 2>/dev/null; then
    say "installing the backend into .venv (from ${lock#"$ROOT"/}, hashes checked)"
    "$PY" -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null
    "$PY" -m pip install --quiet --disable-pip-version-check --require-hashes -r "$lock" \
      || die "pip install -r $lock failed"
    "$PY" -m pip install --quiet --disable-pip-version-check --no-deps -e "$ROOT/backend" \
      || die "pip install -e backend failed"
    echo "$want" > "$stamp"
  fi
}

# npm ci in frontend/, again only when package-lock.json changed.
ensure_frontend() {
  command -v npm >/dev/null || die "the dashboard needs Node.js 20 and npm"
  local stamp="$ROOT/frontend/node_modules/.costwatch-installed" want
  want="$(sha256sum "$ROOT/frontend/package-lock.json" | cut -c1-16)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "installing the dashboard's packages (npm ci)"
    (cd "$ROOT/frontend" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed"
    echo "$want" > "$stamp"
  fi
}
