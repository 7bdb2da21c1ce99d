#!/usr/bin/env bash
# Sourced by .ci/run (and by developers): starts a throwaway PostgreSQL cluster for the PostgreSQL tests
# and exports FLOWMACHINE_TEST_PG (an Npgsql connection string), FLOWMACHINE_TEST_PG_DATA and
# FLOWMACHINE_TEST_PG_BIN. Sourced, so it never exits: it returns non-zero on failure.
# Stop it with: source .ci/after-postgres.sh

_fm_pg_setup() {
  local bin="" dir port pgrun

  # The server refuses to run as root: as root, run it as the postgres user.
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres || return 1
    pgrun="runuser -u postgres --"
    command -v runuser >/dev/null 2>&1 || pgrun="_fm_pg_su"
  else
    pgrun=""
  fi

  # Already running from an earlier source in this shell: keep it (idempotent).
  if [ -n "${FLOWMACHINE_TEST_PG_DATA:-}" ] && [ -n "${FLOWMACHINE_TEST_PG_BIN:-}" ] \
     && $pgrun "$FLOWMACHINE_TEST_PG_BIN/pg_ctl" status -D "$FLOWMACHINE_TEST_PG_DATA" >/dev/null 2>&1; then
    echo "postgres: already running at $FLOWMACHINE_TEST_PG_DATA ($FLOWMACHINE_TEST_PG)"
    return 0
  fi

  # Find initdb: PATH first, then Debian's versioned folders; install PostgreSQL when there is none.
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    bin=$(dirname "$(command -v initdb)")
  else
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  fi
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    echo "postgres: no initdb found; installing PostgreSQL with apt-get"
    if [ "$(id -u)" != 0 ]; then echo "postgres: need root to install PostgreSQL" >&2; return 1; fi
    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null || {
      echo "postgres: apt-get install postgresql failed" >&2; return 1; }
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -x "$bin/initdb" ] || { echo "postgres: installed, but no initdb in /usr/lib/postgresql/*/bin" >&2; return 1; }
  fi
  echo "postgres: using binaries in $bin ($("$bin/postgres" --version))"

  dir=$(mktemp -d /tmp/flowmachine-pg.XXXXXX) || return 1
  chmod 755 "$dir"
  [ "$(id -u)" = 0 ] && chown postgres: "$dir"

  # A free loopback port: ask the kernel, else probe from 55432 up.
  if command -v python3 >/dev/null 2>&1; then
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  else
    port=55432
    while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  fi

  echo "postgres: initdb in $dir/data (trust auth on loopback)"
  $pgrun "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 || {
    echo "postgres: initdb failed:" >&2; cat "$dir/initdb.log" >&2; return 1; }

  echo "postgres: starting on 127.0.0.1:$port"
  $pgrun "$bin/pg_ctl" -w -t 60 -D "$dir/data" -l "$dir/server.log" \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null || {
    echo "postgres: pg_ctl start failed:" >&2; cat "$dir/server.log" >&2; return 1; }

  export FLOWMACHINE_TEST_PG="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
  export FLOWMACHINE_TEST_PG_DATA="$dir/data"
  export FLOWMACHINE_TEST_PG_BIN="$bin"
  echo "postgres: FLOWMACHINE_TEST_PG=$FLOWMACHINE_TEST_PG"
}

_fm_pg_su() { su postgres -s /bin/sh -c "$(printf '%q ' "$@")"; }

_fm_pg_setup
_fm_pg_status=$?
unset -f _fm_pg_setup
return $_fm_pg_status 2>/dev/null || true
