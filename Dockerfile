# One image for the worker, the API and the one-shot migration (the command picks the role).
# Checked by hadolint and checkov in `make lint`.
# The console's and /docs' browser assets, pinned by package-lock.json (npm ci, as make install).
FROM node:22-bookworm-slim AS assets
WORKDIR /assets
COPY package.json package-lock.json ./
RUN npm ci --omit=peer --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error

FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    ASB_DATA_DIR=/app/data
WORKDIR /app

# The runtime lock: the versions `make test` runs, without the development tools.
COPY requirements.runtime.lock ./
RUN pip install --no-cache-dir -r requirements.runtime.lock

COPY pyproject.toml README.md alembic.ini ./
COPY domain domain
COPY workflows workflows
COPY activities activities
COPY workers workers
COPY api api
COPY db db
COPY core core
COPY console console
COPY --from=assets /assets/node_modules node_modules
# The app's files belong to root and cannot be changed by the process; only the data folder
# (mail in folder mode, which compose does not use) is the service user's.
RUN pip install --no-cache-dir --no-deps . \
    && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin asb \
    && mkdir -p /app/data \
    && chown asb /app/data
USER 10001
EXPOSE 8000 9464
# The API's liveness; compose and Kubernetes set each role's own readiness check.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["python", "-m", "web.main"]
