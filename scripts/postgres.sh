#!/usr/bin/env bash
# Install (Debian) and start a local PostgreSQL for the test suite, idempotently.
# Prints the URL to use as PG_TEST_URL.
set -euo pipefail
if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >&2
fi
version=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
if ! pg_lsclusters -h | awk '{print $1"-"$2}' | grep -q "^${version}-main$"; then
  pg_createcluster "$version" main >&2
fi
pg_ctlcluster "$version" main start >&2 2>/dev/null || true
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p 5432 && break
  sleep 1
done
su postgres -c "psql -q -tAc \"SELECT 1 FROM pg_roles WHERE rolname='groundswell'\"" | grep -q 1 \
  || su postgres -c "psql -q -c \"CREATE ROLE groundswell LOGIN SUPERUSER PASSWORD 'groundswell'\"" >&2
su postgres -c "psql -q -tAc \"SELECT 1 FROM pg_database WHERE datname='groundswell_test'\"" | grep -q 1 \
  || su postgres -c "createdb -O groundswell groundswell_test" >&2
echo "postgresql+psycopg://groundswell:groundswell@127.0.0.1:5432/groundswell_test"
