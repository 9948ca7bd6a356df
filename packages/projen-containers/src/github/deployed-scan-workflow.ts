import { github, Project } from 'projen';
import { ActionPins } from './action-pins';
import { ContainerWorkflow, WorkflowSummary } from './container-workflow';
import { codeScanningAvailable, trivyEnv } from './image-steps';
import { QUALIFY_SHELL } from './registry';
import { ReusableBuildWorkflow } from './reusable-build-workflow';
import { isValidTag } from '../image-tags/docker-reference';
import type { ImageManifestEntry } from '../lib/images-manifest';
import { check, cron, identifier, knownKeys, optionKeys } from '../validate';

const { JobPermission } = github.workflows;

/** Options of {@link DeployedScanWorkflow}. */
export interface DeployedScanWorkflowOptions {
  readonly pins: ActionPins;
  /** The build workflow: its registry login, Trivy release, databases and ignore file. */
  readonly reusable: ReusableBuildWorkflow;
  /** The images to scan (from DockerImages), read at synth. */
  readonly images: () => ImageManifestEntry[];
  /**
   * What runs where: each deployment's name and the prefix of the tags its deploys put on the
   * images. The newest tag of each prefix (by version order) is the image scanned.
   * @default staging (`staging-`, staging-YYYYMMDD; only when the tag policy has a staging branch) and production (`production-v`, production-vX.Y.Z)
   */
  readonly deployments?: Record<string, string>;
  /** When (cron, UTC). @default '0 6 * * *' (every day at 06:00) */
  readonly schedule?: string;
  /** Runner label. @default 'ubuntu-24.04' */
  readonly runsOn?: string;
  /** Workflow file name, without `.yml`. @default 'scan-deployed' */
  readonly name?: string;
}

/** Every day at 06:00 UTC. */
const DEFAULT_SCHEDULE = '0 6 * * *';

/** Every option of {@link DeployedScanWorkflowOptions}: any other key is an error. */
const OPTION_KEYS = optionKeys<DeployedScanWorkflowOptions>({
  pins: true, reusable: true, images: true, deployments: true, schedule: true, runsOn: true, name: true,
});

/**
 * `.github/workflows/scan-deployed.yml`: every day, Trivy scans the images that run in each
 * deployment (the newest `staging-*` and `production-v*` tags) for the vulnerabilities disclosed
 * since they were built. A HIGH or
 * CRITICAL finding fails the run (GitHub notifies on a failed scheduled run) and lands in the
 * Security tab under its own category; an image that cannot be read fails it too, so a broken
 * login never passes for a clean scan.
 */
export class DeployedScanWorkflow extends ContainerWorkflow {
  /** Each deployment and the prefix of its tags. */
  public readonly deployments: Readonly<Record<string, string>>;
  /** When it runs (cron, UTC). */
  public readonly schedule: string;
  /** The permissions of its one job: the registry's read access, and code scanning. */
  public readonly permissions: github.workflows.JobPermissions;
  private readonly options: DeployedScanWorkflowOptions;

  constructor(project: Project, options: DeployedScanWorkflowOptions) {
    knownKeys('DeployedScanWorkflow', 'options', options, OPTION_KEYS);
    super(project, { name: options.name ?? 'scan-deployed', runsOn: options.runsOn });
    this.deployments = options.deployments ?? {
      ...(options.reusable.tagPolicy.stagingBranch === false ? {} : { staging: 'staging-' }),
      production: 'production-v',
    };
    check(Object.keys(this.deployments).length > 0, 'DeployedScanWorkflow', 'deployments', this.deployments, 'at least one deployment');
    for (const [deployment, prefix] of Object.entries(this.deployments)) {
      identifier('DeployedScanWorkflow', 'deployments', deployment);
      check(isValidTag(prefix), 'DeployedScanWorkflow', `deployments.${deployment}`, prefix, 'a Docker tag prefix (letters, digits, "_", "." and "-")');
    }
    this.schedule = cron('DeployedScanWorkflow', 'schedule', options.schedule ?? DEFAULT_SCHEDULE);
    this.options = options;
    // actions: read: upload-sarif reads the run's workflow in private repositories.
    this.permissions = { ...options.reusable.login.readPermissions, securityEvents: JobPermission.WRITE, actions: JobPermission.READ };
    this.workflow.on({ schedule: [{ cron: this.schedule }], workflowDispatch: {} });
  }

  protected renderSummary(): WorkflowSummary {
    const deployed = Object.entries(this.deployments).map(([d, p]) => `${d} (the newest \`${p}*\` tag)`).join(' and ');
    return {
      when: `${this.schedule === DEFAULT_SCHEDULE ? 'daily' : 'on a schedule'} (\`${this.schedule}\`, UTC), or by hand`,
      what: `scans the images deployed to ${deployed} for vulnerabilities found since they were built; `
        + `a ${this.options.reusable.severities.join(' or ')} finding fails the run, and the report goes to the Security tab`,
    };
  }

  /** Rendered at synth, so services added after this component are scanned too. */
  protected renderJobs(): Record<string, github.workflows.Job> {
    const { pins, reusable } = this.options;
    const uses = (a: string) => pins.uses(a);
    const images = this.options.images();
    // `$REGISTRY/$IMAGE`, or, where the registry carries a namespace, the tag script's rule (never doubled).
    const repository = reusable.login.namespaced ? '$repository' : '$REGISTRY/$IMAGE';
    const scan: github.workflows.Job = {
      name: 'scan ${{ matrix.service }} as deployed to ${{ matrix.deployment }}',
      runsOn: this.runsOn,
      timeoutMinutes: 20,
      permissions: this.permissions,
      strategy: {
        failFast: false,
        matrix: {
          include: images.flatMap((i) => Object.entries(this.deployments)
            .map(([deployment, prefix]) => ({ service: i.service, image: i.image, deployment, prefix }))),
        } as never,
      },
      steps: [
        { name: 'Checkout (the ignore file)', uses: uses('actions/checkout'), with: { 'persist-credentials': false } },
        ...reusable.login.steps,
        {
          name: 'The deployed image (the newest deploy tag), by digest',
          id: 'deployed',
          env: { REGISTRY: reusable.login.host, IMAGE: '${{ matrix.image }}', PREFIX: '${{ matrix.prefix }}', DEPLOYMENT: '${{ matrix.deployment }}' },
          run: [
            ...(reusable.login.namespaced ? [QUALIFY_SHELL] : []),
            'rc=0',
            `tag=$(bash ${reusable.publishScript} newest-tag "${repository}" "$PREFIX") || rc=$?`,
            'case "$rc" in',
            '  0) ;;',
            `  1) echo "::notice title=Nothing deployed::${repository} has no $PREFIX* tag: nothing was deployed to $DEPLOYMENT yet."; echo "ref=" >> "$GITHUB_OUTPUT"; exit 0 ;;`,
            `  *) echo "::error title=No deployed image::the tags of ${repository} cannot be read (exit $rc): nothing was scanned."; exit 1 ;;`,
            'esac',
            `ref="${repository}:$tag"`,
            'rc=0',
            `digest=$(bash ${reusable.publishScript} digest "$ref") || rc=$?`,
            'if [ "$rc" -ne 0 ]; then echo "::error title=No deployed image::$ref cannot be read (exit $rc): nothing was scanned."; exit 1; fi',
            'echo "ref=${ref%:*}@$digest" >> "$GITHUB_OUTPUT"',
            'echo "Scanning $ref ($digest), deployed to $DEPLOYMENT" >> "$GITHUB_STEP_SUMMARY"',
          ].join('\n'),
        },
        {
          name: `Trivy: ${reusable.severities.join(' and ')} vulnerabilities fail the run`,
          id: 'vuln',
          if: "steps.deployed.outputs.ref != ''",
          uses: uses('aquasecurity/trivy-action'),
          env: trivyEnv(reusable.stepsConfig, true),
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
            // Without it trivy-action drops the severity filter for SARIF, and any LOW finding fails the run.
            'limit-severities-for-sarif': 'true',
          },
        },
        codeScanningAvailable("!cancelled() && steps.deployed.outputs.ref != ''"),
        {
          name: 'Upload the SARIF report',
          if: "!cancelled() && steps.available.outputs.available == 'true' && hashFiles('trivy-deployed.sarif') != ''",
          uses: uses('github/codeql-action/upload-sarif'),
          with: { sarif_file: 'trivy-deployed.sarif', category: 'trivy-deployed-${{ matrix.service }}-${{ matrix.deployment }}' },
        },
      ],
    };
    return { scan };
  }
}
