/**
 * The steps of the image jobs in `reusable-build.yml`, one named function a step, so each job
 * reads as its list of steps (in the manner of projen's own build workflow). Untrusted values
 * (inputs, event fields) reach scripts through `env:`, never through `${{ }}` inside `run:`.
 */
import { github } from 'projen';
import { QUALIFY_SHELL, RegistryLogin } from './registry';

type Step = github.workflows.JobStep;

/** What the step builders need from the workflow's configuration. */
export interface ImageStepsConfig {
  /** `owner/repo[/path]@sha` of a pinned action. */
  readonly uses: (action: string) => string;
  /** Node.js version for the tag script. */
  readonly nodeVersion: string;
  /** `node scripts/image-tags.mjs`. */
  readonly tagCommand: string;
  /** `scripts/publish-image.sh`. */
  readonly publishScript: string;
  /** Trivy's ignore file. */
  readonly trivyIgnoreFile: string;
  /** The Trivy release CI installs: the one the local tests use. */
  readonly trivyVersion: string;
  /** The cosign release CI installs: the one the local tests use. */
  readonly cosignVersion: string;
  /** The reusable workflow's path, e.g. `.github/workflows/reusable-build.yml`: the identity its signatures carry. */
  readonly workflowPath: string;
  /** `node scripts/image-size.mjs`: the size comparison shared with local builds, if any. */
  readonly sizeCommand?: string;
  readonly trivyDbRepositories: string[];
  readonly trivyJavaDbRepositories: string[];
  /** Severities that fail the build. */
  readonly severities: string[];
  /** Build time over which a service is flagged, in seconds. */
  readonly budgetSeconds: number;
}

/** Expression of the local tag the scanned build is loaded under. */
export const LOCAL_REF = 'local/${{ inputs.service }}:scan';

/** The same build inputs for the scanned build and the push, which must give the same image. */
const buildInputs = {
  'context': '${{ inputs.context }}',
  'file': '${{ inputs.dockerfile }}',
  'labels': '${{ steps.tags.outputs.labels }}',
  // SOURCE_DATE_EPOCH: the build clock, stamped into the image config and the provenance.
  // IMAGE_BUILD_ARGS (repository variable, one NAME=VALUE a line): e.g. base images from a mirror
  // for runners that cannot reach Docker Hub; empty on GitHub's runners.
  'build-args': '${{ steps.tags.outputs.build-args }}\nSOURCE_DATE_EPOCH=${{ steps.clock.outputs.epoch }}\n${{ vars.IMAGE_BUILD_ARGS }}',
};
const cacheFrom = 'type=gha,scope=${{ inputs.service }}';
/** A full or flaky cache must never stop the scan and the push: export errors are ignored. */
const cacheTo = 'type=gha,scope=${{ inputs.service }},mode=max,ignore-error=true';

export function checkout(c: ImageStepsConfig, fullHistory: boolean): Step {
  return {
    name: 'Checkout',
    uses: c.uses('actions/checkout'),
    // Full history: the publish job finds the last commit that changed the service's sources.
    with: { 'persist-credentials': false, ...(fullHistory ? { 'fetch-depth': 0 } : {}) },
  };
}

export function clock(): Step {
  return { name: 'Build clock', id: 'clock', run: 'echo "epoch=$(date +%s)" >> "$GITHUB_OUTPUT"' };
}

export function setupNode(c: ImageStepsConfig): Step {
  return { name: 'Node.js (for the tag script)', uses: c.uses('actions/setup-node'), with: { 'node-version': c.nodeVersion, 'package-manager-cache': false } };
}

/** Tags, labels and build arguments from the tag script, the same logic as local builds. */
export function tags(c: ImageStepsConfig, registryHost?: string): Step {
  const registry = registryHost ? ' --registry "$REGISTRY"' : '';
  return {
    name: 'Tags and labels (the tag script, as local builds)',
    id: 'tags',
    env: {
      IMAGE: '${{ inputs.image }}',
      DEPLOY_ENVIRONMENT: '${{ inputs.environment }}',
      TAG_SHA: '${{ github.event.pull_request.head.sha || github.sha }}',
      SOURCE_DATE_EPOCH: '${{ steps.clock.outputs.epoch }}',
      ...(registryHost ? { REGISTRY: registryHost } : {}),
    },
    run: [
      `${c.tagCommand} --image "$IMAGE"${registry} --format github-output`,
      `${c.tagCommand} --image "$IMAGE"${registry} --format tags | sed 's/^/- /' >> "$GITHUB_STEP_SUMMARY"`,
    ].join('\n'),
  };
}

/**
 * Build once, promote: an image is the image of its sources, whatever commit carries them. The
 * step looks for a commit, on any branch or tag and newest first, whose tree holds exactly what
 * HEAD holds at the service's paths (so a merge commit, a squash or a rebase of the same change,
 * several commits in one push, a staging deploy or a release tag all find the image their
 * content already has), and for that commit's SHA tag in the registry. Found: this run scans and
 * tags that digest, never rebuilding it. Not found: it builds.
 */
export function existingImage(c: ImageStepsConfig, registryHost: string): Step {
  return {
    name: 'Image already built from these sources?',
    id: 'existing',
    env: { IMAGE: '${{ inputs.image }}', REGISTRY: registryHost, PATHS: '${{ inputs.paths }}' },
    run: [
      '# What goes into the image: the blobs at the service\'s pathspecs (one a word), as one hash.',
      '# shellcheck disable=SC2086 # PATHS is a list of pathspecs, split on purpose',
      'content() { git ls-tree -r --full-tree "$1" -- $PATHS | sha256sum | cut -d" " -f1; }',
      'want=$(content HEAD)',
      'checked=0',
      'while read -r commit; do',
      '  [ "$(content "$commit")" = "$want" ] || continue',
      `  ref=$(${c.tagCommand} --image "$IMAGE" --registry "$REGISTRY" --sha "$commit" --format sha)`,
      '  rc=0',
      `  digest=$(bash ${c.publishScript} digest "$ref") || rc=$?`,
      '  case "$rc" in',
      '    0) echo "::notice title=Promoted, not rebuilt::$ref ($digest) holds the same sources (commit $commit): scanning and tagging it instead of building again."',
      '       { echo "found=true"; echo "digest=$digest"; echo "commit=$commit"; } >> "$GITHUB_OUTPUT"',
      '       exit 0 ;;',
      '    1) ;;',
      '    *) exit "$rc" ;;',
      '  esac',
      '  checked=$((checked + 1)); [ "$checked" -lt 20 ] || break',
      'done < <(git rev-list --all --max-count=1000)',
      'echo "No image of these sources yet (looked at $checked commits with the same content): building it."',
      'echo "found=false" >> "$GITHUB_OUTPUT"',
    ].join('\n'),
  };
}

const NOT_FOUND = "steps.existing.outputs.found != 'true'";

/**
 * The builder: on GitHub's runners the action's default (a BuildKit container, `docker-container`);
 * with the repository variable `BUILDKIT_ENDPOINT` (`tcp://…` or `unix://…`), a BuildKit daemon
 * that already runs there (`remote`): a shared builder for self-hosted runners.
 */
export function setupBuildx(c: ImageStepsConfig, onlyWhenBuilding: boolean): Step {
  return {
    name: 'Set up Buildx',
    uses: c.uses('docker/setup-buildx-action'),
    ...(onlyWhenBuilding ? { if: NOT_FOUND } : {}),
    with: { driver: "${{ vars.BUILDKIT_ENDPOINT && 'remote' || 'docker-container' }}", endpoint: '${{ vars.BUILDKIT_ENDPOINT }}' },
  };
}

/** A pull request's build: loaded into the runner's engine and scanned there, never pushed. */
export function buildAndLoad(c: ImageStepsConfig): Step {
  return {
    name: 'Build (BuildKit, GitHub Actions cache) and load for scanning',
    id: 'build',
    uses: c.uses('docker/build-push-action'),
    with: { ...buildInputs, 'load': true, 'push': false, 'tags': LOCAL_REF, 'cache-from': cacheFrom, 'cache-to': cacheTo },
  };
}

export function buildTime(c: ImageStepsConfig, buildStep: 'build' | 'push' = 'build'): Step {
  return {
    name: 'Build time',
    if: `!cancelled() && steps.${buildStep}.outcome != 'skipped'`,
    env: { STARTED: '${{ steps.clock.outputs.epoch }}', BUDGET: String(c.budgetSeconds), OUTCOME: `\${{ steps.${buildStep}.outcome }}` },
    run: [
      'seconds=$(( $(date +%s) - STARTED ))',
      'flag="within the $((BUDGET / 60))-minute budget"',
      'if [ "$seconds" -gt "$BUDGET" ]; then flag="OVER the $((BUDGET / 60))-minute budget"; echo "::warning title=Slow build::$SERVICE took ${seconds}s"; fi',
      '{',
      '  echo "### $SERVICE"',
      '  echo "| service | build | time | budget |"',
      '  echo "|---|---|---|---|"',
      '  echo "| $SERVICE | $OUTCOME | ${seconds}s | $flag |"',
      '} >> "$GITHUB_STEP_SUMMARY"',
    ].join('\n'),
  };
}

/**
 * Trivy's databases: the repository variables `TRIVY_DB_REPOSITORY` and `TRIVY_JAVA_DB_REPOSITORY`
 * (a mirror, for runners that cannot reach the public ones) or the configured defaults.
 */
export function trivyEnv(c: ImageStepsConfig, remote: boolean): Record<string, string> {
  return {
    TRIVY_DB_REPOSITORY: `\${{ vars.TRIVY_DB_REPOSITORY || '${c.trivyDbRepositories.join(',')}' }}`,
    TRIVY_JAVA_DB_REPOSITORY: `\${{ vars.TRIVY_JAVA_DB_REPOSITORY || '${c.trivyJavaDbRepositories.join(',')}' }}`,
    TRIVY_IGNOREFILE: c.trivyIgnoreFile,
    // The published image is read from the registry by digest, never from the runner's engine.
    ...(remote ? { TRIVY_IMAGE_SRC: 'remote' } : {}),
  };
}

/** The image the publish job scans, signs and tags: the registry's, by digest. */
const PUBLISHED_REF = '${{ steps.image.outputs.ref }}';

export function scan(c: ImageStepsConfig, kind: 'vuln' | 'secret', promotes: boolean): Step {
  const ran = promotes ? "steps.image.outcome == 'success'" : "steps.build.outcome == 'success'";
  return {
    name: kind === 'vuln' ? `Trivy: ${c.severities.join(' and ')} vulnerabilities fail the job` : 'Trivy: any secret fails the job',
    id: kind,
    // The secret scan runs even when the vulnerability scan failed: one run shows both.
    ...(kind === 'secret' ? { if: `!cancelled() && ${ran}` } : {}),
    uses: c.uses('aquasecurity/trivy-action'),
    env: trivyEnv(c, promotes),
    with: {
      'image-ref': promotes ? PUBLISHED_REF : '${{ env.LOCAL_REF }}',
      'scan-type': 'image',
      'format': 'json',
      'output': `trivy-${kind}.json`,
      'exit-code': '1',
      'cache': 'true',
      'version': c.trivyVersion,
      ...(kind === 'vuln' ? { scanners: 'vuln', severity: c.severities.join(',') } : { 'scanners': 'secret', 'skip-setup-trivy': 'true' }),
    },
  };
}

export function scanReports(): Step {
  return {
    name: 'Scan reports: SARIF for code scanning, tables for the job summary',
    if: '!cancelled()',
    run: [
      'for kind in vuln secret; do',
      '  [ -s "trivy-$kind.json" ] || continue',
      '  trivy convert --format sarif --output "trivy-$kind.sarif" "trivy-$kind.json"',
      '  {',
      '    echo "#### Trivy $kind scan of $SERVICE"',
      '    echo \'```\'',
      '    trivy convert --format table "trivy-$kind.json"',
      '    echo \'```\'',
      '  } >> "$GITHUB_STEP_SUMMARY"',
      'done',
    ].join('\n'),
  };
}

export function keepSarif(c: ImageStepsConfig): Step {
  return {
    name: 'Keep the SARIF reports for the code-scanning job',
    if: '!cancelled()',
    uses: c.uses('actions/upload-artifact'),
    // overwrite: a re-run of a failed job uploads under the same name.
    with: { 'name': 'sarif-${{ inputs.service }}', 'path': 'trivy-*.sarif', 'if-no-files-found': 'ignore', 'retention-days': 7, 'overwrite': true },
  };
}

/**
 * The publish job's one build: BuildKit builds the image with its provenance and SBOM and pushes it
 * by digest, with no tag, so nothing can pull it by name before the scans (which read this very
 * digest from the registry), the signature and the tags. An image that fails a scan stays an
 * untagged digest (a registry lifecycle rule expires those).
 */
export function buildAndPushByDigest(c: ImageStepsConfig): Step {
  return {
    name: 'Build (BuildKit, GitHub Actions cache) and push by digest, untagged (provenance and SBOM attached)',
    id: 'push',
    if: NOT_FOUND,
    uses: c.uses('docker/build-push-action'),
    with: {
      ...buildInputs,
      'outputs': 'type=image,name=${{ steps.tags.outputs.image }},push-by-digest=true,name-canonical=true,push=true',
      'provenance': 'mode=max',
      'sbom': true,
      'cache-from': cacheFrom,
      'cache-to': cacheTo,
    },
  };
}

/** The digest every tag goes on: the promoted image, or the one just pushed. */
export function imageToTag(): Step {
  return {
    name: 'The image to tag',
    id: 'image',
    env: {
      FOUND: '${{ steps.existing.outputs.found }}',
      EXISTING: '${{ steps.existing.outputs.digest }}',
      PUSHED: '${{ steps.push.outputs.digest }}',
      REPOSITORY: '${{ steps.tags.outputs.image }}',
    },
    run: [
      'if [ "$FOUND" = true ]; then digest=$EXISTING; else digest=$PUSHED; fi',
      'case "$digest" in sha256:*) ;; *) echo "::error::no digest to tag (found=$FOUND)"; exit 1 ;; esac',
      '{ echo "digest=$digest"; echo "ref=$REPOSITORY@$digest"; } >> "$GITHUB_OUTPUT"',
    ].join('\n'),
  };
}

/**
 * Which tags this run applies. `production-*` only in a job that ran in the production GitHub
 * Environment, whatever the dispatch asked. Moving tags (`latest`, `staging-YYYYMMDD`) never go back in time: a run keeps them only when no
 * later commit on its branch changed the service, whatever order overlapping runs finish in (the
 * run of that later commit moves them).
 */
export function movingTagGuard(): Step {
  return {
    name: 'Moving tags only from the newest build of this service',
    id: 'guard',
    env: {
      GH_TOKEN: '${{ github.token }}',
      REPOSITORY_NAME: '${{ github.repository }}',
      SHA: '${{ github.sha }}',
      REF_TYPE: '${{ github.ref_type }}',
      REF_NAME: '${{ github.ref_name }}',
      TAGS: '${{ steps.tags.outputs.tags }}',
      MOVING: '${{ steps.tags.outputs.moving-tags }}',
      PATHS: '${{ inputs.paths }}',
      ENVIRONMENT: '${{ inputs.environment }}',
    },
    run: [
      'newest=true',
      'if [ -n "$MOVING" ] && [ "$REF_TYPE" = branch ]; then',
      '  # What the branch gained since this commit, as GitHub sees it now (not at checkout).',
      '  compare=$(gh api "repos/$REPOSITORY_NAME/compare/$SHA...$REF_NAME" --jq \'.status, (.files | length), .files[].filename\')',
      '  status=$(printf \'%s\\n\' "$compare" | sed -n 1p)',
      '  count=$(printf \'%s\\n\' "$compare" | sed -n 2p)',
      '  case "$status" in',
      '    identical) ;;',
      '    ahead)',
      '      if [ "$count" -ge 300 ]; then newest=false; fi # the API lists 300 files at most: assume a later change',
      '      while IFS= read -r file; do',
      '        for p in $PATHS; do',
      '          case "$file" in "$p" | "$p"/*) newest=false ;; esac',
      '        done',
      '      done < <(printf \'%s\\n\' "$compare" | tail -n +3)',
      '      ;;',
      '    *) newest=false ;; # behind or diverged: the branch no longer holds this commit as its head\'s ancestor',
      '  esac',
      'fi',
      'keep=()',
      'for ref in $TAGS; do',
      '  tag=${ref##*:}',
      '  # A production tag only from a job that ran in the production environment (its reviewers approved it).',
      '  if [[ "$tag" == production-* ]] && [ "$ENVIRONMENT" != production ]; then',
      '    echo "::warning title=$tag not applied::this run is not in the production environment (environment: ${ENVIRONMENT:-none}); a production tag needs its approval."',
      '    continue',
      '  fi',
      '  if [ "$newest" = false ] && [[ " $MOVING " == *" $tag "* ]]; then',
      '    echo "::notice title=$tag not moved::a later commit on $REF_NAME changed $SERVICE; its run moves $tag."',
      '    continue',
      '  fi',
      '  keep+=("$tag")',
      'done',
      'echo "tags=${keep[*]}" >> "$GITHUB_OUTPUT"',
    ].join('\n'),
  };
}

export function tagImage(c: ImageStepsConfig): Step {
  return {
    name: 'Tag the image (by digest; immutable tags never move)',
    env: { REF: '${{ steps.image.outputs.ref }}', TAGS: '${{ steps.guard.outputs.tags }}', MOVING_TAGS: '${{ steps.tags.outputs.moving-tags }}' },
    run: [
      '# shellcheck disable=SC2086 # TAGS is a list of tags, split on purpose',
      `bash ${c.publishScript} tag "$REF" $TAGS`,
    ].join('\n'),
  };
}

/** Whether this run may read the registry: not from a fork's or Dependabot's pull request (no OIDC token, no secrets). */
export const SAME_REPOSITORY_PR = "github.event.pull_request.head.repo.full_name == github.repository && github.actor != 'dependabot[bot]'";

/**
 * A pull request logs in to read the default branch's image for the size comparison; a failed
 * login (a role that does not trust pull requests) costs the comparison only, never the build.
 */
export function readOnlyLogin(l: RegistryLogin): Step[] {
  return l.steps.map((s) => ({ ...s, if: SAME_REPOSITORY_PR, continueOnError: true }));
}

/** The image's size and layers above its base against the default branch's image (`latest`), in the job summary. */
export function sizeAgainstDefaultBranch(c: ImageStepsConfig, login: Pick<RegistryLogin, 'host' | 'namespaced'>): Step {
  return {
    name: 'Image size against the default branch',
    if: "!cancelled() && steps.build.outcome == 'success'",
    env: { IMAGE: '${{ inputs.image }}', BASE: '${{ inputs.base }}', BASE_ARG: '${{ inputs.base_arg }}', BUILD_ARGS: '${{ vars.IMAGE_BUILD_ARGS }}', REGISTRY: login.host },
    run: [
      '# The base the build used: a mirror given in IMAGE_BUILD_ARGS for the base\'s build argument, else the Dockerfile\'s.',
      'mirror=""',
      'if [ -n "$BASE_ARG" ]; then mirror=$(printf \'%s\\n\' "$BUILD_ARGS" | sed -n "s|^$BASE_ARG=||p" | tail -n 1); fi',
      'BASE=${mirror:-$BASE}',
      'reference=()',
      ...(login.namespaced
        ? ['if [ -n "$REGISTRY" ]; then', `  ${QUALIFY_SHELL}`, '  reference=(--reference "$repository:latest")']
        : ['if [ -n "$REGISTRY" ]; then reference=(--reference "$REGISTRY/$IMAGE:latest")']),
      'else echo "::notice title=No size reference::this run cannot read the registry (a pull request from a fork or Dependabot, or no login): sizes without the default branch\'s."; fi',
      `${c.sizeCommand} --image "$LOCAL_REF" --base "$BASE" --service "$SERVICE" "\${reference[@]}" --format github`,
    ].join('\n'),
  };
}

export function installCosign(c: ImageStepsConfig): Step {
  return { name: 'cosign', uses: c.uses('sigstore/cosign-installer'), with: { 'cosign-release': c.cosignVersion } };
}

/**
 * The certificate identity of a signature made by this workflow: its own path at the ref that
 * ran it (for a reusable workflow, Fulcio certifies the called workflow, job_workflow_ref), and
 * GitHub's OIDC issuer. Whoever deploys checks both (the build guide has the command).
 */
export const SIGNER_ISSUER = 'https://token.actions.githubusercontent.com';

/**
 * Signs the digest, unless a valid signature of this workflow is already there (a re-run): keyless
 * on GitHub (the job's OIDC token gets a short-lived certificate; the record goes to Rekor), or,
 * with the `COSIGN_PRIVATE_KEY` secret (and `COSIGN_PASSWORD`), with that key and no transparency
 * log, for runners that cannot reach Sigstore. Signing comes before any tag: nothing is tagged
 * unsigned.
 */
export function sign(c: ImageStepsConfig): Step {
  return {
    name: 'Sign the digest (keyless with this workflow\'s OIDC identity, or the repository\'s key)',
    id: 'sign',
    env: {
      REF: PUBLISHED_REF,
      COSIGN_PRIVATE_KEY: '${{ secrets.COSIGN_PRIVATE_KEY }}',
      COSIGN_PASSWORD: '${{ secrets.COSIGN_PASSWORD }}',
      COSIGN_PUBLIC_KEY: '${{ vars.COSIGN_PUBLIC_KEY }}',
      ...identityEnv(c),
    },
    run: [
      'if [ -n "$COSIGN_PRIVATE_KEY" ]; then',
      '  if [ -n "$COSIGN_PUBLIC_KEY" ] && cosign verify --key env://COSIGN_PUBLIC_KEY --insecure-ignore-tlog=true "$REF" > /dev/null 2>&1; then echo "$REF is already signed with the repository\'s key."; exit 0; fi',
      '  cosign sign --key env://COSIGN_PRIVATE_KEY --use-signing-config=false --tlog-upload=false --yes "$REF"',
      'else',
      '  if cosign verify --certificate-identity "$IDENTITY" --certificate-oidc-issuer "$ISSUER" "$REF" > /dev/null 2>&1; then echo "$REF is already signed by $IDENTITY."; exit 0; fi',
      '  cosign sign --yes "$REF"',
      'fi',
    ].join('\n'),
  };
}

function identityEnv(c: ImageStepsConfig): Record<string, string> {
  return {
    IDENTITY: `\${{ github.server_url }}/\${{ github.repository }}/${c.workflowPath}@\${{ github.ref }}`,
    ISSUER: SIGNER_ISSUER,
  };
}

/** Verifies what was just signed, exactly as a deploy would: the identity and the issuer (or the repository's public key). */
export function verifySignature(c: ImageStepsConfig): Step {
  return {
    name: 'Verify the signature (identity and issuer, or the repository\'s key)',
    env: { REF: PUBLISHED_REF, COSIGN_PUBLIC_KEY: '${{ vars.COSIGN_PUBLIC_KEY }}', COSIGN_PRIVATE_KEY: '${{ secrets.COSIGN_PRIVATE_KEY }}', ...identityEnv(c) },
    run: [
      'if [ -n "$COSIGN_PRIVATE_KEY" ]; then',
      '  if [ -z "$COSIGN_PUBLIC_KEY" ]; then echo "::error title=No public key::the COSIGN_PRIVATE_KEY secret is set but the COSIGN_PUBLIC_KEY variable is not: set it to the key\'s public half (cosign public-key --key ...)."; exit 1; fi',
      '  cosign verify --key env://COSIGN_PUBLIC_KEY --insecure-ignore-tlog=true "$REF" > /dev/null',
      '  echo "Signed with the repository\'s key (COSIGN_PUBLIC_KEY)" >> "$GITHUB_STEP_SUMMARY"',
      'else',
      '  cosign verify --certificate-identity "$IDENTITY" --certificate-oidc-issuer "$ISSUER" "$REF" > /dev/null',
      '  echo "Signed by $IDENTITY" >> "$GITHUB_STEP_SUMMARY"',
      'fi',
    ].join('\n'),
  };
}

export function publishSummary(): Step {
  return {
    name: 'Summary',
    if: '!cancelled()',
    env: { REF: '${{ steps.image.outputs.ref }}', TAGS: '${{ steps.guard.outputs.tags }}', FOUND: '${{ steps.existing.outputs.found }}' },
    run: [
      '{',
      '  echo "#### Published $SERVICE"',
      '  if [ "$FOUND" = true ]; then echo "promoted (not rebuilt): \\`$REF\\`"; else echo "built, scanned and pushed: \\`$REF\\`"; fi',
      '  for tag in $TAGS; do echo "- $tag"; done',
      '} >> "$GITHUB_STEP_SUMMARY"',
    ].join('\n'),
  };
}

/**
 * Public repositories always have code scanning (the first upload sets it up; until then the
 * alerts API answers 404). Private and internal ones have it with Advanced Security (Code
 * Security) only: the API then answers 403 with a message that says so.
 */
const CODE_SCANNING_PROBE = [
  'if [ "$VISIBILITY" = public ]; then echo "available=true" >> "$GITHUB_OUTPUT"; exit 0; fi',
  '# gh prints the error to stderr and the response body to stdout: both are read.',
  'if answer=$(gh api "repos/$REPOSITORY_NAME/code-scanning/alerts?per_page=1" 2>&1); then',
  '  echo "available=true" >> "$GITHUB_OUTPUT"',
  'elif printf \'%s\' "$answer" | grep -Eqi \'(Advanced|Code) Security must be enabled|Code scanning is not enabled\'; then',
  '  echo "::warning title=Code scanning unavailable::$REPOSITORY_NAME is $VISIBILITY without GitHub Advanced Security (Code Security), so the Trivy reports are not uploaded to the Security tab. The scans still gate the build, and their tables are in the job summary. Enable Code Security in the repository settings to get them there."',
  '  echo "available=false" >> "$GITHUB_OUTPUT"',
  'else',
  '  # Anything else (no analysis yet, a transient error): try the upload, which reports real failures.',
  '  echo "available=true" >> "$GITHUB_OUTPUT"',
  'fi',
].join('\n');

/** Whether the reports can go to code scanning (output `available`), or a warning saying why not. */
export function codeScanningAvailable(condition?: string): Step {
  return {
    name: 'Is code scanning available here?',
    id: 'available',
    ...(condition ? { if: condition } : {}),
    env: { GH_TOKEN: '${{ github.token }}', REPOSITORY_NAME: '${{ github.repository }}', VISIBILITY: '${{ github.event.repository.visibility }}' },
    run: CODE_SCANNING_PROBE,
  };
}
