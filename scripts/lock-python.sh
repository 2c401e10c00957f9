#!/usr/bin/env bash
# Regenerate backend/requirements.lock (runtime) and backend/requirements-dev.lock (runtime +
# dev tools) from backend/pyproject.toml, with the hash of every file, for Python 3.12 on
# Linux x86_64. Run after changing a dependency in pyproject.toml; commit both files.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_backend dev
cd "$ROOT/backend"
common=(--generate-hashes --python-version 3.12 --python-platform x86_64-manylinux_2_28 -q)
"$VENV/bin/uv" pip compile pyproject.toml "${common[@]}" -o requirements.lock
"$VENV/bin/uv" pip compile pyproject.toml --extra dev "${common[@]}" -o requirements-dev.lock
say "wrote backend/requirements.lock and backend/requirements-dev.lock"
