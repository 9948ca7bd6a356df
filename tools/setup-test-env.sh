#!/usr/bin/env bash
# Installs and starts what the tests need, on a fresh machine or a developer's. Idempotent.
# Sourced by tools/test-all.sh so that the exports (CHROMIUM_PATH, DOCKER_HOST, ...) reach the tests.
#
#   Chromium      Debian's package, for the Playwright suite (Playwright's own browser builds may be
#                 unreachable; CHROMIUM_PATH makes the suite launch this one)
#   Docker        tools/docker-env.sh: the engine already running, or, on machines with this
#                 workplace's ../shared/ci tools, a local engine and stand-in base images
#   Linters       tools/install-linters.sh: actionlint, zizmor, hadolint, Trivy (secret scan, SBOMs) and
#                 cosign (signatures), pinned; shellcheck, and Debian's docker-registry and skopeo for
#                 the tests against a real registry

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

# --- Linters, scanners and signing for the workflow, Dockerfile, image and registry tests (pinned versions)
# shellcheck source=tools/install-linters.sh
. "$(dirname "${BASH_SOURCE[0]:-$0}")/install-linters.sh" --with-trivy --with-cosign

# --- Docker engine and base images for the image tests
# shellcheck source=tools/docker-env.sh
. "$(dirname "${BASH_SOURCE[0]:-$0}")/docker-env.sh"
true
