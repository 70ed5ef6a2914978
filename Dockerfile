# One image for the worker, the API and the one-shot migration (the command picks the role).
FROM python:3.11-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY requirements.lock pyproject.toml README.md ./
RUN pip install --no-cache-dir -r requirements.lock
COPY domain domain
COPY workflows workflows
COPY activities activities
COPY workers workers
COPY api api
COPY db db
COPY core core
COPY alembic.ini ./
RUN pip install --no-cache-dir --no-deps . && useradd --system --uid 10001 asb
USER asb
EXPOSE 8000
CMD ["python", "-m", "api.main"]
