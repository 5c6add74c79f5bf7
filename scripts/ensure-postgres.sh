#!/usr/bin/env bash
# Makes sure PostgreSQL answers on 127.0.0.1:5432 with trust auth and a `test` database, for
# the PostgreSQL tests of `cargo xtask ci`. Starts the local cluster when it is installed but
# stopped; installs Debian's `postgresql` with apt-get when it is missing. Idempotent; says what
# it does. Needs root (as on the project's machines and CI).
set -euo pipefail

say() { printf 'ensure-postgres: %s\n' "$*" >&2; }

answers() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h 127.0.0.1 -p 5432
  else
    (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null
  fi
}

if answers; then
  say "PostgreSQL already answers on 127.0.0.1:5432"
  exit 0
fi

if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
  say "PostgreSQL is not installed: installing Debian's postgresql with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
fi

version=$(ls /etc/postgresql | sort -V | tail -n 1)
conf=/etc/postgresql/$version/main
# Trust auth on loopback for the test user, as on the project's machines.
if ! grep -q '^host all all 127.0.0.1/32 trust' "$conf/pg_hba.conf"; then
  say "allowing trust auth on 127.0.0.1 for the tests ($conf/pg_hba.conf)"
  sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\nlocal all all trust' "$conf/pg_hba.conf"
fi
say "starting the PostgreSQL $version cluster"
pg_ctlcluster --skip-systemctl-redirect "$version" main start || pg_ctlcluster "$version" main start

for _ in $(seq 1 30); do
  answers && break
  sleep 1
done
answers || { say "PostgreSQL did not start; see /var/log/postgresql/"; exit 1; }

if ! psql -h 127.0.0.1 -U postgres -tAc "select 1 from pg_database where datname='test'" | grep -q 1; then
  say "creating the database test"
  psql -h 127.0.0.1 -U postgres -qc "create database test"
fi
say "PostgreSQL answers on 127.0.0.1:5432"
