#!/usr/bin/env bash
# Installs and starts what the tests need, on a fresh machine or a developer's. Idempotent.
# Sourced by tools/test-all.sh so that the exports (CHROMIUM_PATH, DOCKER_HOST, ...) reach the tests.
#
#   Chromium      Debian's package, for the Playwright suite (Playwright's own browser builds may be
#                 unreachable; CHROMIUM_PATH makes the suite launch this one)
#   Docker        tools/docker-env.sh: the engine already running, or, where a folder of CI helpers
#                 sits beside the repository (../shared/ci), a local engine and stand-in base images
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

# --- The local twin of GitHub Actions (test:twin): act, buildx, buildkitd and the fixtures, built
# once from the Go module proxy into ~/.cache/ci-twin; the pinned actions' code from a folder of
# local action checkouts (TWIN_ACTIONS_DIR, `<owner>/<repo>@<sha>/`; ../shared/actions beside the
# repository when it exists) where GitHub is not reachable.
_qs_root="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)"
if [ -z "${TWIN_ACTIONS_DIR:-}" ] && [ -d "$_qs_root/../shared/actions" ]; then export TWIN_ACTIONS_DIR="$_qs_root/../shared/actions"; fi
if [ -z "${TWIN_SYFT_SRC:-}" ]; then
  for _qs_d in "$_qs_root"/../shared/src/buildkit-syft-scanner@*; do [ -f "$_qs_d/go.mod" ] && export TWIN_SYFT_SRC="$_qs_d"; done
fi
bash "$_qs_root/tools/twin/install.sh" >/dev/null || _qs_log "the twin's tools could not be installed: test:twin will fail (see above)"
unset _qs_root _qs_d
true
