import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Component, javascript, Project } from 'projen';
import { checkDocsFacts, DOCS_FACT_KEYS, DocsContext, docsContext, DocsFacts, docLink, registerDoc, seeAlso, taskPhrase } from './docs-facts';
import { MarkdownFile } from './markdown-file';
import { pushAndSignFacts, pushAndSignSection, pushTroubleshootingRows } from './registry-section';
import { EXAMPLE_SHA, EXAMPLE_TIME, tagExampleRows } from './tag-examples';
import type { DockerBenchmark } from '../docker/docker-benchmark';
import { explainRunFlag } from '../docker/kinds/run-flags';
import { ActionPins } from '../github/action-pins';
import { ContainerWorkflow } from '../github/container-workflow';
import { SIGNER_ISSUER } from '../github/image-steps';
import { appPermissionsText } from '../github/pin-workflows';
import { MOVING_RULES } from '../image-tags/policy';
import type { ImageManifestEntry } from '../lib/images-manifest';
import { table } from '../lib/markdown';
import { FAKED_ACTIONS } from '../twin/run-event';
import { knownKeys, optionKeys, repoPath } from '../validate';

export type { DocsFacts, DocsRepositoryScripts } from './docs-facts';

/** Options of {@link BuildGuide}. */
export interface BuildGuideOptions extends DocsFacts {
  /** Where the guide is written. @default 'docs/docker-build-guide.md' */
  readonly path?: string;
}

const mb = (bytes: number) => (bytes >= 1e9 ? `${bytes / 1e9} GB` : `${bytes / 1e6} MB`);

/** Every option of {@link BuildGuideOptions}: its own and the docs' facts; any other key is an error. */
const OPTION_KEYS = [...optionKeys<Omit<BuildGuideOptions, keyof DocsFacts>>({ path: true }), ...DOCS_FACT_KEYS];

/**
 * `docs/docker-build-guide.md`: services, local builds, CI, tags, the test-runner image (when
 * there is one) and troubleshooting, with every fact (product, bases, pins, ports, budgets, tags,
 * branches, files, tasks, workflows) rendered from the components in the project's projenrc, and
 * no section about something the project does not have.
 */
export class BuildGuide extends Component {
  public readonly file: MarkdownFile;
  private readonly facts: DocsFacts;

  constructor(project: Project, options: BuildGuideOptions) {
    super(project);
    knownKeys('BuildGuide', 'options', options, OPTION_KEYS);
    this.facts = options;
    const file = repoPath('BuildGuide', 'path', options.path ?? 'docs/docker-build-guide.md');
    registerDoc(project, 'build-guide', file);
    this.file = new MarkdownFile(project, file, () => render(docsContext(project, options), file));
  }

  /** Checks the facts before any file is written. */
  public preSynthesize(): void {
    checkDocsFacts('BuildGuide', this.project, this.facts);
  }
}

function benchmarkSection(c: DocsContext, bench: DockerBenchmark): string[] {
  const m = bench.manifest();
  const t = m.targets;
  const targets = [
    ...Object.entries(t.coldBuildSeconds ?? {}).map(([s, v]) => `${s}: cold build under ${v} s`),
    ...(t.sourceRebuildFraction !== undefined ? [`every service: a source-only rebuild under ${Math.round(t.sourceRebuildFraction * 100)}% of its cold build`] : []),
    ...Object.entries(t.aboveBaseAtMostOf ?? {}).map(([s, r]) => `${s}: layers above the base no larger than ${r}'s`),
  ];
  return [
    '### Build benchmark',
    '',
    `\`npx projen bench:docker\` measures our images against reference Dockerfiles written for the comparison, on the same engine, the same base images and the same source tree. For each service and each variant, every run empties the engine's build cache (layers and cache mounts) and makes a cold build, appends a comment to a source file and rebuilds, then adds \`${m.dependencyChange}\` to \`package.json\` and the lockfile and rebuilds. It records the three build times, the build context BuildKit received, the image size and the size of the layers above the base${Object.keys(m.load.paths).length ? `, and for each server (${Object.entries(m.load.paths).map(([s, p]) => `${s} on \`${p}\``).join(', ')}) the requests per second and the p99 latency under ${m.load.connections} keep-alive connections for ${m.load.seconds} s` : ''}. The variants take turns step by step within each run (the order reverses every other run), so the figures compared are measured seconds apart under the same load of the machine. The report gives, over ${m.runs} runs, the median, the best run and the spread of each figure, and the ratios ours / reference; a ratio within the spread is marked as noise. It is a markdown table on the console and in \`test-reports/bench-docker.md\`, and JSON in \`test-reports/bench-docker.json\`.`,
    '',
    table(['service', 'references', 'files'], m.services.map((s) => [
      s.service,
      s.references.map((r) => `${r.name}: ${r.description}`).join('; ') || '-',
      s.references.map((r) => [r.dockerfile, r.dockerignore].filter(Boolean).map((x) => `\`${x}\``).join(', ')).join(', ') || '-',
    ])),
    '',
    ...(targets.length ? [`Targets, reported as met or missed and never enforced (size budgets are \`build:docker\`'s): ${targets.join('; ')}.`, ''] : []),
    '```bash',
    'npx projen bench:docker                                # every service, every reference',
    `npx projen bench:docker -- --runs 1 ${m.services[0]?.service ?? c.images[0]?.service ?? '<service>'}                 # one quick run of one service`,
    'npx projen bench:docker -- --json b.json --markdown b.md',
    '```',
    '',
    `It empties the engine's build cache: run it when nothing else builds on that engine. The references are generated like every Dockerfile here, each with its own ignore file beside it (\`<name>.Dockerfile.dockerignore\`, which BuildKit takes instead of the context's \`.dockerignore\`), so ${(() => { const s = m.services.find((x) => x.references.length); return s ? `\`docker build -f ${s.references[0].dockerfile} ${s.service}\`` : 'a plain `docker build -f`'; })()} builds one exactly as the benchmark does; \`DockerBenchmark.addReference()\` adds one.`,
    '',
  ];
}

/** The project's workflows ({@link ContainerWorkflow.of}), in the order declared, each followed by the workflows it calls. */
function workflowsInCallOrder(project: Project): ContainerWorkflow[] {
  const all = ContainerWorkflow.of(project);
  const listed = new Set<ContainerWorkflow>();
  const visit = (w: ContainerWorkflow): ContainerWorkflow[] => {
    if (listed.has(w)) return [];
    listed.add(w);
    return [w, ...w.calls.flatMap(visit)];
  };
  // A called workflow comes right after its caller; one that only workflows of a cycle call comes in its own place.
  return [...all.filter((w) => w.callers.length === 0), ...all].flatMap(visit);
}

/** Tag patterns a registry with tag immutability must leave mutable (the tags of the moving rules; no `staging-*` without staging). */
function movingTagPatterns(c: DocsContext): string[] {
  const patterns: Record<string, string> = { 'latest': 'latest', 'staging': 'staging-*', 'pull-request': 'pr-*' };
  return MOVING_RULES.filter((r) => r !== 'staging' || c.stagingBranch).map((r) => patterns[r] ?? r);
}

function ciSection(c: DocsContext): string[] {
  const f = c.facts;
  const staging = c.stagingBranch;
  const r = f.reusable;
  const ci = f.ci;
  const moving = movingTagPatterns(c);
  const repositories = c.images.map((i) => `\`${i.image}\``).join(', ');
  const registryKind: string = r.registry.kind;
  const variables = Object.entries(r.registry.settings.variables);
  const secrets = Object.entries(r.registry.settings.secrets);
  const [role, region] = variables.map(([name]) => name);
  const pins = c.project.components.find((x): x is ActionPins => x instanceof ActionPins);
  // The project's lock file when it has one; else the pins the package ships.
  const lockFile = pins && existsSync(path.join(c.project.outdir, pins.lockFile)) ? pins.lockFile : undefined;
  const environments = [...(staging ? ['staging'] : []), 'production'];
  return [
    '## How CI builds, caches, scans and pushes',
    '',
    table(['workflow', 'when', 'what'], [
      // Each workflow says when it runs and what it does; projen's own build workflow is not one of them.
      ...workflowsInCallOrder(c.project).map((w) => [`\`${w.path}\``, w.summary.when, w.summary.what]),
      ...(f.buildWorkflowFile ? [[`\`${f.buildWorkflowFile}\``, 'pull requests', '`npx projen build` (every test but the image tests) and a check that no generated file differs from what `' + c.projenrc + '` produces']] : []),
    ]),
    '',
    '### Which images a run builds',
    '',
    `The first job, \`changes\`, decides with plain git on a full clone (no API, no credentials on disk), from each service's folder plus the files every image depends on${ci ? ` (${ci.shared.map((p) => `\`${p}\``).join(', ')})` : ''}:`,
    '',
    '- a pull request: what its merge commit changes against the base it merges into;',
    `- a push to \`${c.defaultBranch}\`: what that push changed (\`before..after\`). Each push runs in its own concurrency group, so no run is dropped from the queue and every commit is covered by the run of its own push; a new branch or rewritten history builds every image;`,
    `- ${staging ? `a push to \`${staging}\`, ` : ''}a release tag, a dispatch: every image, because a deploy tags all of them.`,
    '',
    'A newer push to the same pull request cancels the older run. The summary job needs every image job and runs whatever happened to them (`always()`): it fails when one failed or was cancelled and passes when the others passed or had nothing to do. **Require that one check** in branch protection: a check of a reusable workflow whose caller is skipped never reports, so requiring one would block every pull request that does not touch that service.',
    '',
    '### Pull requests: build and scan',
    '',
    `1. **Build**: \`docker/setup-buildx-action\` and \`docker/build-push-action\` with BuildKit and the GitHub Actions layer cache (\`type=gha\`, \`scope=<service>\`, \`mode=max\`, \`ignore-error=true\`: a full or failing cache never stops the build), tags and labels from \`${f.tags.path}\` (the same logic as local builds). The image is loaded into the runner's engine, never pushed. The job summary shows the build time and flags any build over ${r.buildBudgetMinutes} minutes.`,
    `2. **Scan**: Trivy ${r.trivyVersion}${c.scripts.installTools ? ` (pinned in \`${c.scripts.installTools}\`, which installs the same release locally)` : ''} scans the loaded image for ${r.severities.join(' and ')} vulnerabilities and for secrets; either finding fails the job (\`exit-code: 1\`). Accepted findings live in \`${r.trivyIgnoreFile}\`, generated from \`${c.projenrc}\`, each with a statement and an expiry date. Trivy's database is cached between runs and fetched from ${r.trivyDbRepositories.map((x) => `\`${x}\``).join(', then ')}. Both reports appear as tables in the job summary.`,
    ...(f.images.sizeScript ? [`3. **Size**: \`${f.images.sizeScript.path}\` compares the image with the default branch's (\`<registry>/<image>:latest\`, pulled by tag): size, layers and bytes above the base, the difference, and a warning over ${f.images.sizeDeltaWarning}, in the job summary; \`npx projen build:docker\` shows the same columns locally, from the same code. A pull request from a fork or from Dependabot cannot read the registry: it shows the sizes alone and says why.`] : []),
    '4. **SARIF**: a separate job with `security-events: write` uploads each report to code scanning (Security tab) under its own category, `trivy-vulnerabilities-<service>` and `trivy-secrets-<service>`, even when a scan failed. Pull requests from forks and from Dependabot get a read-only token, so their reports stay in the job summary.',
    '',
    '### Everything else: build once, promote, publish by digest',
    '',
    'The publish job gives every set of sources exactly one image per service, whatever commit carries them: merge commits, squash merges, rebases and pushes of several commits all keep the content and change only the commit. It looks in the registry first for an image of the same sources: the newest commit, on any branch or tag, whose tree holds exactly what this commit holds at the service\'s paths, and that commit\'s SHA tag:',
    '',
    `- **found** (a deploy of commits already built on the default branch, a release tag, a re-run): that digest is scanned again for anything disclosed since, then signed and tagged. It is never rebuilt, so what ${staging ? 'staging and production run' : 'production runs'} is the image the default branch built and scanned.`,
    `- **not found**: BuildKit builds the image and pushes it by digest, with no tag (provenance \`mode=max\` and an SBOM attached: the pushed digest is an OCI index). Nothing can pull it by name yet. The scans then read that very digest from the registry, so the image scanned is the image published; one that fails a scan stays an untagged digest, which ${registryKind === 'ecr' ? 'an ECR lifecycle rule on untagged images expires' : 'nothing removes by itself on this registry: delete untagged versions on a schedule (on GHCR, for example with actions/delete-package-versions)'}.`,
    '',
    `Then the digest is signed and the signature verified, and only then does \`${r.publishScript}\` put every tag of the [tagging strategy](#tagging-strategy) on it with skopeo: nothing is ever tagged unsigned. Every tag is read before any is applied: a tag already on that digest is left as it is (a re-run changes nothing), and a tag already on another digest stops the job before any tag moves, except the moving ones (${moving.map((m) => `\`${m}\``).join(', ')}). A moving tag is only moved by the newest build of the service on its branch: before tagging, the job asks GitHub's compare API what the branch gained since its commit, and leaves the moving tags to a later run when a later commit changed the service. So \`latest\` never goes back to an older commit, whatever order two overlapping runs finish in.`,
    '',
    staging
      ? `Deploys run in GitHub Environments: a push to \`${staging}\` or a dispatch with \`staging\` in \`staging\`, a release tag \`vX.Y.Z\` (not a pre-release) or a dispatch with \`production\` in \`production\`, so each can require an approval. A dispatch with \`production\` on anything but a release tag stops at the tag step. A \`production-*\` tag is applied only by a job that ran in the \`production\` environment, whatever a dispatch asked: a dispatch on a release tag with \`none\` or \`staging\` promotes the image without it.`
      : 'Deploys run in the GitHub Environment `production`: a release tag `vX.Y.Z` (not a pre-release) or a dispatch with `production` runs there, so it can require an approval. A dispatch with `production` on anything but a release tag stops at the tag step. A `production-*` tag is applied only by a job that ran in the `production` environment, whatever a dispatch asked: a dispatch on a release tag with `none` promotes the image without it.',
    '',
    `Every third-party action is pinned by full commit SHA, with its version in a comment, ${lockFile ? `from \`${lockFile}\`` : 'from the pins projen-containers ships (a `github-actions.lock.json` of the project would take precedence)'}. Workflows grant nothing at the top level but \`contents: read\`; each job asks only for what it uses: the scan job reads, the publish job adds \`id-token: write\` (${registryKind === 'ecr' ? 'the AWS login through OIDC, and cosign\'s keyless signing' : 'cosign\'s keyless signing'}), the SARIF job \`security-events: write\`.`,
    '',
    '### Signatures of published images: verify before you deploy',
    '',
    `Every digest the publish job tags is signed by cosign without a key: the job's OIDC token gets a short-lived certificate whose identity is this repository's \`${r.workflowPath}\` at the ref that ran it, and the signature goes to the registry beside the image. The job verifies it right away, as a deploy should (cosign ${r.cosignVersion} or later; pin the digest, not a tag):`,
    '',
    '```bash',
    `cosign verify <registry>/${c.images[0]?.image ?? '<image>'}@sha256:<digest> \\`,
    `  --certificate-identity "https://github.com/<owner>/<repository>/${r.workflowPath}@refs/heads/${c.defaultBranch}" \\`,
    `  --certificate-oidc-issuer ${SIGNER_ISSUER}`,
    '```',
    '',
    `For a release, the identity ends in \`@refs/tags/vX.Y.Z\`${staging ? `; for a staging deploy, \`@refs/heads/${staging}\`` : ''}. A digest signed by anything else (another repository, a fork, another workflow, a laptop) fails. BuildKit's provenance (\`mode=max\`) and SBOM stay attached to the pushed image: \`docker buildx imagetools inspect <ref> --format '{{ json .SBOM }}'\` prints the SBOM.`,
    '',
    '### What a repository needs',
    '',
    table(['what', 'where', 'without it'], [
      ...(r.registry.kind === 'ecr' ? [
        [`an IAM role that trusts GitHub's OIDC provider for this repository and may push to the ECR repositories, in variable \`${role}\`; its region in \`${region}\``, 'Settings → Secrets and variables → Actions → Variables', 'the publish jobs fail at "AWS credentials"; pull requests are unaffected'],
        [`the role's trust policy (audience \`sts.amazonaws.com\`) allows the subjects of every job that pushes: \`repo:<owner>/<repository>:ref:refs/heads/${c.defaultBranch}\` (the default branch), ${environments.map((e) => `\`repo:<owner>/<repository>:environment:${e}\``).join(' and ')} (a job in an environment gets that subject, not its ref's), \`repo:<owner>/<repository>:ref:refs/tags/v*\` (pre-release tags, which run in no environment) and, to read only, \`repo:<owner>/<repository>:ref:refs/heads/*\` for the daily scan's default-branch run`, 'AWS IAM', 'the job whose subject is missing fails at "AWS credentials" with "Not authorized to perform sts:AssumeRoleWithWebIdentity"'],
        ['(optional) the role\'s trust policy also allows this repository\'s pull requests (subject `repo:<owner>/<repository>:pull_request`) to pull images', 'AWS IAM', 'pull requests show image sizes without the default branch\'s for comparison, and say so'],
        [`one ECR repository per image (${repositories}), tag immutability \`IMMUTABLE_WITH_EXCLUSION\` with the exclusion filters ${[...moving, 'sha256-*'].map((m) => `\`${m}\``).join(', ')}, and a lifecycle rule that expires untagged images after a few days`, 'Amazon ECR', 'with plain `IMMUTABLE`, ECR refuses to move ' + moving.filter((m) => m !== 'pr-*').map((m) => `\`${m}\``).join(' and ') + ', and cosign\'s signature tags (`sha256-<digest>.sig`, written where a registry has no referrers API) cannot be rewritten when a digest is signed again; with `MUTABLE`, nothing protects the other tags but this workflow'],
      ] : registryKind === 'ghcr' ? [
        ['`packages: write` for the workflow token', 'granted by the workflow', '-'],
      ] : [
        [[...variables.map(([n, what]) => `variable \`${n}\`: ${what}`), ...secrets.map(([n, what]) => `secret \`${n}\`: ${what}`)].join('; ') || `the credentials the login step of \`${r.fileName}\` uses`, 'Settings → Secrets and variables → Actions', 'the publish jobs fail at the registry login; pull requests are unaffected'],
      ]),
      [`${environments.length > 1 ? 'environments' : 'the environment'} ${environments.map((e) => `\`${e}\``).join(' and ')}, with the reviewers who approve a deploy`, 'Settings → Environments', `GitHub creates ${environments.length > 1 ? 'them' : 'it'} on first use with no protection rule: deploys run unapproved`],
      [`branch protection on \`${c.defaultBranch}\` requiring the \`${ci?.summaryJobName ?? 'images'}\`${f.buildWorkflowFile ? ' and `build` checks' : ' check'}`, 'Settings → Branches', 'a red image build can be merged'],
      ...(f.pinWorkflows ? [[`a GitHub App (${appPermissionsText(f.pinWorkflows.appPermissions)}: read and write) installed on the repository; its client ID in variable \`${f.pinWorkflows.appClientIdVariable}\`, its private key in secret \`${f.pinWorkflows.appPrivateKeySecret}\`, as an Actions secret and as a Dependabot secret`, 'Settings → Secrets and variables → Actions, and → Dependabot', 'the weekly base-image update and the Dependabot sync fail at their first step with an error saying what to set: their pull requests would otherwise get no CI (a push with the workflow token starts no workflow)']] : []),
      ['code scanning: public repositories have it; private and internal ones need GitHub Advanced Security (Code Security)', 'Settings → Code security', 'the SARIF jobs warn "Code scanning unavailable" instead of uploading; the scans still fail the build and their tables are in the job summary'],
    ]),
    '',
  ];
}

/** The local twin: how the workflows run on a machine without GitHub, and what it cannot show. */
function twinSection(c: DocsContext): string[] {
  if (!c.ciLocalTask) return [];
  return [
    '### Run the workflows locally: the twin',
    '',
    '`npx projen ' + c.ciLocalTask + ' -- --repo DIR --event push|pull_request|workflow_dispatch|schedule --ref REF [--before SHA] [--pr N] [--input key=value] [--workflow FILE] [--registry HOST:PORT]` runs one GitHub event on a clone of this repository with the generated workflows, unchanged, and prints each job\'s result and what the registry then holds. What runs for real:',
    '',
    '- [act](https://github.com/nektos/act) (self-hosted mode) runs the jobs, conditions, `needs`, outputs and the local reusable workflow;',
    '- every pinned action\'s own code at its pinned commit (`TWIN_ACTIONS_DIR` holds `<owner>/<repo>@<sha>/` folders; act maps each `uses:` there);',
    '- actions/checkout fetches from a local smart-HTTP git server holding the repository, with GitHub\'s `refs/pull/N/merge` for a pull request;',
    '- docker/setup-buildx-action and docker/build-push-action build on a local BuildKit daemon with provenance and SBOM attestations and push to a local registry (Debian\'s docker-registry);',
    '- Trivy gates for real: the secret scanner as on GitHub, and the vulnerability scanner against a small database built from `tools/twin/trivy-db/fixtures/` and served from the local registry (`twin/trivy-db:2` holds a MEDIUM finding that must pass, `twin/trivy-db:high` adds a HIGH one that must fail);',
    '- skopeo (`scripts/publish-image.sh`) and cosign sign, verify and tag in that registry.',
    '',
    'The workflows reach these through repository variables whose defaults are what GitHub\'s runners use, and which are real options for self-hosted runners too:',
    '',
    table(['variable or secret', 'on GitHub (unset)', 'set'], [
      ['`BUILDKIT_ENDPOINT`', 'a BuildKit container (`docker-container`)', 'a BuildKit daemon that already runs (`remote`, `tcp://` or `unix://`)'],
      ['`IMAGE_BUILD_ARGS`', 'nothing', 'extra build arguments, one `NAME=VALUE` a line: base images from a mirror'],
      ['`TRIVY_DB_REPOSITORY`, `TRIVY_JAVA_DB_REPOSITORY`', 'the public databases', 'a mirror of them'],
      ['secret `COSIGN_PRIVATE_KEY` (+ `COSIGN_PASSWORD`), variable `COSIGN_PUBLIC_KEY`', 'keyless signing with the job\'s OIDC identity (Sigstore)', 'signing with that key, no transparency log, verified with the public key'],
      ['`BASE_IMAGES_REGISTRY_URL`', 'the official registries', 'a registry mirror the weekly base-image update and the Dependabot sync resolve digests from'],
    ]),
    '',
    'Faked, because they are services of GitHub, AWS or Sigstore (each keeps the action\'s documented inputs and outputs and records what it was asked; `tools/twin/fakes/README.md`):',
    '',
    table(['action', 'fake'], Object.entries(FAKED_ACTIONS).map(([action, fake]) => [`\`${action}\``, `\`tools/twin/fakes/${fake}\``]).concat([['GitHub\'s REST API (`gh api` compare and code scanning, `gh pr`)', '`tools/twin/fakes/bin/gh`, answering from the local git server'], ['GitHub\'s artifact and cache services', 'act\'s own servers on 127.0.0.1']])),
    '',
    'What the twin cannot show: act does not enforce `permissions`, GitHub Environments and their required reviewers, or `concurrency`; it stops a run at its first failed job, so the summary job\'s `always()` after a failure is not seen; keyless signing (Fulcio, Rekor), OIDC trust and the GitHub Actions layer cache (`type=gha`: the builds use BuildKit\'s own cache instead) are not exercised. Those are checked from the generated YAML by projen-containers\' own tests, with GitHub\'s own expression library.' + (c.task('test:twin') ? ` In this repository, \`npx projen test:twin\`: ${taskPhrase(c, 'test:twin')}.` : ''),
    '',
  ];
}

/** The lock file every Node.js service has (`package-lock.json`), or undefined when they differ or a service is no Node.js project. */
function serviceLockFile(c: DocsContext): string | undefined {
  const lockFileOf = (p: Project) => (p instanceof javascript.NodeProject ? p.package.lockFile : undefined);
  const files = new Set(c.facts.images.services.map((s) => lockFileOf(s.serviceProject)));
  const [only] = [...files];
  return files.size === 1 ? only : undefined;
}

/** Docker Hub's full name of a repository without a registry (`node` -> `docker.io/library/node`). */
function fullRepositoryName(reference: string): string {
  const repository = reference.split('@')[0].replace(/:[^/:]+$/, '');
  if (/^[^/]+[.:][^/]*\//.test(repository) || repository.startsWith('localhost/')) return repository;
  return `docker.io/${repository.includes('/') ? '' : 'library/'}${repository}`;
}

function baseImagesParagraph(c: DocsContext, baseArg: string): string {
  const f = c.facts;
  const follows = c.followed.map((p) => {
    const where = c.dependencyPins ? `pinned in \`${c.dependencyPins}\`` : `that ${p.contexts.map((x) => `\`${x}/\``).join(', ')} installs`;
    const bump = f.dependabot?.watchPins ? 'Dependabot bumps the package, never the image\'s tag' : 'a new version of the package moves the image with it';
    const sync = f.pinWorkflows && f.dependabot?.watchPins
      ? `, and the \`${f.pinWorkflows.syncWorkflowFile}\` workflow records the new version${c.dependencyPins ? ' there' : ''}, regenerates, and pins the new image's digest`
      : '';
    return ` The \`${p.repository}\` image always has the tag of the \`${p.package}\` version ${where}: ${bump}${sync}.`;
  }).join('');
  return `Official images only, pinned by digest in \`${f.images.baseImages.lockFile}\`, the one place that holds the pins. \`npx projen update-base-images\` resolves the current digest of each tracked tag through the registry's API and regenerates the Dockerfiles (\`-- --check\` only reports). Each Dockerfile names its base twice: \`ARG ${baseArg}=<name>-base\` and a literal, digest-pinned \`FROM <image>:<tag>@sha256:… AS <name>-base\`. ${f.dependabot?.watchPins ? 'Dependabot reads and updates the literal line, a' : 'A'} \`--build-arg\` replaces it for a mirror or a local copy, and BuildKit never pulls a stage the build does not use.${follows}${f.dependabot && !f.dependabot.watchPins ? ' Dependabot watches only the services\' own dependencies: a pull request of its for a base image or an action would edit generated files that the next `npx projen` reverts, and no workflow of this project brings such a change back to its source (`ContainerBuild`\'s `pinWorkflows` adds one).' : ''}${f.dependabot ? ` Every Dependabot entry waits ${f.dependabot.cooldownDays} days after a release (cooldown).` : ''}`;
}

function runnerSection(c: DocsContext, runner: ImageManifestEntry): string[] {
  const targets = runner.runner?.targets ?? [];
  const runTask = c.task(`docker:run:${runner.service}`);
  return [
    `## Running the ${runner.service} image`,
    '',
    `The image runs the Playwright suite once against a running stack and exits with the suite's exit code (3 when a target never became healthy).${runner.runFlags?.length ? ' Recommended flags (none of them grants privilege or host access: any other is refused at synth):' : ''}`,
    '',
    ...(runner.runFlags ?? []).map((x) => `- \`${x}\`: ${explainRunFlag(x)}`),
    ...(runner.runFlags?.length ? [''] : []),
    '```bash',
    `docker run --rm ${(runner.runFlags ?? []).join(' ')} --network host \\`,
    `  ${targets.map((t) => `-e ${t.urlEnv}=http://127.0.0.1:<${t.name} port>`).join(' ')} \\`,
    `  -v "$PWD/results:/results" ${runner.image}:dev`,
    ...(runTask ? ['', `# or, with the same flags: ${targets.map((t) => `${t.urlEnv}=...`).join(' ')} npx projen ${runTask.name}`] : []),
    '```',
    '',
    table(['variable', 'meaning', 'default'], [
      ...targets.map((t) => [`\`${t.urlEnv}\``, `${t.name} under test (the runner waits for \`${t.healthPath}\`)`, 'required']),
      ['`UNAVAILABLE_BASE_URL`', 'a target whose backend is down, for a test of how it fails', 'unset (test skipped)'],
      ['`PW_PROJECT`', 'browser: chromium, firefox or webkit', runner.runner?.defaultProject ?? 'chromium'],
      ['`PW_WORKERS`', 'parallel workers', String(runner.runner?.defaultWorkers ?? 2)],
      ['`PW_TIMEOUT_MS`, `PW_RETRIES`', 'per-test timeout and retries', '30000, 1 in the image'],
      ['`WAIT_TIMEOUT`', 'seconds to wait for the targets', String(runner.runner?.waitTimeoutSeconds ?? 60)],
      ['`RESULTS_DIR`', 'junit.xml and html report (a volume)', '/results'],
    ]),
    '',
  ];
}

type Shipping = ReturnType<typeof pushAndSignFacts>;

function troubleshootingRows(c: DocsContext, runner: ImageManifestEntry | undefined, shipping: Shipping, file: string): string[][] {
  const remediation = docLink(c.project, file, 'remediation', 'vulnerability remediation');
  const f = c.facts;
  const base = c.images[0];
  const baseArg = base?.baseArg ?? '<BUILD_ARG>';
  const baseName = base ? base.baseImage.split('@')[0] : '<image>:<tag>';
  const lock = serviceLockFile(c);
  const target = runner?.runner?.targets[0];
  return [
    ['`build:docker: No Docker engine is reachable`', 'the Docker daemon is not running, or `DOCKER_HOST` points elsewhere', 'start Docker (Docker Desktop, or `sudo systemctl start docker`) and run again'],
    ['`failed to solve with frontend gateway.v0`', 'a `# syntax=` line made BuildKit fetch a frontend it cannot reach', `the generated Dockerfiles have none; do not add one (edit \`${c.projenrc}\`, never the Dockerfile)`],
    [`\`failed to resolve source metadata for ${base ? fullRepositoryName(base.baseImage) : '<base image>'}...\``, 'the build cannot reach the registry of the base image', `pull through a mirror: \`${baseArg}=<mirror>/${baseName.split('/').pop()} npx projen build:docker\``],
    ...(c.nodeServices ? [
      ['`npm ci` fails in the deps stage with `ETIMEDOUT` or `EAI_AGAIN`', 'the build steps have no network (some engines have no bridge network)', '`DOCKER_NETWORK=host npx projen build:docker`'],
    ] : [
      ['a dependency download fails in the build with `ETIMEDOUT`, `EAI_AGAIN` or a name-resolution error', 'the build steps have no network (some engines have no bridge network)', '`DOCKER_NETWORK=host npx projen build:docker`'],
    ]),
    ...(lock === 'package-lock.json' ? [
      ['`npm ci can only install packages when your package.json and package-lock.json are in sync`', `a dependency changed in \`${c.projenrc}\` without a new lockfile`, 'run `npx projen` (it installs and updates the lockfile), commit both'],
    ] : []),
    ['`OVER` in the budget column, exit code 1', 'the image outgrew its size budget', `look at the layers (\`docker history <image>\`); keep build output and development dependencies out of the runtime stage; raise \`sizeBudget\` in \`${c.projenrc}\` only with a reason`],
    [`\`... is not pinned by digest in ${f.images.baseImages.lockFile}\``, `a new base image${c.followed.length ? ` (e.g. after an upgrade of ${c.followed.map((p) => `\`${p.package}\``).join(', ')})` : ''} has no digest yet`, '`npx projen update-base-images` where the registry is reachable, commit the lock file'],
    ...(runner ? [
      ['`browserType.launch: Executable doesn\'t exist`', 'Playwright and its browsers disagree', `build the ${runner.service} image again: its base is derived from the installed \`@playwright/test\`; locally, \`npx playwright install chromium\` or set \`CHROMIUM_PATH\``],
      ['Chromium crashes (`Target closed`, `page crashed`)', 'too little shared memory in the container', 'run with `--ipc=host` or `--shm-size=1g`'],
      ...(target ? [[`\`${runner.service}: ${target.name} is not healthy at ...\`, exit code 3`, 'the runner cannot reach a target from inside its container', 'use addresses the container can reach (`--network host` with 127.0.0.1, or service names on a shared network)']] : []),
      ['`EACCES` writing `/results`', `the mounted folder is not writable by the uid of ${runner.service}`, `\`chmod a+rwx results\`${c.task(`docker:run:${runner.service}`) ? ` (\`npx projen docker:run:${runner.service}\` does it)` : ''}`],
    ] : []),
    [`\`${f.trivyIgnore.path}: exception ... expired\``, 'an accepted finding reached its expiry date', remediation ? `see ${remediation}` : `renew it with a new statement and date in \`${c.projenrc}\`, or fix the finding`],
    ...(f.buildWorkflowFile ? [[`\`${f.buildWorkflowFile}\` fails at "Find mutations" (files were changed during the build)`, `a generated file was edited by hand, or \`npx projen\` was not run after a change to \`${c.projenrc}\``, 'run `npx projen` and commit the result']] : []),
    ...pushTroubleshootingRows(shipping),
    ['Trivy fails with `TOOMANYREQUESTS`', 'the database registry rate-limits', `the workflow already tries ${f.reusable.trivyDbRepositories.length} mirrors in turn; re-run the job`],
  ];
}

function render(c: DocsContext, file: string): string[] {
  const f = c.facts;
  const images = c.images;
  const shipping = pushAndSignFacts(f.images, f.reusable.cosignVersion, f.tags.policy, f.repositoryScripts);
  const policy = f.tags.policy;
  const runner = images.find((i) => i.runner);
  const baseArgs = [...new Map(images.map((i) => [i.baseArg, i.baseImage])).entries()];
  const first = images[0];
  const lock = serviceLockFile(c);
  const usedKinds = f.images.kinds.all.filter((k) => images.some((i) => i.kind === k.name));
  const root = c.project;
  const minNode = root instanceof javascript.NodeProject ? root.package.minNodeVersion?.replace(/(\.0)+$/, '') : undefined;
  const manager = c.install?.split(' ')[0];
  const testAll = c.task('test:all');
  return [
    '# Docker build guide',
    '',
    `How the ${c.product} images are built, tagged, scanned and shipped. Everything here is generated from \`${c.projenrc}\` together with the Dockerfiles and workflows it describes, so it cannot drift from them: to change a fact, change \`${c.projenrc}\` and run \`npx projen\`.`,
    '',
    '## Services',
    '',
    table(
      ['service', 'image', 'kind', 'base image (build argument)', 'port', 'health endpoint', 'user (uid:gid)', 'size budget'],
      images.map((i) => [
        i.service, `\`${i.image}\``, i.kind,
        `\`${i.baseImage}\` (\`${i.baseArg}\`)${i.basePinned ? '' : ' **not pinned yet**: run `npx projen update-base-images`'}`,
        i.port ? String(i.port) : '-', i.healthPath ? `\`${i.healthPath}\`` : '-', `${i.user} (${i.uid})`, mb(i.sizeBudgetBytes),
      ]),
    ),
    '',
    `Each service folder is its own build context, with its own ${lock ? `\`${lock}\`` : 'dependency lockfile'}, a generated \`Dockerfile\` and a generated \`.dockerignore\` (an allow-list: only what the build needs gets in, and secrets, \`.env*\`, keys, logs, coverage, \`.git\`${c.nodeServices ? ' and `node_modules`' : ' and local dependency folders'} stay out at any depth).`,
    '',
    '## Building locally',
    '',
    `On a fresh machine (Node.js${minNode ? ` ${minNode} or later` : ''}${manager ? `, ${manager}` : ''}, and a Docker engine with BuildKit):`,
    '',
    '```bash',
    `${c.install ? `${c.install} && ` : ''}npx projen build:docker   # synthesize, then build every image`,
    ...(testAll ? [`${c.install ? `${c.install} && ` : ''}npx projen test:all       # ${taskPhrase(c, 'test:all')}`] : []),
    '```',
    '',
    ...(c.scripts.dockerEnv ? [
      `On a machine with no Docker engine running, or no access to the base images' registries, \`. ${c.scripts.dockerEnv}\` first starts a local engine where the machine provides one and points the builds at local copies of the bases through their build arguments; where Docker already works it changes nothing.`,
      '',
    ] : []),
    'Build some services only, or without the layer cache:',
    '',
    '```bash',
    `npx projen build:docker -- ${first?.service ?? '<service>'}`,
    `npx projen build:docker -- --no-cache ${images.map((i) => i.service).slice(0, 2).join(' ')}`,
    'npx projen build:docker -- --json build.json   # results as JSON too',
    '```',
    '',
    '`build:docker` streams BuildKit\'s progress with a `[service]` prefix, tags each image with the tags of the [tagging strategy](#tagging-strategy) plus a local `:dev` alias, and ends with a table: image, tags, size, size above the base, build time and the budget verdict. It exits 1 when a build fails or an image is over its budget, 2 on a wrong argument, 3 when no Docker engine answers.',
    '',
    'The environment adjusts a build without editing anything:',
    '',
    table(['variable', 'effect', 'default'], [
      ...baseArgs.map(([arg, ref]) => [`\`${arg}\``, 'base image of the images built on it (a mirror, or a local copy)', `\`${ref}\``]),
      ['`DOCKER_NETWORK`', 'network of the build steps (`docker build --network`)', 'the engine\'s default'],
      ['`DOCKER_BUILD_ARGS`', 'extra `docker build` arguments, split on spaces (e.g. `--pull`)', 'none'],
      ['`IMAGE_REGISTRY`', 'prefix the tags with a registry host', 'none'],
      ['`SOURCE_DATE_EPOCH`', 'fix the clock of the tags and the `created` label', 'now'],
    ]),
    '',
    'The same Dockerfiles build with plain Docker (BuildKit on); the base image and the labels are build arguments, and the pinned official base is the default:',
    '',
    '```bash',
    ...images.slice(0, 1).flatMap((i) => [
      `docker build -f ${i.dockerfile} -t ${i.image}:dev --build-arg VERSION=dev ${i.context}`,
      `docker build -f ${i.dockerfile} -t ${i.image}:dev --build-arg ${i.baseArg}=<mirror>/${i.baseImage.split('@')[0]} ${i.context}   # through a mirror`,
    ]),
    '```',
    '',
    '### Base images',
    '',
    baseImagesParagraph(c, baseArgs[0]?.[0] ?? '<BUILD_ARG>'),
    '',
    '### What every image follows',
    '',
    '- Multi-stage: dependencies are installed under a BuildKit cache mount in stages of their own, and only the runtime stage ships.',
    `- No development dependencies, tests, \`.env\` files or keys in the runtime stage${c.nodeServices ? ', and no package managers (npm, corepack) in a Node.js runtime' : ''}.`,
    '- A non-root user, given by numeric uid so that Kubernetes\' `runAsNonRoot` can check it; the application files are owned by root and read-only to it.',
    `- For servers, a \`HEALTHCHECK\` that needs no curl or wget${c.nodeServices ? ' (Node\'s `fetch` in a Node.js image)' : ''}; exec-form \`CMD\`/\`ENTRYPOINT\`, and a clean exit (code 0) on \`SIGTERM\` after in-flight requests finish. The images also run with \`--read-only\` (mount a tmpfs on \`/tmp\`).`,
    '- OCI labels (`title`, `version`, `revision`, `created`, `source`) from build arguments set by the tag script.',
    '- No `# syntax=` line and no Dockerfile feature newer than Docker 20.10\'s BuildKit: they build on old engines and on GitHub alike.',
    '',
    ...(usedKinds.length ? [
      'Kinds in use (each kind\'s options are in its module):',
      '',
      ...usedKinds.map((k) => `- \`${k.name}\` (\`${k.source}\`): ${k.description}`),
      '',
    ] : []),
    ...(f.benchmark ? benchmarkSection(c, f.benchmark) : []),
    ...pushAndSignSection(shipping),
    ...ciSection(c),
    ...twinSection(c),
    '## Tagging strategy',
    '',
    `Tags come from \`${f.tags.path}\`${c.tagTask ? ` (\`npx projen ${c.tagTask} -- --image NAME\`)` : ''}, the tag logic of projen-containers with the policy of \`${c.projenrc}\` (\`ImageTagScript\`), in CI and locally alike:`,
    '',
    `- every build: the ${policy.shaLength}-character commit SHA, and \`<branch>-YYYYMMDD-HHMMSS\` (UTC);`,
    `- \`latest\`: clean builds of \`${c.defaultBranch}\` only; never pull requests, tags or other branches;`,
    ...(c.stagingBranch ? [`- \`staging-YYYYMMDD\`: pushes to \`${c.stagingBranch}\`, or a dispatch with environment \`staging\`;`] : []),
    '- `production-vX.Y.Z`: release tags `vX.Y.Z` (strict SemVer). A pre-release tag `vX.Y.Z-rc.N` gets its own version tag and never `production-*`;',
    '- pull requests: `pr-<number>`;',
    `- local builds with uncommitted changes: \`-dirty\` on the SHA and the branch tag, and no ${c.stagingBranch ? '`latest`, `staging-*` or `production-*`' : '`latest` or `production-*`'}.`,
    '',
    'Branch names are made valid tags as docker/metadata-action does: lowercase, accents dropped, every run of characters outside `[a-z0-9_.-]` becomes one `-`, no leading `.` or `-`, and a name with nothing left becomes `ref`. A tag never exceeds 128 characters: the branch part is cut, the timestamp kept.',
    '',
    `Examples, computed by the tag logic for commit \`${EXAMPLE_SHA.slice(0, 7)}…\` at ${EXAMPLE_TIME.toISOString().slice(0, 19).replace('T', ' ')} UTC:`,
    '',
    table(['build', 'tags'], tagExampleRows({ ...policy, defaultBranch: c.defaultBranch, stagingBranch: c.stagingBranch })),
    '',
    ...(runner ? runnerSection(c, runner) : []),
    '## Troubleshooting',
    '',
    table(['you see', 'why', 'what to do'], troubleshootingRows(c, runner, shipping, file)),
    '',
    ...seeAlso([
      c.readme ? `[README](${path.posix.relative(path.posix.dirname(file), 'README.md')})` : undefined,
      docLink(root, file, 'contributing', 'CONTRIBUTING'),
      docLink(root, file, 'remediation', 'vulnerability remediation'),
    ]),
  ];
}
