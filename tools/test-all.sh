#!/usr/bin/env bash
# Runs every test of the repository, after installing what the tests need on a fresh machine, and
# ends with one line `N passed, N failed, N skipped` summing all suites. `npx projen test:all`
# runs it; so does .ci/run.
#
# Steps (each runs even when an earlier one failed, so one run shows every failure):
#   1. tools/setup-test-env.sh   Chromium, the linters, a Docker engine and base images
#   2. npx projen test           root unit tests + each service's tests + the end-to-end suite
#      tools/test-example.sh     the example project (examples/parcel): installed, synthesized
#                                without a diff, its services' own tests
#      npx projen test:adoption  the package README's quick start in a fresh projen project
#   3. npx projen test:images    real images built, run, probed and scanned (needs Docker)
#      npx projen test:twin      the workflows run event after event with the local twin (act,
#                                BuildKit, a registry): tags, digests, signatures read back
#   4. npx projen bench:docker   ours against the reference Dockerfiles, one run, as a report (no
#                                assertion on a figure; it fails only when a build fails)
#   5. the summary line
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

failed_steps=0
failed_names=()
step() {
  local name=$1; shift
  echo
  echo "=== ${name}"
  if ! "$@"; then
    failed_steps=$((failed_steps + 1))
    failed_names+=("$name")
    echo "=== ${name}: FAILED"
  fi
}

rm -rf test-reports api/test-reports web/test-reports playwright-runner/test-reports

# shellcheck source=tools/setup-test-env.sh
source tools/setup-test-env.sh || { echo "test-all: setting up the test environment failed; see above" >&2; failed_steps=$((failed_steps + 1)); }

step "unit, service and end-to-end tests (npx projen test)" npx projen test
step "the example project, synthesized and tested (tools/test-example.sh)" bash tools/test-example.sh
step "the package's quick start in a fresh project (npx projen test:adoption)" npx projen test:adoption
if [ -n "${QUALISYS_SKIP_IMAGES:-}" ]; then
  echo "=== image tests and benchmark skipped: QUALISYS_SKIP_IMAGES is set"
else
  step "image tests (npx projen test:images)" npx projen test:images
  step "the workflows run locally, event after event (npx projen test:twin)" npx projen test:twin
  # One run (the full benchmark takes 3): figures printed and written to test-reports/bench-docker.*.
  step "build benchmark, a report (npx projen bench:docker -- --runs 1)" npx projen bench:docker -- --runs 1
fi

echo
echo "=== summary"
if [ "${#failed_names[@]}" -gt 0 ]; then printf '  failed step: %s\n' "${failed_names[@]}"; fi
node tools/test-summary.mjs --failed-steps "$failed_steps"
