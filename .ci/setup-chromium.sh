#!/usr/bin/env bash
# Sourced by .ci/run (and by developers): makes sure Debian's Chromium and ChromeDriver are installed for the
# dashboard's browser tests and exports FLOWMACHINE_CHROMIUM (and FLOWMACHINE_CHROMEDRIVER).
# Sourced, so it never exits: it returns non-zero on failure. A test tool's own browser download cannot work
# on these machines; the tests drive this Chromium through Playwright with ExecutablePath.

_fm_chromium_setup() {
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    echo "chromium: not installed; installing chromium and chromium-driver with apt-get"
    if [ "$(id -u)" != 0 ]; then echo "chromium: need root to install chromium" >&2; return 1; fi
    DEBIAN_FRONTEND=noninteractive apt-get update -qq || { echo "chromium: apt-get update failed" >&2; return 1; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null || {
      echo "chromium: apt-get install chromium chromium-driver failed" >&2; return 1; }
  fi
  [ -x /usr/bin/chromium ] || { echo "chromium: /usr/bin/chromium is missing after the install" >&2; return 1; }
  export FLOWMACHINE_CHROMIUM=/usr/bin/chromium
  export FLOWMACHINE_CHROMEDRIVER=/usr/bin/chromedriver
  echo "chromium: $(/usr/bin/chromium --version 2>/dev/null | head -n 1) at $FLOWMACHINE_CHROMIUM"
}

_fm_chromium_setup
_fm_chromium_status=$?
unset -f _fm_chromium_setup
return $_fm_chromium_status 2>/dev/null || true
