#!/usr/bin/env bash
# Source it (`. tools/docker-env.sh`) before `npx projen build:docker` or the image tests, to get a
# Docker engine and base images where the machine has none of its own. Idempotent.
#
# - Where a folder of CI helpers sits beside the repository (../shared/ci, with dockerd.sh and
#   base-images.sh: for machines that reach no container registry): starts the engine it provides
#   (dockerd.sh), builds stand-in base images (base-images.sh) and exports the base-image build
#   arguments of every kind in use here (NODE_IMAGE, PLAYWRIGHT_IMAGE; and, for the example project,
#   PYTHON_IMAGE, GO_IMAGE, RUNTIME_IMAGE) and DOCKER_NETWORK=host for the builds.
# - Anywhere else it changes nothing: the engine you run and the official base images are used.

_qs_denv_log() { echo "docker-env: $*" >&2; }
_qs_shared_ci="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)/../shared/ci"
if [ -x "$_qs_shared_ci/dockerd.sh" ]; then
  if eval "$("$_qs_shared_ci/dockerd.sh" start)"; then
    NODE_IMAGE=$("$_qs_shared_ci/base-images.sh" node 24) && export NODE_IMAGE
    PLAYWRIGHT_IMAGE=$("$_qs_shared_ci/base-images.sh" playwright 24) && export PLAYWRIGHT_IMAGE
    PYTHON_IMAGE=$("$_qs_shared_ci/base-images.sh" python 3.11) && export PYTHON_IMAGE
    GO_IMAGE=$("$_qs_shared_ci/base-images.sh" golang 1.26) && export GO_IMAGE
    RUNTIME_IMAGE=$("$_qs_shared_ci/base-images.sh" distroless static) && export RUNTIME_IMAGE
    # This engine has no bridge network: builds and containers use the host's.
    export DOCKER_NETWORK=host
    _qs_denv_log "local engine up; base images NODE_IMAGE=$NODE_IMAGE PLAYWRIGHT_IMAGE=$PLAYWRIGHT_IMAGE PYTHON_IMAGE=$PYTHON_IMAGE GO_IMAGE=$GO_IMAGE RUNTIME_IMAGE=$RUNTIME_IMAGE; DOCKER_NETWORK=host"
  else
    _qs_denv_log "the Docker engine did not start; see /run/docker-ci/dockerd.log"
  fi
elif ! docker version >/dev/null 2>&1; then
  _qs_denv_log "no Docker engine answers: start Docker (Docker Desktop, or sudo systemctl start docker)"
fi
true
