import { Component, github, Project } from 'projen';
import { ActionPins } from './action-pins';
import { cron } from '../validate';

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
}

const GIT_IDENTITY = 'git config user.name "github-actions[bot]"\ngit config user.email "41898282+github-actions[bot]@users.noreply.github.com"';

/**
 * `push_with_app_token <git push arguments>`: pushes with the app's token as an HTTP
 * header given to this one git command through the environment: never written to .git/config,
 * never on a command line.
 */
const PUSH_WITH_APP_TOKEN = [
  'push_with_app_token() {',
  '  local auth',
  '  auth="$(printf \'x-access-token:%s\' "$GH_TOKEN" | base64 | tr -d \'\\n\')"',
  '  echo "::add-mask::$auth"',
  '  GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0="http.${GITHUB_SERVER_URL:-https://github.com}/.extraheader" GIT_CONFIG_VALUE_0="AUTHORIZATION: basic $auth" \\',
  '    git push "$@"',
  '}',
].join('\n');

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
    `  message="Set \${missing}. ${purpose} pushes with a GitHub App installation token, so that its pull request gets the full CI (a push with GITHUB_TOKEN starts no workflow): create a GitHub App with Contents, Pull requests and Workflows read and write, install it on this repository, set the variable ${variable} to its client ID, and the secret ${secret} to its private key both as an Actions secret and as a Dependabot secret (Settings > Secrets and variables)."`,
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
  /** The weekly base-image update workflow's file. */
  public readonly updateWorkflowFile: string;
  /** The Dependabot sync workflow's file. */
  public readonly syncWorkflowFile: string;

  constructor(project: Project, options: PinWorkflowsOptions) {
    super(project);
    const gh = github.GitHub.of(project);
    if (!gh) throw new Error('PinWorkflows needs GitHub enabled on the project.');
    const runsOn = [options.runsOn ?? 'ubuntu-24.04'];
    const uses = (a: string) => options.pins.uses(a);
    const variable = options.app?.clientIdVariable ?? 'UPDATE_APP_CLIENT_ID';
    const secret = options.app?.privateKeySecret ?? 'UPDATE_APP_PRIVATE_KEY';
    for (const [what, name] of [['clientIdVariable', variable], ['privateKeySecret', secret]]) {
      if (!/^[A-Z][A-Z0-9_]*$/.test(name) || name.startsWith('GITHUB_')) throw new Error(`PinWorkflows: app.${what} "${name}" must be UPPER_SNAKE_CASE and not start with GITHUB_ (reserved by GitHub).`);
    }
    this.appClientIdVariable = variable;
    this.appPrivateKeySecret = secret;
    const branch = options.updateBranch ?? 'chore/update-base-images';
    const setupNode: github.workflows.JobStep = { name: 'Node.js', uses: uses('actions/setup-node'), with: { 'node-version': options.nodeVersion ?? '24', 'package-manager-cache': false } };
    // Updated dependencies run no install script (npm ci, and the installs projen starts).
    const noScripts = { npm_config_ignore_scripts: 'true' };
    const appCheck = (purpose: string): github.workflows.JobStep => ({
      name: 'GitHub App set up',
      env: { APP_CLIENT_ID: `\${{ vars.${variable} }}`, APP_PRIVATE_KEY_SET: `\${{ secrets.${secret} != '' }}` },
      run: credentialsCheck(variable, secret, purpose),
    });
    const appToken = (permissions: Record<string, string>): github.workflows.JobStep => ({
      name: 'GitHub App token (for the push only)',
      id: 'app-token',
      uses: uses('actions/create-github-app-token'),
      with: { 'client-id': `\${{ vars.${variable} }}`, 'private-key': `\${{ secrets.${secret} }}`, ...permissions },
    });

    const update = new github.GithubWorkflow(gh, 'update-base-images', { limitConcurrency: true, concurrencyOptions: { group: 'update-base-images', cancelInProgress: false } });
    this.updateWorkflowFile = update.file!.path;
    update.on({ schedule: [{ cron: cron('PinWorkflows', 'schedule', options.schedule ?? '0 5 * * 1') }], workflowDispatch: {} });
    update.file?.addOverride('permissions', { contents: 'read' });
    update.addJob('update', {
      name: 'refresh base-image digests',
      runsOn,
      timeoutMinutes: 15,
      // Reading only: the pull request is pushed and opened with the app's token.
      permissions: { contents: github.workflows.JobPermission.READ },
      steps: [
        appCheck('The weekly base-image update'),
        { name: 'Checkout', uses: uses('actions/checkout'), with: { 'persist-credentials': false } },
        setupNode,
        { name: 'Install (no install scripts)', run: 'npm ci --no-audit --no-fund --ignore-scripts' },
        { name: 'Resolve digests and regenerate', env: noScripts, run: 'npx projen update-base-images' },
        appToken({ 'permission-contents': 'write', 'permission-pull-requests': 'write' }),
        {
          name: 'Open or update the pull request',
          env: { GH_TOKEN: '${{ steps.app-token.outputs.token }}', GH_REPO: '${{ github.repository }}', BRANCH: branch },
          run: [
            'if [ -z "$(git status --porcelain --untracked-files=no)" ]; then',
            '  echo "Every base image is pinned to its current digest: no pull request."',
            '  exit 0',
            'fi',
            PUSH_WITH_APP_TOKEN,
            GIT_IDENTITY,
            'git switch -C "$BRANCH"',
            'git commit -am "chore: update base-image digests"',
            'push_with_app_token --force origin "HEAD:refs/heads/$BRANCH"',
            'title="chore: update base-image digests"',
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
    });

    project.addTask('sync-pins', {
      description: 'Copy pins changed in generated files (by Dependabot) back to github-actions.lock.json, base-images.lock.json and dependency-pins.json',
      exec: 'tsx projenrc/tools/sync-pins.ts',
    });
    const sync = new github.GithubWorkflow(gh, 'dependabot-sync', {
      // One run a pull request at a time: a newer push replaces a pending one.
      limitConcurrency: true,
      concurrencyOptions: { group: 'dependabot-sync-${{ github.event.pull_request.number }}', cancelInProgress: true },
    });
    this.syncWorkflowFile = sync.file!.path;
    sync.on({ pullRequest: {} });
    sync.file?.addOverride('permissions', { contents: 'read' });
    sync.addJob('sync', {
      name: 'move Dependabot pins to their sources',
      if: "github.event.pull_request.user.login == 'dependabot[bot]'",
      runsOn,
      timeoutMinutes: 15,
      // Reading only: the regenerated files are pushed with the app's token.
      permissions: { contents: github.workflows.JobPermission.READ },
      steps: [
        appCheck('The Dependabot sync'),
        { name: 'Checkout the pull request branch', uses: uses('actions/checkout'), with: { 'ref': '${{ github.event.pull_request.head.ref }}', 'persist-credentials': false } },
        setupNode,
        { name: 'Install (no install scripts)', run: 'npm ci --no-audit --no-fund --ignore-scripts' },
        {
          name: 'Pins from generated files back to their sources, then regenerate',
          env: noScripts,
          // A new base image (the Playwright image of a new @playwright/test) gets its digest.
          run: 'npx projen sync-pins\nnpx projen\nnpx projen update-base-images -- --missing',
        },
        appToken({ 'permission-contents': 'write', 'permission-workflows': 'write' }),
        {
          name: 'Push the regenerated files',
          env: { GH_TOKEN: '${{ steps.app-token.outputs.token }}', BRANCH: '${{ github.event.pull_request.head.ref }}' },
          run: [
            'if [ -z "$(git status --porcelain --untracked-files=no)" ]; then',
            '  echo "The generated files already agree with the pins: nothing to push."',
            '  exit 0',
            'fi',
            PUSH_WITH_APP_TOKEN,
            GIT_IDENTITY,
            'git commit -am "chore: regenerate from .projenrc.ts after the dependency update"',
            'push_with_app_token origin "HEAD:refs/heads/$BRANCH"',
            'echo "Pushed the regenerated files to $BRANCH." | tee -a "${GITHUB_STEP_SUMMARY:-/dev/null}"',
          ].join('\n'),
        },
      ],
    });
  }
}
