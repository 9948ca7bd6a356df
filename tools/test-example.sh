#!/usr/bin/env bash
# The example project (examples/parcel), as its own maintainers would check it: install it (it takes
# projen-containers from this repository through a link), synthesize it and require its committed
# generated files to be exactly what its .projenrc.ts produces, then run each service's own tests.
# The root's package must be built first (`npx projen` at the root does it). Run by tools/test-all.sh.
set -euo pipefail
cd "$(dirname "$0")/../examples/parcel"

echo "--- npm ci"
npm ci --no-audit --no-fund
echo "--- npx projen (must leave examples/parcel unchanged)"
npx projen
changed=$(git status --porcelain -- .)
if [ -n "$changed" ]; then
  echo "ERROR: examples/parcel's generated files differ from what its .projenrc.ts produces:" >&2
  echo "$changed" >&2
  git --no-pager diff --stat -- . >&2
  exit 1
fi

echo "--- rates (Python): unit tests"
(cd services/rates && python3 -m venv .venv >/dev/null && .venv/bin/pip install --quiet --require-hashes --no-deps -r requirements.txt && .venv/bin/python -m unittest discover -s tests -t . -v)
echo "--- tracking (Go): go vet, go test"
(cd services/tracking && go vet ./... && go test ./...)
echo "--- notifier (Node.js worker): npx projen test"
(cd services/notifier && npx projen test)
