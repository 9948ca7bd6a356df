import { Component, github, Project } from 'projen';
import { ActionPins } from './action-pins';
import { registryLogin, RegistryOptions } from './registry';

const { JobPermission } = github.workflows;

/** Options of {@link ReusableBuildWorkflow}. */
export interface ReusableBuildWorkflowOptions {
  readonly pins: ActionPins;
  readonly registry: RegistryOptions;
  /** Runner label. @default 'ubuntu-24.04' */
  readonly runsOn?: string;
  /** Node.js version for the tag script. @default '24' */
  readonly nodeVersion?: string;
  /** Build time over which the job summary flags a service, in minutes. @default 5 */
  readonly buildBudgetMinutes?: number;
  /** Trivy database repositories, tried in order (the default one rate-limits). */
  readonly trivyDbRepositories?: string[];
  /** Trivy Java database repositories. */
  readonly trivyJavaDbRepositories?: string[];
  /** The generated ignore file with dated exceptions. @default '.trivyignore.yaml' */
  readonly trivyIgnoreFile?: string;
  /** Workflow file name. @default 'reusable-build' */
  readonly name?: string;
}

/**
 * `.github/workflows/reusable-build.yml` (`on: workflow_call`): one service image built with
 * BuildKit and the GitHub Actions layer cache (one scope per service, mode=max), tagged and
 * labelled by the image tag script, loaded, scanned by Trivy (HIGH/CRITICAL vulnerabilities and
 * any secret fail the job), SARIF uploaded to code scanning, and pushed (with provenance and an
 * SBOM) only when both scans passed and the caller asks for it.
 */
export class ReusableBuildWorkflow extends Component {
  public readonly fileName: string;
  public readonly workflow: github.GithubWorkflow;
  /** Where images are pushed. */
  public readonly registry: RegistryOptions;
  /** Build time over which a service is flagged, in minutes. */
  public readonly buildBudgetMinutes: number;
  /** Vulnerability severities that fail the build. */
  public readonly severities = ['HIGH', 'CRITICAL'];
  /** The Trivy ignore file the scans read. */
  public readonly trivyIgnoreFile: string;
  /** Trivy database repositories, in order. */
  public readonly trivyDbRepositories: string[];
  /** What the push job needs (registry login); callers must grant it. */
  public readonly pushPermissions: github.workflows.JobPermissions;

  constructor(project: Project, options: ReusableBuildWorkflowOptions) {
    super(project);
    const gh = github.GitHub.of(project);
    if (!gh) throw new Error('ReusableBuildWorkflow needs GitHub enabled on the project (github: true).');
    const name = options.name ?? 'reusable-build';
    this.fileName = `${name}.yml`;
    const pins = options.pins;
    const uses = (a: string) => pins.uses(a);
    const runsOn = [options.runsOn ?? 'ubuntu-24.04'];
    this.registry = options.registry;
    this.buildBudgetMinutes = options.buildBudgetMinutes ?? 5;
    const budget = this.buildBudgetMinutes * 60;
    const ignoreFile = options.trivyIgnoreFile ?? '.trivyignore.yaml';
    this.trivyIgnoreFile = ignoreFile;
    this.trivyDbRepositories = options.trivyDbRepositories ?? ['public.ecr.aws/aquasecurity/trivy-db:2', 'ghcr.io/aquasecurity/trivy-db:2'];
    const trivyEnv = {
      TRIVY_DB_REPOSITORY: this.trivyDbRepositories.join(','),
      TRIVY_JAVA_DB_REPOSITORY: (options.trivyJavaDbRepositories ?? ['public.ecr.aws/aquasecurity/trivy-java-db:1', 'ghcr.io/aquasecurity/trivy-java-db:1']).join(','),
      TRIVY_IGNOREFILE: ignoreFile,
    };
    const login = registryLogin(options.registry, uses);
    this.pushPermissions = login.permissions;

    const wf = new github.GithubWorkflow(gh, name);
    this.workflow = wf;
    wf.on({
      workflowCall: {
        inputs: {
          service: { type: 'string', required: true, description: 'Service name (image title, cache scope, SARIF category)' },
          context: { type: 'string', required: true, description: 'Build context folder' },
          dockerfile: { type: 'string', required: true, description: 'Dockerfile path' },
          image: { type: 'string', required: true, description: 'Image repository, e.g. qualisys/api' },
          push: { type: 'boolean', required: false, description: 'Push after both scans passed', default: false } as never,
          environment: { type: 'string', required: false, description: 'Deployment target: staging, production or empty' } as never,
        },
        outputs: {
          digest: { description: 'Digest of the pushed image', value: '${{ jobs.push.outputs.digest }}' },
          tags: { description: 'Tags of the image (newline-separated, without registry)', value: '${{ jobs.build.outputs.tags }}' },
        },
      },
    });
    wf.file?.addOverride('permissions', { contents: 'read' });

    // Untrusted values reach scripts through env, never through ${{ }} inside run:.
    const tagEnv = {
      IMAGE: '${{ inputs.image }}',
      DEPLOY_ENVIRONMENT: '${{ inputs.environment }}',
      DEFAULT_BRANCH: '${{ github.event.repository.default_branch }}',
      TAG_SHA: '${{ github.event.pull_request.head.sha || github.sha }}',
    };
    const checkout: github.workflows.JobStep = { name: 'Checkout', uses: uses('actions/checkout'), with: { 'persist-credentials': false } };
    const setupNode: github.workflows.JobStep = { name: 'Node.js (for the tag script)', uses: uses('actions/setup-node'), with: { 'node-version': options.nodeVersion ?? '24', 'package-manager-cache': false } };
    // The same build inputs for the scanned build and the push (which reuses its layer cache).
    const buildInputs = {
      'context': '${{ inputs.context }}',
      'file': '${{ inputs.dockerfile }}',
      'labels': '${{ steps.tags.outputs.labels }}',
      'build-args': '${{ steps.tags.outputs.build-args }}',
    };
    const cache = {
      'cache-from': 'type=gha,scope=${{ inputs.service }}',
      'cache-to': 'type=gha,scope=${{ inputs.service }},mode=max',
    };
    const scan = (kind: 'vuln' | 'secret', extra: Record<string, string>): github.workflows.JobStep => ({
      name: kind === 'vuln' ? 'Trivy: HIGH and CRITICAL vulnerabilities fail the job' : 'Trivy: any secret fails the job',
      id: kind,
      if: kind === 'secret' ? "always() && steps.build.outcome == 'success'" : undefined,
      uses: uses('aquasecurity/trivy-action'),
      env: trivyEnv,
      with: {
        'image-ref': '${{ env.LOCAL_REF }}',
        'scan-type': 'image',
        'format': 'json',
        'output': `trivy-${kind}.json`,
        'exit-code': '1',
        'cache': 'true',
        ...extra,
      },
    });

    wf.addJob('build', {
      name: 'build and scan ${{ inputs.service }}',
      runsOn,
      timeoutMinutes: 30,
      permissions: { contents: JobPermission.READ },
      env: { LOCAL_REF: 'local/${{ inputs.service }}:scan', SERVICE: '${{ inputs.service }}' },
      outputs: {
        tags: { stepId: 'tags', outputName: 'tags' },
        epoch: { stepId: 'clock', outputName: 'epoch' },
      },
      steps: [
        checkout,
        { name: 'Build clock', id: 'clock', run: 'echo "epoch=$(date +%s)" >> "$GITHUB_OUTPUT"' },
        setupNode,
        {
          name: 'Tags and labels (scripts/image-tags.mjs, as local builds)',
          id: 'tags',
          env: { ...tagEnv, SOURCE_DATE_EPOCH: '${{ steps.clock.outputs.epoch }}' },
          run: 'node scripts/image-tags.mjs --image "$IMAGE" --format github-output\nnode scripts/image-tags.mjs --image "$IMAGE" --format tags | sed \'s/^/- /\' >> "$GITHUB_STEP_SUMMARY"',
        },
        { name: 'Set up Buildx', uses: uses('docker/setup-buildx-action') },
        {
          name: 'Build (BuildKit, GitHub Actions cache) and load for scanning',
          id: 'build',
          uses: uses('docker/build-push-action'),
          with: { ...buildInputs, load: true, push: false, tags: '${{ env.LOCAL_REF }}', ...cache },
        },
        {
          name: 'Build time',
          if: 'always()',
          env: { STARTED: '${{ steps.clock.outputs.epoch }}', BUDGET: String(budget), OUTCOME: '${{ steps.build.outcome }}' },
          run: [
            'seconds=$(( $(date +%s) - STARTED ))',
            'flag="within the $((BUDGET / 60))-minute budget"',
            'if [ "$seconds" -gt "$BUDGET" ]; then flag="OVER the $((BUDGET / 60))-minute budget"; echo "::warning title=Slow build::$SERVICE took ${seconds}s"; fi',
            '{ echo "### $SERVICE"; echo "| service | build | time | budget |"; echo "|---|---|---|---|"; echo "| $SERVICE | $OUTCOME | ${seconds}s | $flag |"; } >> "$GITHUB_STEP_SUMMARY"',
          ].join('\n'),
        },
        scan('vuln', { scanners: 'vuln', severity: this.severities.join(',') }),
        scan('secret', { 'scanners': 'secret', 'skip-setup-trivy': 'true' }),
        {
          name: 'Scan reports: SARIF for code scanning, tables for the job summary',
          if: "always() && steps.build.outcome == 'success'",
          run: [
            'for kind in vuln secret; do',
            '  [ -s "trivy-$kind.json" ] || continue',
            '  trivy convert --format sarif --output "trivy-$kind.sarif" "trivy-$kind.json"',
            '  { echo "#### Trivy $kind scan of $SERVICE"; echo \'```\'; trivy convert --format table "trivy-$kind.json"; echo \'```\'; } >> "$GITHUB_STEP_SUMMARY"',
            'done',
          ].join('\n'),
        },
        {
          name: 'Keep the SARIF reports for the upload job',
          if: 'always()',
          uses: uses('actions/upload-artifact'),
          with: { 'name': 'sarif-${{ inputs.service }}', 'path': 'trivy-*.sarif', 'if-no-files-found': 'ignore', 'retention-days': 7 },
        },
      ],
    });

    const sarifUpload = (kind: string, category: string): github.workflows.JobStep => ({
      name: `Upload ${kind} SARIF`,
      if: `always() && hashFiles('trivy-${kind}.sarif') != ''`,
      uses: uses('github/codeql-action/upload-sarif'),
      with: { sarif_file: `trivy-${kind}.sarif`, category },
    });
    wf.addJob('sarif', {
      name: 'code scanning: ${{ inputs.service }}',
      needs: ['build'],
      if: "always() && needs.build.result != 'skipped' && needs.build.result != 'cancelled'",
      runsOn,
      timeoutMinutes: 10,
      permissions: { contents: JobPermission.READ, securityEvents: JobPermission.WRITE, actions: JobPermission.READ },
      steps: [
        {
          name: 'Fetch the SARIF reports',
          uses: uses('actions/download-artifact'),
          continueOnError: true,
          with: { name: 'sarif-${{ inputs.service }}' },
        },
        sarifUpload('vuln', 'trivy-vulnerabilities-${{ inputs.service }}'),
        sarifUpload('secret', 'trivy-secrets-${{ inputs.service }}'),
      ],
    });

    wf.addJob('push', {
      name: 'push ${{ inputs.service }}',
      needs: ['build'],
      if: "inputs.push && github.event_name != 'pull_request' && needs.build.result == 'success'",
      runsOn,
      timeoutMinutes: 20,
      permissions: login.permissions,
      outputs: { digest: { stepId: 'push', outputName: 'digest' } },
      steps: [
        checkout,
        setupNode,
        ...login.steps,
        {
          name: 'Tags with the registry (same clock as the scanned build)',
          id: 'tags',
          env: { ...tagEnv, REGISTRY: login.host, SOURCE_DATE_EPOCH: '${{ needs.build.outputs.epoch }}' },
          run: 'node scripts/image-tags.mjs --image "$IMAGE" --registry "$REGISTRY" --format github-output',
        },
        { name: 'Set up Buildx', uses: uses('docker/setup-buildx-action') },
        {
          name: 'Push (layers from the cache of the scanned build; provenance and SBOM attached)',
          id: 'push',
          uses: uses('docker/build-push-action'),
          with: {
            ...buildInputs,
            'push': true,
            'tags': '${{ steps.tags.outputs.tags }}',
            'provenance': 'mode=max',
            'sbom': true,
            'cache-from': cache['cache-from'],
          },
        },
        {
          name: 'Summary',
          env: { DIGEST: '${{ steps.push.outputs.digest }}', TAGS: '${{ steps.tags.outputs.tags }}' },
          run: '{ echo "#### Pushed $SERVICE"; echo "digest: \\`$DIGEST\\`"; echo "$TAGS" | sed \'s/^/- /\'; } >> "$GITHUB_STEP_SUMMARY"',
        },
      ],
    });
    // `SERVICE` for the push job's summary.
    wf.file?.addOverride('jobs.push.env', { SERVICE: '${{ inputs.service }}' });
  }
}
