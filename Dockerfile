# syntax=docker/dockerfile:1
# CostWatch in one image: nginx serves the dashboard and proxies /api/ to uvicorn.
#   docker build -t costwatch .
#   docker run -p 8080:8080 --env-file .env -v costwatch-data:/data costwatch
# or `docker compose up` with MySQL 8 (see docker-compose.yml and the README).

# 1. The backend and its pinned dependencies, in a virtualenv.
FROM python:3.12-slim-bookworm AS backend
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
RUN python -m venv /opt/venv
# The locked runtime dependencies first (every file checked against its hash), in their own
# layer so that a code change does not reinstall them.
COPY backend/requirements.lock backend/requirements.lock
RUN /opt/venv/bin/pip install --require-hashes -r backend/requirements.lock
COPY backend/ backend/
# Editable: migrations and alembic.ini stay next to the code, in /app/backend.
RUN /opt/venv/bin/pip install --no-deps -e ./backend \
 && rm -rf backend/tests backend/tools backend/data

# 2. The dashboard, built into static files.
FROM node:20-bookworm-slim AS frontend
WORKDIR /app/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

# 3. The runtime: Python, nginx, the built dashboard; no compilers, no Node.
FROM python:3.12-slim-bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends nginx gettext-base \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin costwatch \
 && install -d -o costwatch -g costwatch /data
COPY --from=backend /opt/venv /opt/venv
COPY --from=backend /app/backend /app/backend
COPY --from=frontend /app/frontend/dist /app/frontend/dist
COPY deploy/ /app/deploy/
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    COSTWATCH_ENV=production \
    COSTWATCH_DATA_DIR=/data \
    COSTWATCH_HTTP_PORT=8080
USER costwatch
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD python -c "import urllib.request as u; u.urlopen('http://127.0.0.1:8080/api/ready', timeout=2)"
ENTRYPOINT ["/app/deploy/docker-entrypoint.sh"]
