import { javascript, Project, typescript } from 'projen';
import { TypeScriptRunner } from 'projen/lib/typescript';
import { ContainerBuild, hardenBuildWorkflow, ImageKind, Registry } from 'projen-containers';

// ---------------------------------------------------------------------------------------------
// Parcel: three services in three languages, each shipped as an image to GitHub Container
// Registry. Trunk-based: every push to trunk is tagged `latest`; there is no staging branch.
// ---------------------------------------------------------------------------------------------
/** Trunk-based: the one long-lived branch. */
const DEFAULT_BRANCH = 'trunk';

/** What the root and the notifier have in common: TypeScript built here, nothing published. */
const TYPESCRIPT = {
  defaultReleaseBranch: DEFAULT_BRANCH,
  packageManager: javascript.NodePackageManager.NPM,
  typescriptVersion: '~6.0.3',
  sampleCode: false,
  release: false,
  package: false,
  jest: false,
  eslint: false,
  licensed: false,
  depsUpgrade: false,
} satisfies Partial<typescript.TypeScriptProjectOptions>;

const project = new typescript.TypeScriptProject({
  ...TYPESCRIPT,
  name: 'parcel',
  description: 'Parcel: shipping rates (Python), parcel tracking (Go) and a notifier worker (Node.js), shipped as images to GHCR',
  projenrcTs: true,
  projenrcTsOptions: { runner: TypeScriptRunner.tsx() },
  devDeps: ['projen-containers@file:../../packages/projen-containers', '@types/node@^24'],
  githubOptions: { mergify: false, pullRequestLint: false },
  // projen's build workflow fails when a generated file differs from .projenrc.ts; it never pushes.
  buildWorkflowOptions: { mutableBuild: false },
});
// projen's own build workflow, checked like ours: shellcheck-clean, no credentials left behind.
hardenBuildWorkflow(project);
// This example takes projen-containers from this repository through a link (file:): node must
// resolve the package's peer dependencies (projen) from here, not from beside the package's
// own folder. A project that installs the package from the registry needs none of this.
project.defaultTask?.env('NODE_PRESERVE_SYMLINKS', '1');

// rates: a Python HTTP service (Starlette on uvicorn), dependencies locked with hashes.
const rates = new Project({ parent: project, name: 'rates', outdir: 'services/rates' });
rates.gitignore.exclude('__pycache__/', '*.py[cod]', '/.venv/');

// tracking: a Go HTTP service, standard library only, on distroless.
const tracking = new Project({ parent: project, name: 'tracking', outdir: 'services/tracking' });
tracking.gitignore.exclude('/tracking');

// notifier: a Node.js worker (no port) that polls tracking and sends notifications.
const notifier = new typescript.TypeScriptProject({
  parent: project,
  name: '@parcel/notifier',
  description: 'Parcel notifier: polls the tracking service and logs one JSON line per new event',
  outdir: 'services/notifier',
  ...TYPESCRIPT,
  devDeps: ['@types/node@^24'],
  projenDevDependency: false,
  github: false,
  tsconfig: { compilerOptions: { lib: ['es2022'], target: 'ES2022', types: ['node'], skipLibCheck: true } },
});
notifier.testTask.exec('node --test test/');
notifier.testTask.prependSpawn(notifier.compileTask);

// ---------------------------------------------------------------------------------------------
// Images, tags, CI (BuildKit, Trivy, cosign keyless, GHCR), Dependabot and the build guide.
// ---------------------------------------------------------------------------------------------
const containers = new ContainerBuild(project, {
  registry: Registry.ghcr(),
  // Nothing is released from this project (release: false), so the tag policy is told its branch.
  tags: { defaultBranch: DEFAULT_BRANCH, stagingBranch: false },
  // What runs is the newest build of trunk (tagged trunk-YYYYMMDD-HHMMSS): the one the daily scan checks.
  deployedScan: { deployments: { trunk: `${DEFAULT_BRANCH}-` } },
});
containers.addService(rates, { kind: ImageKind.PYTHON_SERVICE, port: 8080, healthPath: '/healthz', module: 'rates_service', sizeBudget: '200MB' });
containers.addService(tracking, { kind: ImageKind.GO_SERVICE, port: 8080, healthPath: '/healthz', sizeBudget: '50MB' });
containers.addService(notifier, { kind: ImageKind.NODE_WORKER, healthCommand: ['node', 'lib/health.js'], sizeBudget: '200MB' });

project.synth();
