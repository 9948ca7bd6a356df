import { github, Project } from 'projen';
import { ActionPins } from './action-pins';
import { ContainerWorkflow, WorkflowSummary } from './container-workflow';
import * as step from './image-steps';
import { ImageStepsConfig } from './image-steps';
import { PublishScript } from './publish-script';
import { Registry, RegistryLogin, RegistryOptions } from './registry';
import { TrivyIgnore } from './trivy-ignore';
import { DEFAULT_TOOL_VERSIONS } from '../defaults/tool-versions';
import type { ImageTagScript, ResolvedTagPolicy } from '../image-tag-script';
import { check, integer, knownKeys, optionKeys } from '../validate';

const { JobPermission } = github.workflows;

/** Options of {@link ReusableBuildWorkflow}. */
export interface ReusableBuildWorkflowOptions {
  readonly pins: ActionPins;
  /** Where images are pushed and how the jobs log in: `Registry.ecr()`, `Registry.ghcr()`, `Registry.dockerHub()`, `Registry.custom({ host })`, or the plain-object form `{ kind: 'ghcr' }`. */
  readonly registry: Registry | RegistryOptions;
  /** The image tag script (its command is what the jobs run). */
  readonly tagScript: ImageTagScript;
  /** The script that tags images already in the registry. */
  readonly publishScript: PublishScript;
  /** The Trivy ignore file the scans read. */
  readonly trivyIgnore: TrivyIgnore;
  /** Runner label. @default 'ubuntu-24.04' */
  readonly runsOn?: string;
  /** Node.js version for the tag script. @default '24' */
  readonly nodeVersion?: string;
  /** Build time over which the job summary flags a service, in minutes. @default 5 */
  readonly buildBudgetMinutes?: number;
  /** The Trivy release CI installs. @default DEFAULT_TOOL_VERSIONS.trivy, the release this package is tested with */
  readonly trivyVersion?: string;
  /** The cosign release CI signs with. @default DEFAULT_TOOL_VERSIONS.cosign, the release this package is tested with */
  readonly cosignVersion?: string;
  /**
   * The image size script (DockerImages' `sizeScript`): pull requests compare each image with the
   * default branch's in the job summary. @default no comparison
   */
  readonly sizeScript?: { readonly command: string; readonly path: string };
  /** Trivy database repositories, tried in order (the default one rate-limits). @default public ECR, then GHCR */
  readonly trivyDbRepositories?: string[];
  /** Trivy Java database repositories. @default public ECR, then GHCR */
  readonly trivyJavaDbRepositories?: string[];
  /** Workflow file name, without `.yml`. @default 'reusable-build' */
  readonly name?: string;
}

/** Every option of {@link ReusableBuildWorkflowOptions}: any other key is an error. */
const OPTION_KEYS = optionKeys<ReusableBuildWorkflowOptions>({
  pins: true,
  registry: true,
  tagScript: true,
  publishScript: true,
  trivyIgnore: true,
  runsOn: true,
  nodeVersion: true,
  buildBudgetMinutes: true,
  trivyVersion: true,
  cosignVersion: true,
  sizeScript: true,
  trivyDbRepositories: true,
  trivyJavaDbRepositories: true,
  name: true,
});

/**
 * `.github/workflows/reusable-build.yml` (`on: workflow_call`), one service image:
 *
 * - `scan` (pull requests): build with BuildKit and the GitHub Actions layer cache, load, scan with
 *   Trivy (HIGH/CRITICAL vulnerabilities and any secret fail the job). No registry, no secrets.
 * - `publish` (every other event): "build once, promote". When the registry already holds an
 *   image of the same sources (any commit whose tree holds the same content at the service's
 *   paths), it is scanned again and tagged, never rebuilt; otherwise the image is built and pushed
 *   by digest, untagged, with its provenance and SBOM. Either way the scans read that digest from
 *   the registry, then it is signed and verified, and only then tagged (every immutable tag
 *   checked before any is applied). Moving tags only from the newest build of the service;
 *   `production-*` only in the production GitHub Environment.
 * - `sarif`: uploads both reports to code scanning, or says why it cannot.
 */
export class ReusableBuildWorkflow extends ContainerWorkflow {
  /** Where images are pushed. */
  public readonly registry: Registry;
  /** The tag policy of the tag script (its staging branch, or false: no staging). */
  public readonly tagPolicy: ResolvedTagPolicy;
  /** Build time over which a service is flagged, in minutes. */
  public readonly buildBudgetMinutes: number;
  /** Vulnerability severities that fail the build. */
  public readonly severities = ['HIGH', 'CRITICAL'];
  /** The Trivy ignore file the scans read. */
  public readonly trivyIgnoreFile: string;
  /** Trivy database repositories, in order. */
  public readonly trivyDbRepositories: string[];
  /** The Trivy release CI runs. */
  public readonly trivyVersion: string;
  /** The cosign release CI signs with. */
  public readonly cosignVersion: string;
  /** The identity of the signatures: this workflow's path (at the ref of the run). */
  public readonly workflowPath: string;
  /** What a caller must grant: the union of what the jobs ask for, each job only its own part. */
  public readonly callerPermissions: github.workflows.JobPermissions;
  /** The secrets a caller passes on, by name: the signing key's and the registry login's. */
  public readonly secretNames: string[];
  /** The registry login (its variables are part of the repository's set-up). */
  public readonly login: RegistryLogin;
  /** The script that tags and reads images in the registry, relative to the root. */
  public readonly publishScript: string;
  /** What the step builders read (the daily scan shares its Trivy settings). */
  public readonly stepsConfig: ImageStepsConfig;
  /** The permissions of each job, by job id (what the docs list). */
  public readonly jobPermissions: Readonly<Record<'scan' | 'publish' | 'sarif', github.workflows.JobPermissions>>;

  constructor(project: Project, options: ReusableBuildWorkflowOptions) {
    knownKeys('ReusableBuildWorkflow', 'options', options, OPTION_KEYS);
    super(project, { name: options.name ?? 'reusable-build', runsOn: options.runsOn });
    this.registry = Registry.of(options.registry);
    this.tagPolicy = options.tagScript.policy;
    this.buildBudgetMinutes = integer('ReusableBuildWorkflow', 'buildBudgetMinutes', options.buildBudgetMinutes ?? 5, 1, 360);
    const nodeVersion = options.nodeVersion ?? '24';
    check(/^\d+(\.\d+){0,2}$/.test(nodeVersion), 'ReusableBuildWorkflow', 'nodeVersion', nodeVersion, 'a Node.js version such as 24 or 24.11.1');
    for (const r of [...(options.trivyDbRepositories ?? []), ...(options.trivyJavaDbRepositories ?? [])]) {
      check(/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)+:[A-Za-z0-9._-]+$/.test(r), 'ReusableBuildWorkflow', 'trivyDbRepositories', r, 'an OCI reference with a tag, such as ghcr.io/aquasecurity/trivy-db:2');
    }
    this.trivyIgnoreFile = options.trivyIgnore.path;
    this.trivyDbRepositories = options.trivyDbRepositories ?? ['public.ecr.aws/aquasecurity/trivy-db:2', 'ghcr.io/aquasecurity/trivy-db:2'];
    this.trivyVersion = options.trivyVersion ?? DEFAULT_TOOL_VERSIONS.trivy;
    check(/^v\d+\.\d+\.\d+$/.test(this.trivyVersion), 'ReusableBuildWorkflow', 'trivyVersion', this.trivyVersion, 'a release such as v0.74.0');
    this.cosignVersion = options.cosignVersion ?? DEFAULT_TOOL_VERSIONS.cosign;
    check(/^v\d+\.\d+\.\d+$/.test(this.cosignVersion), 'ReusableBuildWorkflow', 'cosignVersion', this.cosignVersion, 'a release such as v3.1.3');
    this.workflowPath = this.path;
    this.login = this.registry.login((a) => options.pins.uses(a));
    this.publishScript = options.publishScript.path;
    this.callerPermissions = {
      contents: JobPermission.READ,
      actions: JobPermission.READ,
      securityEvents: JobPermission.WRITE,
      ...this.login.permissions,
      // Keyless signing: the publish job's OIDC token gets cosign its certificate, whatever the registry.
      idToken: JobPermission.WRITE,
    };
    const secrets: Record<string, github.workflows.WorkflowCallSecret> = {
      ...SECRETS,
      ...Object.fromEntries(Object.entries(this.registry.settings.secrets).map(([n, what]) => [n, { required: true, description: `The registry login: ${what}` }])),
    };
    this.secretNames = Object.keys(secrets);
    const c: ImageStepsConfig = {
      uses: (a) => options.pins.uses(a),
      nodeVersion,
      tagCommand: options.tagScript.command,
      publishScript: options.publishScript.path,
      trivyIgnoreFile: this.trivyIgnoreFile,
      trivyVersion: this.trivyVersion,
      cosignVersion: this.cosignVersion,
      workflowPath: this.workflowPath,
      sizeCommand: options.sizeScript?.command,
      trivyDbRepositories: this.trivyDbRepositories,
      trivyJavaDbRepositories: options.trivyJavaDbRepositories ?? ['public.ecr.aws/aquasecurity/trivy-java-db:1', 'ghcr.io/aquasecurity/trivy-java-db:1'],
      severities: this.severities,
      budgetSeconds: this.buildBudgetMinutes * 60,
    };
    this.stepsConfig = c;

    this.jobPermissions = {
      // The registry only to read the default branch's image for the size comparison.
      scan: c.sizeCommand ? this.login.readPermissions : { contents: JobPermission.READ },
      // id-token: write for keyless signing (and, on ECR, the AWS login), in this job only.
      publish: { ...this.login.permissions, idToken: JobPermission.WRITE },
      sarif: SARIF_PERMISSIONS,
    };
    this.workflow.on({ workflowCall: { inputs: inputs(this.tagPolicy.stagingBranch !== false), outputs: OUTPUTS } });
    // An override, written as given: projen writes the keys of `on` in snake case, so the secrets
    // would be declared `cosign_private_key` here while the callers pass `COSIGN_PRIVATE_KEY`.
    // (GitHub matches secret names in any case; the YAML reads them as the repository names them.)
    this.workflow.file?.addOverride('on.workflow_call.secrets', secrets);
  }

  protected renderJobs(): Record<string, github.workflows.Job> {
    const c = this.stepsConfig;
    const env = { SERVICE: '${{ inputs.service }}', LOCAL_REF: step.LOCAL_REF };
    return {
      scan: {
        name: 'build and scan ${{ inputs.service }}',
        if: '${{ !inputs.publish }}',
        runsOn: this.runsOn,
        timeoutMinutes: 30,
        permissions: this.jobPermissions.scan,
        env,
        steps: scanSteps(c, this.login),
      },
      publish: {
        name: 'publish ${{ inputs.service }}',
        if: '${{ inputs.publish }}',
        runsOn: this.runsOn,
        timeoutMinutes: 30,
        // Empty for a plain branch build: the job then runs in no environment.
        environment: '${{ inputs.environment }}',
        permissions: this.jobPermissions.publish,
        env,
        outputs: {
          digest: { stepId: 'image', outputName: 'digest' },
          tags: { stepId: 'guard', outputName: 'tags' },
        },
        steps: publishSteps(c, this.login),
      },
      sarif: sarifJob(c, this.runsOn),
    };
  }

  protected renderSummary(): WorkflowSummary {
    const callers = this.callers.map((w) => `\`${w.path}\``);
    return {
      when: callers.length ? `called by ${callers.join(', ')}` : 'called by other workflows (`workflow_call`)',
      what: 'pull requests: build and scan; otherwise: publish (reuse the registry\'s image of the same sources, or build it and push it by digest, untagged; '
        + 'scan that digest, sign and verify it, then tag it); upload SARIF',
    };
  }
}

/** The inputs; a project without staging deploys to production only. */
const inputs = (staging: boolean): Record<string, github.workflows.WorkflowCallInput> => ({
  service: { type: 'string', required: true, description: 'Service name (image title, cache scope, SARIF category)' },
  context: { type: 'string', required: true, description: 'Build context folder' },
  dockerfile: { type: 'string', required: true, description: 'Dockerfile path' },
  image: { type: 'string', required: true, description: 'Image repository, e.g. qualisys/api' },
  paths: { type: 'string', required: true, description: 'Pathspecs whose changes change the image, space-separated' },
  base: { type: 'string', required: false, description: 'The base image the Dockerfile builds on, for the size comparison' } as never,
  base_arg: { type: 'string', required: false, description: 'The build argument that names the base image (a mirror in IMAGE_BUILD_ARGS replaces the base for the size comparison)' } as never,
  publish: { type: 'boolean', required: false, description: 'Publish (never on pull requests): push the image by digest, untagged (unless the registry holds one of the same sources), scan that digest, sign and verify it, then tag it', default: false } as never,
  environment: { type: 'string', required: false, description: `GitHub Environment of a deploy (${staging ? 'staging or production' : 'production'}), or empty` } as never,
});

/** Optional secrets: a signing key for runners that cannot reach Sigstore (keyless signing needs none). */
const SECRETS: Record<string, github.workflows.WorkflowCallSecret> = {
  COSIGN_PRIVATE_KEY: { required: false, description: 'A cosign private key: sign with it instead of keyless (set the COSIGN_PUBLIC_KEY variable too)' },
  COSIGN_PASSWORD: { required: false, description: 'The password of COSIGN_PRIVATE_KEY' },
};

const OUTPUTS = {
  digest: { description: 'Digest of the published image', value: '${{ jobs.publish.outputs.digest }}' },
  tags: { description: 'Tags put on it (space-separated, without registry)', value: '${{ jobs.publish.outputs.tags }}' },
};

function scanSteps(c: ImageStepsConfig, login: RegistryLogin): github.workflows.JobStep[] {
  return [
    step.checkout(c, false),
    step.clock(),
    step.setupNode(c),
    step.tags(c),
    step.setupBuildx(c, false),
    step.buildAndLoad(c),
    step.buildTime(c),
    ...(c.sizeCommand ? [...step.readOnlyLogin(login), step.sizeAgainstDefaultBranch(c, login)] : []),
    step.scan(c, 'vuln', false),
    step.scan(c, 'secret', false),
    step.scanReports(),
    step.keepSarif(c),
  ];
}

function publishSteps(c: ImageStepsConfig, login: RegistryLogin): github.workflows.JobStep[] {
  return [
    step.checkout(c, true),
    step.clock(),
    step.setupNode(c),
    ...login.steps,
    step.tags(c, login.host),
    step.existingImage(c, login.host),
    step.setupBuildx(c, true),
    step.buildAndPushByDigest(c),
    step.buildTime(c, 'push'),
    step.imageToTag(),
    step.scan(c, 'vuln', true),
    step.scan(c, 'secret', true),
    step.scanReports(),
    step.keepSarif(c),
    step.installCosign(c),
    step.sign(c),
    step.verifySignature(c),
    step.movingTagGuard(),
    step.tagImage(c),
    step.publishSummary(),
  ];
}

/** The SARIF job's: code scanning, and the run's workflow (upload-sarif reads it in private repositories). */
const SARIF_PERMISSIONS: github.workflows.JobPermissions = {
  contents: JobPermission.READ,
  securityEvents: JobPermission.WRITE,
  actions: JobPermission.READ,
};

/**
 * Code scanning needs a token that may write security events: never a fork's or Dependabot's
 * pull request (their tables are in the job summary), and in a private repository only with
 * GitHub Advanced Security (Code Security); without it the job warns instead of failing.
 */
function sarifJob(c: ImageStepsConfig, runsOn: string[]): github.workflows.Job {
  const upload = (kind: string, category: string): github.workflows.JobStep => ({
    name: `Upload ${kind} SARIF`,
    if: `steps.available.outputs.available == 'true' && hashFiles('trivy-${kind}.sarif') != ''`,
    uses: c.uses('github/codeql-action/upload-sarif'),
    with: { sarif_file: `trivy-${kind}.sarif`, category },
  });
  return {
    name: 'code scanning: ${{ inputs.service }}',
    needs: ['scan', 'publish'],
    if: [
      "!cancelled() && (contains(fromJSON('[\"success\",\"failure\"]'), needs.scan.result) || contains(fromJSON('[\"success\",\"failure\"]'), needs.publish.result))",
      `(github.event_name != 'pull_request' || (${step.SAME_REPOSITORY_PR}))`,
    ].join(' && '),
    runsOn,
    timeoutMinutes: 10,
    permissions: SARIF_PERMISSIONS,
    steps: [
      {
        name: 'Fetch the SARIF reports',
        uses: c.uses('actions/download-artifact'),
        continueOnError: true,
        with: { name: 'sarif-${{ inputs.service }}' },
      },
      step.codeScanningAvailable(),
      upload('vuln', 'trivy-vulnerabilities-${{ inputs.service }}'),
      upload('secret', 'trivy-secrets-${{ inputs.service }}'),
    ],
  };
}
