#!/usr/bin/env bash
# A container registry on this machine, for `npx projen push:docker` (the registry of .projenrc.ts):
# the CNCF distribution registry of Debian's docker-registry package, on 127.0.0.1 only, its data in
# .registry/ (git ignores it). Docker pushes to a loopback registry without TLS.
#
#   bash tools/local-registry.sh start [PORT]   start it (default port 5000); nothing to do if one answers
#   bash tools/local-registry.sh stop           stop the one this script started
set -euo pipefail
cd "$(dirname "$0")/.." || exit 1
dir=.registry
port=${2:-5000}
log() { echo "local-registry: $*" >&2; }
answers() { curl -fsS -o /dev/null "http://127.0.0.1:$port/v2/" 2>/dev/null; }

case "${1:-}" in
  start)
    if answers; then log "a registry already answers on 127.0.0.1:$port"; exit 0; fi
    if ! command -v docker-registry >/dev/null; then
      log "installing Debian's docker-registry"
      bash tools/install-linters.sh >/dev/null 2>&1 || true
      command -v docker-registry >/dev/null || { log "docker-registry is missing: apt-get install docker-registry (or run any registry on 127.0.0.1:$port, e.g. docker run -d -p 127.0.0.1:$port:5000 registry:2)"; exit 1; }
    fi
    mkdir -p "$dir/data"
    printf 'version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: %s\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:%s\n' "$PWD/$dir/data" "$port" > "$dir/config.yml"
    nohup docker-registry serve "$dir/config.yml" > "$dir/registry.log" 2>&1 &
    echo $! > "$dir/pid"
    for _ in $(seq 50); do answers && { log "registry on 127.0.0.1:$port (data in $dir/data, log in $dir/registry.log)"; exit 0; }; sleep 0.2; done
    log "the registry did not answer on 127.0.0.1:$port; its log:"; tail -5 "$dir/registry.log" >&2; exit 1
    ;;
  stop)
    if [ -f "$dir/pid" ] && kill "$(cat "$dir/pid")" 2>/dev/null; then log "stopped"; else log "none started by this script"; fi
    rm -f "$dir/pid"
    ;;
  *)
    echo "usage: bash tools/local-registry.sh start [PORT] | stop" >&2; exit 2 ;;
esac
