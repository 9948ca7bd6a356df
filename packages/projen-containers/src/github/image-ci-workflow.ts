import { github, Project, TextFile } from 'projen';
import { ActionPins } from './action-pins';
import { changedServicesScript } from './changed-services';
import { ContainerWorkflow, WorkflowSummary } from './container-workflow';
import { ReusableBuildWorkflow } from './reusable-build-workflow';
import { checkTagBranches, ResolvedTagPolicy } from '../image-tag-script';
import type { ImageManifestEntry } from '../lib/images-manifest';
import { GENERATED_MARKER } from '../marker';
import { identifier, knownKeys, optionKeys, repoPath } from '../validate';

const { JobPermission } = github.workflows;

/** Options of {@link ImageCiWorkflow}. */
export interface ImageCiWorkflowOptions {
  readonly pins: ActionPins;
  readonly reusable: ReusableBuildWorkflow;
  /** The images to build (from DockerImages), read at synth. */
  readonly images: () => ImageManifestEntry[];
  /**
   * The tag policy (ImageTagScript's `policy`): its default and staging branches are the pushes
   * that publish; with `stagingBranch: false`, no staging trigger, deploy or dispatch choice.
   */
  readonly tagPolicy: Pick<ResolvedTagPolicy, 'defaultBranch' | 'stagingBranch'>;
  /** Files, besides a service's own folder, whose changes change every image (pins, scripts, these workflows). */
  readonly sharedPaths: string[];
  /** Runner label. @default 'ubuntu-24.04' */
  readonly runsOn?: string;
  /** Workflow file name, without `.yml`. @default 'images' */
  readonly name?: string;
  /** Name of the job that sums every image up: the one check to require on pull requests. @default 'images' */
  readonly summaryJobName?: string;
}

/** zizmor's configuration file, which it reads from `.github/`. */
const ZIZMOR_CONFIG = '.github/zizmor.yml';

/** Every option of {@link ImageCiWorkflowOptions}: any other key is an error. */
const OPTION_KEYS = optionKeys<ImageCiWorkflowOptions>({
  pins: true,
  reusable: true,
  images: true,
  tagPolicy: true,
  sharedPaths: true,
  runsOn: true,
  name: true,
  summaryJobName: true,
});

/**
 * `.github/workflows/images.yml`: runs the reusable build for each service whose sources changed,
 * on pull requests (build and scan), pushes to the default and staging branches, release tags
 * `vX.Y.Z` and manual dispatch (publish). One job sums all up, whatever ran or was skipped, so a
 * branch protection rule requires that one check.
 *
 * Pull-request runs cancel the superseded run of the same pull request; every other run has its
 * own concurrency group, so no push is ever dropped from the queue (each run covers the commits
 * of its own push, and moving tags only go forward, see the publish job).
 */
export class ImageCiWorkflow extends ContainerWorkflow {
  /** The check to require on pull requests. */
  public readonly summaryJobName: string;
  private readonly options: ImageCiWorkflowOptions;
  /** What the service jobs' `uses:` names: the reusable build workflow. */
  private readonly reusableRef: string;

  constructor(project: Project, options: ImageCiWorkflowOptions) {
    knownKeys('ImageCiWorkflow', 'options', options, OPTION_KEYS);
    super(project, {
      name: options.name ?? 'images',
      runsOn: options.runsOn,
      // A pull request's newer run cancels its older one; any other run has a group of its own.
      concurrency: {
        group: "${{ github.workflow }}-${{ github.event_name == 'pull_request' && format('pr-{0}', github.event.pull_request.number) || github.run_id }}",
        cancelInProgress: "${{ github.event_name == 'pull_request' }}" as unknown as boolean,
      },
    });
    // The jobs call the reusable build as `./.github/workflows/...`, the form GitHub's docs and
    // actionlint use; zizmor's self-repository audit asks for `$/...` instead: it is turned off.
    if (!project.tryFindFile(ZIZMOR_CONFIG)) {
      new TextFile(project, ZIZMOR_CONFIG, {
        readonly: true,
        lines: [
          `# ${GENERATED_MARKER}`,
          '# zizmor (GitHub Actions security audit) settings.',
          'rules:',
          '  self-repository:',
          '    # zizmor suggests `$/...` for local reusable workflows; actionlint and GitHub\'s docs use `./...`.',
          '    disable: true',
          '',
        ],
      });
    }
    for (const p of options.sharedPaths) repoPath('ImageCiWorkflow', 'sharedPaths', p);
    this.options = options;
    this.summaryJobName = identifier('ImageCiWorkflow', 'summaryJobName', options.summaryJobName ?? 'images');
    checkTagBranches('ImageCiWorkflow', options.tagPolicy, 'tagPolicy.');
    this.reusableRef = this.call(options.reusable);
    const { defaultBranch, stagingBranch } = options.tagPolicy;
    this.workflow.on({
      pullRequest: {},
      push: { branches: stagingBranch === false ? [defaultBranch] : [defaultBranch, stagingBranch], tags: ['v[0-9]+.[0-9]+.[0-9]+*'] },
      workflowDispatch: {
        inputs: {
          environment: {
            description: stagingBranch === false
              ? 'Deploy to a GitHub Environment: production (release tags only); none publishes the ref\'s images'
              : 'Deploy to a GitHub Environment: staging (adds staging-YYYYMMDD) or production (release tags only); none publishes the ref\'s images',
            type: 'choice',
            options: stagingBranch === false ? ['none', 'production'] : ['none', 'staging', 'production'],
            default: 'none',
            required: false,
          },
        },
      },
    });
  }

  /** Every path that changes every image: the shared files, this workflow and the reusable one. */
  public get shared(): string[] {
    return [...this.options.sharedPaths, this.path, this.options.reusable.path];
  }

  /** Pathspecs whose changes change one image. */
  public pathsOf(image: ImageManifestEntry): string[] {
    return [image.context, ...this.shared];
  }

  /** Rendered at synth, so services added after this component still get a job. */
  protected renderJobs(): Record<string, github.workflows.Job | github.workflows.JobCallingReusableWorkflow> {
    const images = this.options.images();
    return {
      changes: this.changesJob(images),
      ...Object.fromEntries(images.map((i) => [i.service, this.serviceJob(i)])),
      [this.summaryJobName]: this.summaryJob(images),
    };
  }

  protected renderSummary(): WorkflowSummary {
    const { defaultBranch, stagingBranch } = this.options.tagPolicy;
    return {
      when: `pull requests; pushes to \`${defaultBranch}\`${stagingBranch === false ? '' : ` and \`${stagingBranch}\``}; release tags \`vX.Y.Z\`; manual dispatch`,
      what: `runs \`${this.options.reusable.fileName}\` for each service whose sources changed (every service on a deploy, a release or a dispatch), then one summary job, \`${this.summaryJobName}\``,
    };
  }

  private changesJob(images: ImageManifestEntry[]): github.workflows.Job {
    const staging = this.options.tagPolicy.stagingBranch;
    return {
      name: 'which images this run builds',
      runsOn: this.runsOn,
      timeoutMinutes: 5,
      permissions: { contents: JobPermission.READ },
      outputs: {
        environment: { stepId: 'decide', outputName: 'environment' },
        ...Object.fromEntries(images.map((i) => [i.service, { stepId: 'decide', outputName: i.service }])),
      },
      steps: [
        { name: 'Checkout (full history, no credentials kept)', uses: this.options.pins.uses('actions/checkout'), with: { 'persist-credentials': false, 'fetch-depth': 0 } },
        {
          name: 'Images whose sources changed (all of them on a deploy, a release or a dispatch)',
          id: 'decide',
          env: {
            EVENT: '${{ github.event_name }}',
            REF_TYPE: '${{ github.ref_type }}',
            REF_NAME: '${{ github.ref_name }}',
            BEFORE: '${{ github.event.before }}',
            SHA: '${{ github.sha }}',
            DISPATCH_ENVIRONMENT: '${{ inputs.environment }}',
            ...(staging === false ? {} : { STAGING_BRANCH: staging }),
          },
          run: changedServicesScript(images.map((i) => ({ service: i.service, paths: this.pathsOf(i) })), { staging: staging !== false }),
        },
      ],
    };
  }

  private serviceJob(i: ImageManifestEntry): github.workflows.JobCallingReusableWorkflow {
    return {
      name: i.service,
      needs: ['changes'],
      if: `needs.changes.outputs.${i.service} == 'true'`,
      uses: this.reusableRef,
      permissions: this.options.reusable.callerPermissions,
      with: {
        service: i.service,
        context: i.context,
        dockerfile: i.dockerfile,
        image: i.image,
        paths: this.pathsOf(i).join(' '),
        base: i.baseImage,
        base_arg: i.baseArg,
        publish: "${{ github.event_name != 'pull_request' }}",
        environment: '${{ needs.changes.outputs.environment }}',
      },
      // Named, never `inherit`: the called workflow gets the secrets it declares and no other.
      secrets: Object.fromEntries(this.options.reusable.secretNames.map((n) => [n, `\${{ secrets.${n} }}`])),
    };
  }

  /**
   * A job of a reusable workflow whose caller is skipped never reports, so a required check on it
   * waits forever: this job reports for all of them. `always()`, not `!cancelled()`: a cancelled
   * run must report a failure here, not be skipped (a skipped required check passes).
   */
  private summaryJob(images: ImageManifestEntry[]): github.workflows.Job {
    return {
      name: this.summaryJobName,
      needs: ['changes', ...images.map((i) => i.service)],
      if: 'always()',
      runsOn: this.runsOn,
      timeoutMinutes: 5,
      permissions: {},
      steps: [{
        name: 'Every image built, scanned and published, or unchanged',
        env: { RESULTS: '${{ toJSON(needs) }}' },
        run: [
          'printf \'%s\\n\' "$RESULTS"',
          'if printf \'%s\' "$RESULTS" | grep -Eq \'"result": *"(failure|cancelled)"\'; then',
          '  echo "::error title=Images::a job above failed or was cancelled"',
          '  exit 1',
          'fi',
        ].join('\n'),
      }],
    };
  }
}
