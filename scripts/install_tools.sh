#!/usr/bin/env bash
# Debian packages the tests need beyond the virtual environment: docker-compose (its `config`
# checks docker-compose.yml; no Docker engine is needed) and the PostgreSQL client (pg_dump and
# pg_restore for the backup test), and Chromium for the browser tests (Playwright drives it).
# Installs only what is missing.
set -euo pipefail
need=()
command -v docker-compose >/dev/null || need+=(docker-compose)
{ command -v pg_dump && command -v pg_restore; } >/dev/null || need+=(postgresql-client)
command -v chromium >/dev/null || need+=(chromium)
((${#need[@]})) || exit 0
if [[ $(id -u) != 0 ]] || ! command -v apt-get >/dev/null; then
  echo "Please install these Debian packages (as root): ${need[*]}" >&2
  exit 1
fi
apt-get -o DPkg::Lock::Timeout=600 update -qq
DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
  --no-install-recommends "${need[@]}"
