import { Component, github, Project } from 'projen';
import { ActionPins } from './action-pins';
import { ContainerWorkflow, ContainerWorkflowOptions, WorkflowSummary } from './container-workflow';
import { DEPENDENCY_PINS_FILE } from '../dependency-pins';
import { ImageTagScript } from '../image-tag-script';
import { TAG_POLICY_DEFAULTS } from '../image-tags/policy';
import { COMMANDS } from '../lib/commands';
import { DEFAULT_BASE_IMAGES_LOCK } from '../lib/lock-files';
import { check, cron, knownKeys, nodeVersion, optionKeys, secretName, shellQuote, workBranch } from '../validate';

/** The GitHub App whose installation token pushes the update branches and opens their pull requests. */
export interface UpdateAppOptions {
  /** Repository (or organization) variable holding the app's client ID. @default 'UPDATE_APP_CLIENT_ID' */
  readonly clientIdVariable?: string;
  /**
   * Secret holding the app's private key (PEM). The weekly workflow reads it from the Actions
   * secrets; dependabot-sync, started by Dependabot, from the Dependabot secrets.
   * @default 'UPDATE_APP_PRIVATE_KEY'
   */
  readonly privateKeySecret?: string;
}

/** Options of {@link PinWorkflows}. */
export interface PinWorkflowsOptions {
  readonly pins: ActionPins;
  /** Runner label. @default 'ubuntu-24.04' */
  readonly runsOn?: string;
  /** Node.js for projen. @default '24' */
  readonly nodeVersion?: string;
  /** When the base-image digests are refreshed (cron, UTC). @default '0 5 * * 1' (Mondays 05:00) */
  readonly schedule?: string;
  /** Branch of the weekly pull request, updated while it is open. @default 'chore/update-base-images' */
  readonly updateBranch?: string;
  /** The app that pushes (see {@link UpdateAppOptions}). @default the defaults of UpdateAppOptions */
  readonly app?: UpdateAppOptions;
  /**
   * Branches the update branch must never be (besides the protected-looking names every project
   * has): the default and staging branches. Those of every {@link ImageTagScript} of the project
   * are added at synth.
   * @default the tag policy's defaults (TAG_POLICY_DEFAULTS): ['main', 'staging']
   */
  readonly protectedBranches?: string[];
  /**
   * Files, besides the generated ones (listed in each `.projen/files.json` of the commit checked
   * out), that the two workflows may commit: the lock and pin files their commands rewrite. Shell
   * patterns (`*` matches any characters). Any other changed file fails the job, naming it.
   * @default the action, base-image and dependency pin files, and every package-lock.json
   */
  readonly allowedChanges?: string[];
}

const OPTION_KEYS = optionKeys<PinWorkflowsOptions>({
  pins: true, runsOn: true, nodeVersion: true, schedule: true, updateBranch: true, app: true, protectedBranches: true, allowedChanges: true,
});
const APP_KEYS = optionKeys<UpdateAppOptions>({ clientIdVariable: true, privateKeySecret: true });

/** Mondays at 05:00 UTC. */
const DEFAULT_SCHEDULE = '0 5 * * 1';

/** The one job of a pin workflow, on the runner labels its workflow checked. */
type PinJob = (runsOn: string[]) => github.workflows.Job;

/** One of the two workflows of {@link PinWorkflows}, with one job: the summary and the job it gives. */
class PinWorkflow extends ContainerWorkflow {
  constructor(
    project: Project,
    options: ContainerWorkflowOptions,
    private readonly description: WorkflowSummary,
    private readonly jobId: string,
    private readonly job: PinJob,
  ) {
    super(project, options);
  }

  protected renderJobs(): Record<string, github.workflows.Job> {
    return { [this.jobId]: this.job(this.runsOn) };
  }

  protected renderSummary(): WorkflowSummary {
    return this.description;
  }
}

/**
 * The GitHub App's permissions, each `write` (read included), and why. The installation token of
 * each workflow asks for the subset it needs (see {@link PinWorkflows.updatePermissions}); the
 * app must be granted all of them.
 */
export const APP_PERMISSIONS = {
  'contents': 'Contents',
  'pull-requests': 'Pull requests',
  'workflows': 'Workflows',
} as const;
export type AppPermission = keyof typeof APP_PERMISSIONS;

/** "Contents, Pull requests and Workflows": the app's permissions as GitHub's settings name them. */
export function appPermissionsText(permissions: readonly AppPermission[] = Object.keys(APP_PERMISSIONS) as AppPermission[]): string {
  const names = permissions.map((p) => APP_PERMISSIONS[p]);
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : names.join('');
}

const GIT_IDENTITY = 'git config user.name "github-actions[bot]"\ngit config user.email "41898282+github-actions[bot]@users.noreply.github.com"';

/**
 * `push_with_app_token <git push arguments>`: pushes with the app's token as an HTTP
 * header given to this one git command through the environment: never written to .git/config,
 * never on a command line. No hook runs (a pre-push hook planted by the updated dependencies'
 * code would see the token).
 */
const PUSH_WITH_APP_TOKEN = [
  'push_with_app_token() {',
  '  local auth',
  '  auth="$(printf \'x-access-token:%s\' "$GH_TOKEN" | base64 | tr -d \'\\n\')"',
  '  echo "::add-mask::$auth"',
  '  GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0="http.${GITHUB_SERVER_URL:-https://github.com}/.extraheader" GIT_CONFIG_VALUE_0="AUTHORIZATION: basic $auth" \\',
  '    git -c core.hooksPath=/dev/null -c core.fsmonitor=false push "$@"',
  '}',
].join('\n');

/**
 * Commits the changed tracked files, but only those on the allow-list, on the commit checked out
 * (`$CHECKED_OUT`): the generated files (every `.projen/files.json` of that commit, read from
 * git, not from the work tree the updated dependencies' code ran in) and the `allowed` patterns.
 * Any other change fails with `::error::` naming the files. Git runs with hooks and fsmonitor
 * off: the work tree's `.git` may have been written by that code too.
 */
function commitAllowedChanges(allowed: readonly string[], message: string): string {
  const patterns = allowed.join('|');
  return [
    'safe_git() { git -c core.hooksPath=/dev/null -c core.fsmonitor=false "$@"; }',
    'if [ -z "${CHECKED_OUT:-}" ] || [ "$(safe_git rev-parse HEAD)" != "$CHECKED_OUT" ]; then',
    '  echo "::error title=Unexpected commit::HEAD is no longer the commit checked out ($CHECKED_OUT): something committed during the run. Nothing is pushed."',
    '  exit 1',
    'fi',
    '# What is generated: the files each .projen/files.json of the checked-out commit lists.',
    'generated="$(safe_git ls-tree -r --name-only "$CHECKED_OUT" | grep -E \'(^|/)\\.projen/files\\.json$\' | while read -r list; do',
    '  dir="${list%.projen/files.json}"',
    '  safe_git show "$CHECKED_OUT:$list" | node -e \'const d = process.argv[1]; for (const f of JSON.parse(require("fs").readFileSync(0, "utf8")).files ?? []) console.log(d + f)\' "$dir"',
    'done)"',
    'allowed() {',
    ...(patterns ? [`  case "$1" in ${patterns}) return 0 ;; esac`] : []),
    '  printf \'%s\\n\' "$generated" | grep -qxF -- "$1"',
    '}',
    '# Tracked files that differ from the checked-out commit (staged or not); untracked files are never committed.',
    'safe_git reset -q',
    'changed="$(safe_git diff --name-only --no-renames "$CHECKED_OUT" --)"',
    'refused=""',
    'while IFS= read -r f; do',
    '  if [ -n "$f" ] && ! allowed "$f"; then refused="${refused:+$refused, }$f"; fi',
    'done <<< "$changed"',
    'if [ -n "$refused" ]; then',
    '  echo "::error title=Unexpected changes::Only generated files and pin or lock files may change here; these changed too: $refused. Nothing is pushed: look at what changed them (the updated dependencies ran during this job)."',
    '  exit 1',
    'fi',
    'while IFS= read -r f; do if [ -n "$f" ]; then safe_git add -- "$f"; fi; done <<< "$changed"',
    `safe_git commit -q --no-verify -m ${shellQuote(message)}`,
  ].join('\n');
}

/** Fails, saying exactly what to set up, when the app's variable or secret is missing. */
function credentialsCheck(variable: string, secret: string, purpose: string): string {
  return [
    'missing=""',
    `if [ -z "\${APP_CLIENT_ID:-}" ]; then missing="the repository variable ${variable} (the app's client ID)"; fi`,
    'if [ "${APP_PRIVATE_KEY_SET:-}" != "true" ]; then',
    '  # Runs started by Dependabot read Dependabot secrets; every other run reads Actions secrets.',
    '  if [ "${GITHUB_ACTOR:-}" = "dependabot[bot]" ]; then store="Dependabot"; else store="Actions"; fi',
    `  missing="\${missing:+$missing and }the \${store} secret ${secret} (the app's private key)"`,
    'fi',
    'if [ -n "$missing" ]; then',
    `  message="Set \${missing}. ${purpose} pushes with a GitHub App installation token, so that its pull request gets the full CI (a push with GITHUB_TOKEN starts no workflow): create a GitHub App with ${appPermissionsText()} read and write, install it on this repository, set the variable ${variable} to its client ID, and the secret ${secret} to its private key both as an Actions secret and as a Dependabot secret (Settings > Secrets and variables)."`,
    '  echo "::error title=GitHub App not set up::$message"',
    '  echo "$message" >> "${GITHUB_STEP_SUMMARY:-/dev/null}"',
    '  exit 1',
    'fi',
    'echo "GitHub App client ID: $APP_CLIENT_ID"',
  ].join('\n');
}

/**
 * The two ways pins move, both landing as a pull request that changes the one place holding them
 * and regenerates every file from it, pushed with a GitHub App's token so that the pull request
 * gets the full CI (build, scans, drift check):
 * - `update-base-images.yml`: weekly, resolves the base images' current digests
 *   (`npx projen update-base-images`) and opens a pull request, or updates the one still open;
 * - `dependabot-sync.yml`: on Dependabot's pull requests, moves the pins it changed in generated
 *   files back to their sources (`npx projen sync-pins`), regenerates, pins a new base image's
 *   digest (a Playwright image after a @playwright/test update) and pushes to the branch.
 *
 * Both check out without credentials and install without install scripts: the updated dependency
 * code never runs next to a write token; the token exists only for the push.
 */
export class PinWorkflows extends Component {
  /** Variable holding the GitHub App's client ID. */
  public readonly appClientIdVariable: string;
  /** Secret holding the GitHub App's private key (an Actions and a Dependabot secret). */
  public readonly appPrivateKeySecret: string;
  /** The weekly base-image update workflow. */
  public readonly updateWorkflow: ContainerWorkflow;
  /** The Dependabot sync workflow. */
  public readonly syncWorkflow: ContainerWorkflow;
  /** The weekly base-image update workflow's file, relative to the root (`.github/workflows/update-base-images.yml`). */
  public readonly updateWorkflowFile: string;
  /** The Dependabot sync workflow's file, relative to the root (`.github/workflows/dependabot-sync.yml`). */
  public readonly syncWorkflowFile: string;
  /** The branch the weekly update force-pushes. */
  public readonly updateBranch: string;
  /** Permissions of the weekly update's token: it pushes a branch that may change workflows (images.yml), and opens a pull request. */
  public readonly updatePermissions: readonly AppPermission[] = ['contents', 'pull-requests', 'workflows'];
  /** Permissions of the Dependabot sync's token: it pushes to Dependabot's branch, which may change workflows. */
  public readonly syncPermissions: readonly AppPermission[] = ['contents', 'workflows'];
  /** Every permission the app must be granted (read and write). */
  public readonly appPermissions: readonly AppPermission[] = ['contents', 'pull-requests', 'workflows'];
  /** Shell patterns of the files, besides the generated ones, that the two workflows may commit. */
  public readonly allowedChanges: readonly string[];
  private readonly protectedBranches: readonly string[];

  constructor(project: Project, options: PinWorkflowsOptions) {
    super(project);
    const C = 'PinWorkflows';
    knownKeys(C, 'options', options, OPTION_KEYS);
    knownKeys(C, 'app', options.app ?? {}, APP_KEYS);
    check(options.pins instanceof ActionPins, C, 'pins', typeof options.pins, 'the project\'s ActionPins (new ActionPins(project))');
    const uses = (a: string) => options.pins.uses(a);
    const variable = secretName(C, 'app.clientIdVariable', options.app?.clientIdVariable ?? 'UPDATE_APP_CLIENT_ID');
    const secret = secretName(C, 'app.privateKeySecret', options.app?.privateKeySecret ?? 'UPDATE_APP_PRIVATE_KEY');
    this.appClientIdVariable = variable;
    this.appPrivateKeySecret = secret;
    this.protectedBranches = options.protectedBranches ?? [TAG_POLICY_DEFAULTS.defaultBranch, TAG_POLICY_DEFAULTS.stagingBranch];
    this.updateBranch = workBranch(C, 'updateBranch', options.updateBranch ?? 'chore/update-base-images', this.protectedBranches);
    const branch = this.updateBranch;
    this.allowedChanges = options.allowedChanges ?? [options.pins.lockFile, DEFAULT_BASE_IMAGES_LOCK, DEPENDENCY_PINS_FILE, 'package-lock.json', '*/package-lock.json'];
    for (const a of this.allowedChanges) {
      check(typeof a === 'string' && /^[A-Za-z0-9._*-]+(\/[A-Za-z0-9._*-]+)*$/.test(a) && !a.split('/').some((x) => x === '..' || x === '.') && !/^\*+$/.test(a.split('/').pop()!),
        C, 'allowedChanges', a, 'a path or shell pattern inside the repository, such as */package-lock.json: segments of letters, digits, ".", "_", "-" and "*", no ".." and a file name that is more than "*"');
    }
    const setupNode: github.workflows.JobStep = { name: 'Node.js', uses: uses('actions/setup-node'), with: { 'node-version': nodeVersion(C, 'nodeVersion', options.nodeVersion ?? '24'), 'package-manager-cache': false } };
    const schedule = cron(C, 'schedule', options.schedule ?? DEFAULT_SCHEDULE);
    // Updated dependencies run no install script (npm ci, and the installs projen starts).
    const noScripts = { npm_config_ignore_scripts: 'true' };
    const appCheck = (purpose: string): github.workflows.JobStep => ({
      name: 'GitHub App set up',
      env: { APP_CLIENT_ID: `\${{ vars.${variable} }}`, APP_PRIVATE_KEY_SET: `\${{ secrets.${secret} != '' }}` },
      run: credentialsCheck(variable, secret, purpose),
    });
    const appToken = (permissions: readonly AppPermission[]): github.workflows.JobStep => ({
      name: 'GitHub App token (for the push only)',
      id: 'app-token',
      uses: uses('actions/create-github-app-token'),
      with: { 'client-id': `\${{ vars.${variable} }}`, 'private-key': `\${{ secrets.${secret} }}`, ...Object.fromEntries(permissions.map((p) => [`permission-${p}`, 'write'])) },
    });
    // The commit the job starts from: the push step commits on it, and only on it.
    const checkedOut: github.workflows.JobStep = { name: 'Commit checked out', id: 'checked-out', run: 'echo "sha=$(git rev-parse HEAD)" >> "$GITHUB_OUTPUT"' };
    const CHECKED_OUT = '${{ steps.checked-out.outputs.sha }}';

    // Each job is rendered at synth, on the runner label its workflow checked.
    const workflow = (name: string, concurrency: github.ConcurrencyOptions, summary: WorkflowSummary, jobId: string, job: PinJob) =>
      new PinWorkflow(project, { name, runsOn: options.runsOn, concurrency, component: C }, summary, jobId, job);

    const updateTitle = 'chore: update base-image digests';
    this.updateWorkflow = workflow('update-base-images', { group: 'update-base-images', cancelInProgress: false }, {
      when: `${schedule === DEFAULT_SCHEDULE ? 'weekly' : `on a schedule (\`${schedule}\`, UTC)`}, or by hand`,
      what: 'resolves new base-image digests and opens a pull request',
    }, 'update', (runsOn) => ({
      name: 'refresh base-image digests',
      runsOn,
      timeoutMinutes: 15,
      // Reading only: the pull request is pushed and opened with the app's token.
      permissions: { contents: github.workflows.JobPermission.READ },
      steps: [
        appCheck('The weekly base-image update'),
        { name: 'Checkout', uses: uses('actions/checkout'), with: { 'persist-credentials': false } },
        checkedOut,
        setupNode,
        { name: 'Install (no install scripts)', run: 'npm ci --no-audit --no-fund --ignore-scripts' },
        // BASE_IMAGES_REGISTRY_URL (repository variable): a registry mirror to resolve the digests from, for runners without Docker Hub.
        { name: 'Resolve digests and regenerate', env: { ...noScripts, BASE_IMAGES_REGISTRY_URL: '${{ vars.BASE_IMAGES_REGISTRY_URL }}' }, run: 'npx projen update-base-images' },
        // The regenerated images.yml is a workflow: pushing it takes the workflows permission.
        appToken(this.updatePermissions),
        {
          name: 'Open or update the pull request',
          env: { GH_TOKEN: '${{ steps.app-token.outputs.token }}', GH_REPO: '${{ github.repository }}', BRANCH: branch, CHECKED_OUT },
          run: [
            'if [ -z "$(git -c core.fsmonitor=false status --porcelain --untracked-files=no)" ]; then',
            '  echo "Every base image is pinned to its current digest: no pull request."',
            '  exit 0',
            'fi',
            PUSH_WITH_APP_TOKEN,
            GIT_IDENTITY,
            commitAllowedChanges(this.allowedChanges, updateTitle),
            'push_with_app_token --force origin "HEAD:refs/heads/$BRANCH"',
            `title=${shellQuote(updateTitle)}`,
            'body="Digests resolved by \\`npx projen update-base-images\\`; Dockerfiles regenerated. Pushed with the update app\'s token, so the full CI runs."',
            'existing="$(gh pr list --head "$BRANCH" --state open --json number --jq \'.[0].number // empty\')"',
            'if [ -n "$existing" ]; then',
            '  gh pr edit "$existing" --title "$title" --body "$body"',
            '  echo "Updated pull request #$existing with the new digests." | tee -a "${GITHUB_STEP_SUMMARY:-/dev/null}"',
            'else',
            '  url="$(gh pr create --head "$BRANCH" --title "$title" --body "$body")"',
            '  echo "Opened $url" | tee -a "${GITHUB_STEP_SUMMARY:-/dev/null}"',
            'fi',
          ].join('\n'),
        },
      ],
    }));
    this.updateWorkflow.workflow.on({ schedule: [{ cron: schedule }], workflowDispatch: {} });
    this.updateWorkflowFile = this.updateWorkflow.path;

    project.addTask('sync-pins', {
      description: 'Copy pins changed in generated files (by Dependabot) back to github-actions.lock.json, base-images.lock.json and dependency-pins.json',
      exec: COMMANDS.syncPins.bin,
    });
    // One run a pull request at a time: a newer push replaces a pending one.
    this.syncWorkflow = workflow('dependabot-sync', { group: 'dependabot-sync-${{ github.event.pull_request.number }}', cancelInProgress: true }, {
      when: 'Dependabot pull requests',
      what: 'moves pins Dependabot changed back to their sources and regenerates',
    }, 'sync', (runsOn) => ({
      name: 'move Dependabot pins to their sources',
      if: "github.event.pull_request.user.login == 'dependabot[bot]'",
      runsOn,
      timeoutMinutes: 15,
      // Reading only: the regenerated files are pushed with the app's token.
      permissions: { contents: github.workflows.JobPermission.READ },
      steps: [
        appCheck('The Dependabot sync'),
        { name: 'Checkout the pull request branch', uses: uses('actions/checkout'), with: { 'ref': '${{ github.event.pull_request.head.ref }}', 'persist-credentials': false } },
        checkedOut,
        setupNode,
        { name: 'Install (no install scripts)', run: 'npm ci --no-audit --no-fund --ignore-scripts' },
        {
          name: 'Pins from generated files back to their sources, then regenerate',
          env: { ...noScripts, BASE_IMAGES_REGISTRY_URL: '${{ vars.BASE_IMAGES_REGISTRY_URL }}' },
          // A new base image (the Playwright image of a new @playwright/test) gets its digest.
          run: 'npx projen sync-pins\nnpx projen\nnpx projen update-base-images -- --missing',
        },
        appToken(this.syncPermissions),
        {
          name: 'Push the regenerated files',
          env: { GH_TOKEN: '${{ steps.app-token.outputs.token }}', BRANCH: '${{ github.event.pull_request.head.ref }}', CHECKED_OUT },
          run: [
            'if [ -z "$(git -c core.fsmonitor=false status --porcelain --untracked-files=no)" ]; then',
            '  echo "The generated files already agree with the pins: nothing to push."',
            '  exit 0',
            'fi',
            PUSH_WITH_APP_TOKEN,
            GIT_IDENTITY,
            commitAllowedChanges(this.allowedChanges, 'chore: regenerate from .projenrc.ts after the dependency update'),
            'push_with_app_token origin "HEAD:refs/heads/$BRANCH"',
            'echo "Pushed the regenerated files to $BRANCH." | tee -a "${GITHUB_STEP_SUMMARY:-/dev/null}"',
          ].join('\n'),
        },
      ],
    }));
    this.syncWorkflow.workflow.on({ pullRequest: {} });
    this.syncWorkflowFile = this.syncWorkflow.path;
  }

  /** The update branch is none of the branches of the project's tag scripts (known once every component is declared). */
  public preSynthesize(): void {
    const reserved = this.project.components.filter((c): c is ImageTagScript => c instanceof ImageTagScript)
      .flatMap((t) => [t.policy.defaultBranch, t.policy.stagingBranch]).filter((b): b is string => typeof b === 'string');
    workBranch('PinWorkflows', 'updateBranch', this.updateBranch, [...new Set([...this.protectedBranches, ...reserved])]);
  }
}
