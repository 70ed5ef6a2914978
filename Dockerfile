# One image for the worker, the API and the one-shot migration (the command picks the role).
# Checked by hadolint and checkov in `make lint`; tests/deploy/test_image_starts.py lays out what
# this file copies, installs it the same way and starts every role from it.
# The console's and /docs' browser assets, pinned by package-lock.json (npm ci, as make install).
FROM node:22-bookworm-slim AS assets
WORKDIR /assets
COPY package.json package-lock.json ./
RUN npm ci --omit=peer --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error

# A wheel of the project, built from the whole source tree (.dockerignore keeps out the tests, the
# docs and the development files). What the wheel holds is pyproject's packages.find list, which a
# test keeps equal to the repository's packages: a new top-level package cannot be left out of
# the image, as services/ and contracts/ were when this file named each folder.
FROM python:3.11-slim-bookworm AS wheel
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY . .
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim-bookworm

# The product runs from the installed package in site-packages, not from a source folder, so the
# npm assets are named by path (console/assets.py would otherwise look beside the package).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    ASB_DATA_DIR=/app/data \
    ASB_ASSETS_DIR=/app/node_modules
WORKDIR /app

# The runtime lock: the versions `make test` runs, without the development tools.
COPY requirements.runtime.lock ./
RUN pip install --no-cache-dir -r requirements.runtime.lock

COPY --from=assets /assets/node_modules node_modules
COPY --from=wheel /wheels /tmp/wheels
# The project itself, without dependencies (the lock above has them; pip check proves it). The
# app's files belong to root and cannot be changed by the process; only the data folder is the
# service user's: the API's outbox of residents' reports (docs/outages.md; compose mounts a named
# volume here, which Docker creates with this owner, Kubernetes a claim per replica), and mail in
# folder mode (development).
RUN pip install --no-cache-dir --no-deps /tmp/wheels/*.whl \
    && pip check \
    && rm -rf /tmp/wheels \
    && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin asb \
    && mkdir -p /app/data \
    && chown asb /app/data
USER 10001
EXPOSE 8000 9464
# The API's liveness; compose and Kubernetes set each role's own readiness check.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["python", "-m", "web.main"]
