import { Component, github, Project } from 'projen';
import { ActionPins } from './action-pins';
import { codeScanningAvailable } from './image-steps';
import { ReusableBuildWorkflow } from './reusable-build-workflow';
import { isValidTag } from '../image-tags/docker-reference';
import type { ImageManifestEntry } from '../lib/images-manifest';
import { check, cron, identifier, runnerLabel } from '../validate';

const { JobPermission } = github.workflows;

/** Options of {@link DeployedScanWorkflow}. */
export interface DeployedScanWorkflowOptions {
  readonly pins: ActionPins;
  /** The build workflow: its registry login, Trivy release, databases and ignore file. */
  readonly reusable: ReusableBuildWorkflow;
  /** The images to scan (from DockerImages), read at synth. */
  readonly images: () => ImageManifestEntry[];
  /** The tag of the images deployed from the default branch. @default 'latest' */
  readonly tag?: string;
  /** When (cron, UTC). @default '0 6 * * *' (every day at 06:00) */
  readonly schedule?: string;
  /** Runner label. @default 'ubuntu-24.04' */
  readonly runsOn?: string;
  /** Workflow file name, without `.yml`. @default 'scan-deployed' */
  readonly name?: string;
}

/**
 * `.github/workflows/scan-deployed.yml`: every day, Trivy scans the images the default branch
 * published (`latest`) for the vulnerabilities disclosed since they were built. A HIGH or
 * CRITICAL finding fails the run (GitHub notifies on a failed scheduled run) and lands in the
 * Security tab under its own category; an image that cannot be read fails it too, so a broken
 * login never passes for a clean scan.
 */
export class DeployedScanWorkflow extends Component {
  public readonly fileName: string;
  /** The tag that is scanned. */
  public readonly tag: string;
  /** When it runs (cron, UTC). */
  public readonly schedule: string;
  private readonly workflow: github.GithubWorkflow;
  private readonly options: DeployedScanWorkflowOptions;
  private added = false;

  constructor(project: Project, options: DeployedScanWorkflowOptions) {
    super(project);
    const gh = github.GitHub.of(project);
    if (!gh) throw new Error('DeployedScanWorkflow needs GitHub enabled on the project (github: true).');
    const name = identifier('DeployedScanWorkflow', 'name', options.name ?? 'scan-deployed');
    this.fileName = `${name}.yml`;
    this.tag = options.tag ?? 'latest';
    check(isValidTag(this.tag), 'DeployedScanWorkflow', 'tag', this.tag, 'a Docker tag (letters, digits, "_", "." and "-", at most 128)');
    this.schedule = cron('DeployedScanWorkflow', 'schedule', options.schedule ?? '0 6 * * *');
    if (options.runsOn) runnerLabel('DeployedScanWorkflow', 'runsOn', options.runsOn);
    this.options = options;
    this.workflow = new github.GithubWorkflow(gh, name);
    this.workflow.on({ schedule: [{ cron: this.schedule }], workflowDispatch: {} });
    this.workflow.file?.addOverride('permissions', { contents: 'read' });
  }

  public preSynthesize(): void {
    if (this.added) return;
    this.added = true;
    const { pins, reusable } = this.options;
    const uses = (a: string) => pins.uses(a);
    const images = this.options.images();
    this.workflow.addJob('scan', {
      name: 'scan the deployed ${{ matrix.service }} image',
      runsOn: [this.options.runsOn ?? 'ubuntu-24.04'],
      timeoutMinutes: 20,
      permissions: { ...reusable.login.permissions, securityEvents: JobPermission.WRITE },
      strategy: { failFast: false, matrix: { include: images.map((i) => ({ service: i.service, image: i.image })) } as never },
      steps: [
        { name: 'Checkout (the ignore file)', uses: uses('actions/checkout'), with: { 'persist-credentials': false } },
        ...reusable.login.steps,
        {
          name: `The deployed image (${this.tag}), by digest`,
          id: 'deployed',
          env: { REGISTRY: reusable.login.host, IMAGE: '${{ matrix.image }}', TAG: this.tag },
          run: [
            'ref="$REGISTRY/$IMAGE:$TAG"',
            'rc=0',
            `digest=$(bash ${reusable.publishScript} digest "$ref") || rc=$?`,
            'if [ "$rc" -ne 0 ]; then echo "::error title=No deployed image::$ref cannot be read (exit $rc): nothing was scanned."; exit 1; fi',
            'echo "ref=${ref%:*}@$digest" >> "$GITHUB_OUTPUT"',
            'echo "Scanning $ref ($digest)" >> "$GITHUB_STEP_SUMMARY"',
          ].join('\n'),
        },
        {
          name: `Trivy: ${reusable.severities.join(' and ')} vulnerabilities fail the run`,
          id: 'vuln',
          uses: uses('aquasecurity/trivy-action'),
          env: { TRIVY_DB_REPOSITORY: reusable.trivyDbRepositories.join(','), TRIVY_IGNOREFILE: reusable.trivyIgnoreFile },
          with: {
            'image-ref': '${{ steps.deployed.outputs.ref }}',
            'scan-type': 'image',
            'format': 'sarif',
            'output': 'trivy-deployed.sarif',
            'exit-code': '1',
            'cache': 'true',
            'version': reusable.trivyVersion,
            'scanners': 'vuln',
            'severity': reusable.severities.join(','),
          },
        },
        codeScanningAvailable("!cancelled() && steps.deployed.outcome == 'success'"),
        {
          name: 'Upload the SARIF report',
          if: "!cancelled() && steps.available.outputs.available == 'true' && hashFiles('trivy-deployed.sarif') != ''",
          uses: uses('github/codeql-action/upload-sarif'),
          with: { sarif_file: 'trivy-deployed.sarif', category: 'trivy-deployed-${{ matrix.service }}' },
        },
      ],
    });
  }
}
