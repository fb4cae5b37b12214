#!/usr/bin/env bash
# A local PostgreSQL for `make test-postgres`: installs Debian's package if it is
# missing, starts the newest cluster, and makes the role and database the tests
# use (academy/academy on 127.0.0.1:5432). Safe to run again. Needs root.
set -euo pipefail

if ! command -v pg_ctlcluster >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi

version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters --no-header | grep -q "^$version main"; then
  pg_createcluster "$version" main >/dev/null
fi
if ! pg_lsclusters --no-header | grep -q "^$version main .* online"; then
  pg_ctlcluster "$version" main start
fi

as_postgres() { runuser -u postgres -- "$@"; }
for _ in $(seq 1 30); do as_postgres pg_isready -q && break; sleep 1; done
if [ "$(as_postgres psql -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'academy'")" != 1 ]; then
  as_postgres psql -qc "CREATE ROLE academy LOGIN CREATEDB PASSWORD 'academy'"
fi
if [ "$(as_postgres psql -tAc "SELECT 1 FROM pg_database WHERE datname = 'academy'")" != 1 ]; then
  as_postgres createdb --owner academy academy
fi
echo "PostgreSQL $version is running; DATABASE_URL=postgres://academy:academy@127.0.0.1:5432/academy"
