import { Component, github, Project } from 'projen';
import { ActionPins } from './action-pins';

const { JobPermission } = github.workflows;

/** Options of {@link PinWorkflows}. */
export interface PinWorkflowsOptions {
  readonly pins: ActionPins;
  /** Runner label. @default 'ubuntu-24.04' */
  readonly runsOn?: string;
  /** Node.js for projen. @default '24' */
  readonly nodeVersion?: string;
  /** When the base-image digests are refreshed (cron, UTC). @default '0 5 * * 1' (Mondays 05:00) */
  readonly schedule?: string;
}

const GIT_IDENTITY = 'git config user.name "github-actions[bot]"\ngit config user.email "41898282+github-actions[bot]@users.noreply.github.com"';

/**
 * The two ways pins move, both landing as a pull request that changes the one place holding them
 * and regenerates every file from it:
 * - `update-base-images.yml`: weekly, resolves the base images' current digests
 *   (`npx projen update-base-images`) and opens a pull request;
 * - `dependabot-sync.yml`: on Dependabot's pull requests, moves the pins it changed in generated
 *   files back to their sources (`npx projen sync-pins`), regenerates and pushes to the branch.
 */
export class PinWorkflows extends Component {
  constructor(project: Project, options: PinWorkflowsOptions) {
    super(project);
    const gh = github.GitHub.of(project);
    if (!gh) throw new Error('PinWorkflows needs GitHub enabled on the project.');
    const runsOn = [options.runsOn ?? 'ubuntu-24.04'];
    const uses = (a: string) => options.pins.uses(a);
    const setupNode: github.workflows.JobStep = { name: 'Node.js', uses: uses('actions/setup-node'), with: { 'node-version': options.nodeVersion ?? '24', 'package-manager-cache': false } };

    const update = new github.GithubWorkflow(gh, 'update-base-images');
    update.on({ schedule: [{ cron: options.schedule ?? '0 5 * * 1' }], workflowDispatch: {} });
    update.file?.addOverride('permissions', { contents: 'read' });
    update.addJob('update', {
      name: 'refresh base-image digests',
      runsOn,
      timeoutMinutes: 15,
      permissions: { contents: JobPermission.WRITE, pullRequests: JobPermission.WRITE },
      steps: [
        { name: 'Checkout', uses: uses('actions/checkout'), with: { 'persist-credentials': true } },
        setupNode,
        { name: 'Install', run: 'npm ci --no-audit --no-fund' },
        { name: 'Resolve digests and regenerate', run: 'npx projen update-base-images' },
        {
          name: 'Open a pull request',
          env: { GH_TOKEN: '${{ github.token }}' },
          run: [
            'if [ -z "$(git status --porcelain)" ]; then echo "Base images are up to date."; exit 0; fi',
            'branch="update-base-images/$(date -u +%Y%m%d)"',
            GIT_IDENTITY,
            'git switch -c "$branch"',
            'git commit -am "chore: update base-image digests"',
            'git push --force origin "$branch"',
            'gh pr create --title "chore: update base-image digests" --body "Digests resolved by \\`npx projen update-base-images\\`; Dockerfiles regenerated." --head "$branch" || true',
          ].join('\n'),
        },
      ],
    });

    project.addTask('sync-pins', {
      description: 'Copy pins changed in generated files (by Dependabot) back to github-actions.lock.json and base-images.lock.json',
      exec: 'tsx projenrc/github/sync-pins.ts',
    });
    const sync = new github.GithubWorkflow(gh, 'dependabot-sync');
    sync.on({ pullRequest: {} });
    sync.file?.addOverride('permissions', { contents: 'read' });
    sync.addJob('sync', {
      name: 'move Dependabot pins to their sources',
      if: "github.event.pull_request.user.login == 'dependabot[bot]'",
      runsOn,
      timeoutMinutes: 15,
      permissions: { contents: JobPermission.WRITE },
      steps: [
        { name: 'Checkout the pull request branch', uses: uses('actions/checkout'), with: { 'ref': '${{ github.event.pull_request.head.ref }}', 'persist-credentials': true } },
        setupNode,
        { name: 'Install (no install scripts)', run: 'npm ci --no-audit --no-fund --ignore-scripts' },
        { name: 'Pins from generated files back to their sources, then regenerate', run: 'npx projen sync-pins\nnpx projen' },
        {
          name: 'Push the regenerated files',
          env: { BRANCH: '${{ github.event.pull_request.head.ref }}' },
          run: [
            'if [ -z "$(git status --porcelain)" ]; then exit 0; fi',
            GIT_IDENTITY,
            'git commit -am "chore: regenerate from .projenrc.ts after the dependency update"',
            'git push origin "HEAD:$BRANCH"',
          ].join('\n'),
        },
      ],
    });
  }
}
