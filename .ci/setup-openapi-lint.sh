#!/usr/bin/env bash
# Sourced by .ci/run (and by developers): installs the OpenAPI linters the server tests run on the served
# document (@stoplight/spectral-cli with spectral:oas, @redocly/cli lint with its recommended rules) into
# .ci/node (ignored by git) and exports FLOWMACHINE_SPECTRAL and FLOWMACHINE_REDOCLY, their executables.
# Installs Node.js and npm with apt-get when npm is missing. Sourced, so it never exits: it returns non-zero on failure.

_fm_lint_setup() {
  local prefix spectral redocly
  prefix="$(pwd)/.ci/node"
  spectral="$prefix/node_modules/.bin/spectral"
  redocly="$prefix/node_modules/.bin/redocly"
  if ! command -v npm >/dev/null 2>&1; then
    echo "openapi-lint: npm is missing; installing nodejs and npm with apt-get"
    if [ "$(id -u)" != 0 ]; then echo "openapi-lint: need root to install npm" >&2; return 1; fi
    DEBIAN_FRONTEND=noninteractive apt-get update -qq || { echo "openapi-lint: apt-get update failed" >&2; return 1; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null || {
      echo "openapi-lint: apt-get install nodejs npm failed" >&2; return 1; }
  fi
  if [ ! -x "$spectral" ] || [ ! -x "$redocly" ]; then
    echo "openapi-lint: installing @stoplight/spectral-cli 6.16.3 and @redocly/cli 2.77.0 into $prefix"
    mkdir -p "$prefix"
    npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error \
      @stoplight/spectral-cli@6.16.3 @redocly/cli@2.77.0 >/dev/null || {
      echo "openapi-lint: npm install failed" >&2; return 1; }
  fi
  [ -x "$spectral" ] && [ -x "$redocly" ] || { echo "openapi-lint: the linters are missing after the install" >&2; return 1; }
  export FLOWMACHINE_SPECTRAL="$spectral"
  export FLOWMACHINE_REDOCLY="$redocly"
  echo "openapi-lint: spectral $("$spectral" --version 2>/dev/null), redocly $("$redocly" --version 2>/dev/null)"
}

_fm_lint_setup
_fm_lint_status=$?
unset -f _fm_lint_setup
return $_fm_lint_status 2>/dev/null || true
