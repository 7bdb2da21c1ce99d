#!/usr/bin/env bash
# Sourced by .ci/run (and by developers): makes sure Debian's prometheus package is installed, for its
# `promtool check metrics`, which lints a live /metrics page in the server tests, and exports FLOWMACHINE_PROMTOOL.
# Sourced, so it never exits: it returns non-zero on failure.

_fm_prometheus_setup() {
  if [ ! -x /usr/bin/promtool ]; then
    echo "prometheus: promtool not installed; installing prometheus with apt-get"
    if [ "$(id -u)" != 0 ]; then echo "prometheus: need root to install prometheus" >&2; return 1; fi
    DEBIAN_FRONTEND=noninteractive apt-get update -qq || { echo "prometheus: apt-get update failed" >&2; return 1; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus >/dev/null || {
      echo "prometheus: apt-get install prometheus failed" >&2; return 1; }
  fi
  [ -x /usr/bin/promtool ] || { echo "prometheus: /usr/bin/promtool is missing after the install" >&2; return 1; }
  export FLOWMACHINE_PROMTOOL=/usr/bin/promtool
  echo "prometheus: $(/usr/bin/promtool --version 2>&1 | head -n 1) at $FLOWMACHINE_PROMTOOL"
}

_fm_prometheus_setup
_fm_prometheus_status=$?
unset -f _fm_prometheus_setup
return $_fm_prometheus_status 2>/dev/null || true
