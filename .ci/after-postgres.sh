#!/usr/bin/env bash
# Sourced by .ci/run (and by developers): stops the cluster that setup-postgres.sh started and removes its folder.

_fm_pg_after() {
  local data="${FLOWMACHINE_TEST_PG_DATA:-}" bin="${FLOWMACHINE_TEST_PG_BIN:-}" dir
  if [ -z "$data" ]; then
    echo "postgres: nothing to stop (FLOWMACHINE_TEST_PG_DATA is not set)"
    return 0
  fi

  dir=$(dirname "$data")
  if [ -n "$bin" ] && [ -d "$data" ]; then
    echo "postgres: stopping the cluster in $data"
    if [ "$(id -u)" = 0 ]; then
      runuser -u postgres -- "$bin/pg_ctl" -w -D "$data" -m fast stop >/dev/null 2>&1 \
        || su postgres -s /bin/sh -c "'$bin/pg_ctl' -w -D '$data' -m fast stop" >/dev/null 2>&1 || true
    else
      "$bin/pg_ctl" -w -D "$data" -m fast stop >/dev/null 2>&1 || true
    fi
  fi

  # Only ever remove a folder this script family made.
  case "$dir" in
    /tmp/flowmachine-pg.*) echo "postgres: removing $dir"; rm -rf "$dir" ;;
  esac
  unset FLOWMACHINE_TEST_PG FLOWMACHINE_TEST_PG_DATA FLOWMACHINE_TEST_PG_BIN
}

_fm_pg_after
_fm_pg_status=$?
unset -f _fm_pg_after _fm_pg_su 2>/dev/null
return $_fm_pg_status 2>/dev/null || true
