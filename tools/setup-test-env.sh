#!/usr/bin/env bash
# Installs and starts what the tests need, on a fresh machine or a developer's. Idempotent.
# Sourced by tools/test-all.sh so that the exports (CHROMIUM_PATH, DOCKER_HOST, ...) reach the tests.
#
#   Chromium      Debian's package, for the Playwright suite (Playwright's own browser builds may be
#                 unreachable; CHROMIUM_PATH makes the suite launch this one)
#   Docker        an engine for the image tests: the one already running, or, on machines that
#                 have this workplace's ../shared/ci/dockerd.sh, a local engine started by it
#   Base images   on such machines, local stand-ins for the official node and Playwright images
#                 (no container registry is reachable there), passed as build arguments

_qs_log() { echo "setup-test-env: $*" >&2; }

_qs_apt_install() {
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    _qs_log "cannot install $* (not root or no apt-get): install it yourself"; return 1
  fi
  if [ -z "${_QS_APT_UPDATED:-}" ]; then apt-get update -qq >&2 && _QS_APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

# --- Chromium for the end-to-end suite
if [ -z "${CHROMIUM_PATH:-}" ]; then
  if [ ! -x /usr/lib/chromium/chromium ]; then
    _qs_log "installing Debian's chromium for the Playwright suite"
    _qs_apt_install chromium fonts-liberation || true
  fi
  [ -x /usr/lib/chromium/chromium ] && export CHROMIUM_PATH=/usr/lib/chromium/chromium
fi

# --- Docker engine and base images for the image tests
_qs_shared_ci="$(pwd)/../shared/ci"
if [ -x "$_qs_shared_ci/dockerd.sh" ]; then
  if eval "$("$_qs_shared_ci/dockerd.sh" start)"; then
    NODE_IMAGE=$("$_qs_shared_ci/base-images.sh" node 24) && export NODE_IMAGE
    PLAYWRIGHT_IMAGE=$("$_qs_shared_ci/base-images.sh" playwright 24) && export PLAYWRIGHT_IMAGE
    # This engine has no bridge network: builds and containers use the host's.
    export DOCKER_NETWORK=host
  else
    _qs_log "the Docker engine did not start (log: /run/docker-ci/dockerd.log); image tests will fail"
  fi
fi
true
