import { Component, github, Project } from 'projen';
import { ActionPins } from './action-pins';
import { ReusableBuildWorkflow } from './reusable-build-workflow';
import type { ImageManifestEntry } from '../docker/service-image';
import type { TagPolicyOptions } from '../image-tags/policy';

const { JobPermission } = github.workflows;

/** Options of {@link ImageCiWorkflow}. */
export interface ImageCiWorkflowOptions {
  readonly pins: ActionPins;
  readonly reusable: ReusableBuildWorkflow;
  /** The images to build (from DockerImages), read at synth. */
  readonly images: () => ImageManifestEntry[];
  /** The tag policy (from ImageTagScript): its default and staging branches trigger pushes. @default main and staging */
  readonly tagPolicy?: TagPolicyOptions;
  /** Files that affect every image (pins, tag script, these workflows). @default see code */
  readonly sharedPaths?: string[];
  /** Runner label. @default 'ubuntu-24.04' */
  readonly runsOn?: string;
  /** Workflow file name. @default 'images' */
  readonly name?: string;
}

/**
 * `.github/workflows/images.yml`: runs the reusable build for each service on pull requests,
 * pushes to the default and staging branches, release tags `vX.Y.Z` and manual dispatch, only
 * for the services whose files changed (all of them on a release or a dispatch). Superseded
 * pull-request runs are cancelled.
 */
export class ImageCiWorkflow extends Component {
  private readonly workflow: github.GithubWorkflow;
  private readonly renderJobs: () => Record<string, github.workflows.Job | github.workflows.JobCallingReusableWorkflow>;
  private added = false;

  constructor(project: Project, options: ImageCiWorkflowOptions) {
    super(project);
    const gh = github.GitHub.of(project);
    if (!gh) throw new Error('ImageCiWorkflow needs GitHub enabled on the project (github: true).');
    const name = options.name ?? 'images';
    const runsOn = [options.runsOn ?? 'ubuntu-24.04'];
    const shared = options.sharedPaths ?? [
      'base-images.lock.json', 'scripts/image-tags.mjs', '.trivyignore.yaml',
      `.github/workflows/${name}.yml`, `.github/workflows/${options.reusable.fileName}`,
    ];
    const wf = new github.GithubWorkflow(gh, name, {
      limitConcurrency: true,
      concurrencyOptions: {
        group: '${{ github.workflow }}-${{ github.event.pull_request.number || github.ref }}',
        cancelInProgress: "${{ github.event_name == 'pull_request' }}" as unknown as boolean,
      },
    });
    wf.on({
      pullRequest: {},
      push: { branches: [options.tagPolicy?.defaultBranch ?? 'main', options.tagPolicy?.stagingBranch ?? 'staging'], tags: ['v[0-9]+.[0-9]+.[0-9]+*'] },
      workflowDispatch: {
        inputs: {
          environment: {
            description: 'Deployment tag to add: staging (staging-YYYYMMDD) or production (release tags only)',
            type: 'choice',
            options: ['none', 'staging', 'production'],
            default: 'none',
            required: false,
          },
        },
      },
    });
    wf.file?.addOverride('permissions', { contents: 'read' });

    this.workflow = wf;
    // Lazily, so services added after this component still get a job.
    this.renderJobs = () => {
      const images = options.images();
      const filters = images.map((i) => [`${i.service}:`, ...[`${i.context}/**`, ...shared].map((p) => `  - '${p}'`)].join('\n')).join('\n');
      const all: Record<string, github.workflows.Job | github.workflows.JobCallingReusableWorkflow> = {
        changes: {
          name: 'which images changed',
          runsOn,
          timeoutMinutes: 5,
          permissions: { contents: JobPermission.READ, pullRequests: JobPermission.READ },
          outputs: Object.fromEntries(images.map((i) => [i.service, { stepId: 'decide', outputName: i.service }])),
          steps: [
            { name: 'Checkout', uses: options.pins.uses('actions/checkout'), with: { 'persist-credentials': false } },
            { name: 'Paths changed', id: 'filter', uses: options.pins.uses('dorny/paths-filter'), with: { filters } },
            {
              name: 'All images on a release tag or a dispatch',
              id: 'decide',
              env: {
                EVENT: '${{ github.event_name }}',
                REF_TYPE: '${{ github.ref_type }}',
                ...Object.fromEntries(images.map((i) => [`CHANGED_${envName(i.service)}`, `\${{ steps.filter.outputs.${i.service} }}`])),
              },
              run: images.map((i) => `if [ "$REF_TYPE" = tag ] || [ "$EVENT" = workflow_dispatch ] || [ "$CHANGED_${envName(i.service)}" = true ]; then echo "${i.service}=true"; else echo "${i.service}=false"; fi >> "$GITHUB_OUTPUT"`).join('\n'),
            },
          ],
        },
      };
      for (const i of images) {
        all[i.service] = {
          name: i.service,
          needs: ['changes'],
          if: `needs.changes.outputs.${i.service} == 'true'`,
          uses: `./.github/workflows/${options.reusable.fileName}`,
          // The union of what the reusable workflow's jobs need; each of its jobs asks only for its own part.
          permissions: {
            contents: JobPermission.READ,
            actions: JobPermission.READ,
            securityEvents: JobPermission.WRITE,
            ...options.reusable.pushPermissions,
          },
          with: {
            service: i.service,
            context: i.context,
            dockerfile: i.dockerfile,
            image: i.image,
            push: "${{ github.event_name != 'pull_request' }}",
            environment: "${{ github.event_name == 'workflow_dispatch' && inputs.environment != 'none' && inputs.environment || '' }}",
          },
        };
      }
      return all;
    };
  }

  public preSynthesize(): void {
    if (this.added) return;
    this.added = true;
    this.workflow.addJobs(this.renderJobs());
  }
}

function envName(service: string): string {
  return service.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}
