import { check } from '../validate';

/**
 * The script of the `changes` job of `images.yml`, as a pure function of the services and their
 * pathspecs: which images a run builds (or promotes), and which GitHub Environment it deploys to.
 * Plain git on a full clone, so it needs no API, no token and no credentials on disk:
 *
 * - pull request: what the merge commit changes against the base it merges into (`HEAD^1`);
 * - push to a branch: what this push changed (`before..after`), so every commit of the branch is
 *   covered by exactly one run, whatever runs overlap; a new branch or rewritten history builds
 *   every image;
 * - push to the staging branch, a release tag, a dispatch: every image (a deploy tags all of
 *   them; an image already built from the same sources is promoted, not rebuilt).
 *
 * Environment: `staging` for the staging branch (in a project with staging), `production` for a release tag `vX.Y.Z` (not a
 * pre-release), the dispatch's choice otherwise.
 */

/** One service: its output name and the pathspecs whose changes change its image. */
export interface ChangedServiceSpec {
  readonly service: string;
  readonly paths: readonly string[];
}

const SAFE = /^[A-Za-z0-9._/-]+$/;

/** Options of {@link changedServicesScript}. */
export interface ChangedServicesOptions {
  /** Whether pushes to `$STAGING_BRANCH` are staging deploys; without, the script never reads it. @default true */
  readonly staging?: boolean;
}

export function changedServicesScript(services: readonly ChangedServiceSpec[], options: ChangedServicesOptions = {}): string {
  const staging = options.staging ?? true;
  for (const s of services) {
    check(/^[a-z0-9][a-z0-9-]*$/.test(s.service), 'ImageCiWorkflow', 'service name', s.service, 'lowercase letters, digits and "-"');
    for (const p of s.paths) {
      check(SAFE.test(p) && !p.split('/').includes('..'), 'ImageCiWorkflow', 'path', p, 'a plain path inside the repository (letters, digits, ".", "_", "-", "/")', s.service);
    }
  }
  return [
    'all=""',
    'range=()',
    'case "$EVENT" in',
    '  pull_request) range=(HEAD^1 HEAD) ;;',
    '  push)',
    '    if [ "$REF_TYPE" = tag ]; then all="release tag $REF_NAME"',
    ...(staging ? ['    elif [ "$REF_NAME" = "$STAGING_BRANCH" ]; then all="deploy to $STAGING_BRANCH"'] : []),
    '    elif [ -z "$BEFORE" ] || [ -z "${BEFORE//0/}" ] || ! git cat-file -e "$BEFORE^{commit}" 2>/dev/null; then all="new branch or rewritten history"',
    '    else range=("$BEFORE" "$SHA"); fi ;;',
    '  *) all="$EVENT" ;;',
    'esac',
    'environment=""',
    'case "$EVENT" in',
    '  workflow_dispatch) if [ "$DISPATCH_ENVIRONMENT" != none ]; then environment=$DISPATCH_ENVIRONMENT; fi ;;',
    '  push)',
    ...(staging ? [
      '    if [ "$REF_TYPE" = tag ]; then case "$REF_NAME" in *-*) ;; *) environment=production ;; esac',
      '    elif [ "$REF_NAME" = "$STAGING_BRANCH" ]; then environment=staging; fi ;;',
    ] : ['    if [ "$REF_TYPE" = tag ]; then case "$REF_NAME" in *-*) ;; *) environment=production ;; esac; fi ;;']),
    'esac',
    'decide() { # SERVICE PATHSPEC...',
    '  local service=$1 rc=0; shift',
    '  if [ -n "$all" ]; then echo "$service=true"; echo "| $service | yes | $all |" >> "$GITHUB_STEP_SUMMARY"; return; fi',
    '  git diff --quiet "${range[@]}" -- "$@" || rc=$?',
    '  case "$rc" in',
    '    0) echo "$service=false"; echo "| $service | no | unchanged in ${range[*]} |" >> "$GITHUB_STEP_SUMMARY" ;;',
    '    1) echo "$service=true"; echo "| $service | yes | changed in ${range[*]} |" >> "$GITHUB_STEP_SUMMARY" ;;',
    '    *) echo "::error::git diff failed ($rc) for $service"; return 1 ;;',
    '  esac',
    '}',
    '{ echo "### Images of this run"; echo "| image | runs | why |"; echo "|---|---|---|"; } >> "$GITHUB_STEP_SUMMARY"',
    '{',
    ...services.map((s) => `  decide ${s.service} ${s.paths.join(' ')}`),
    '  echo "environment=$environment"',
    '} >> "$GITHUB_OUTPUT"',
  ].join('\n');
}
