import { javascript, typescript } from 'projen';
import { TypeScriptRunner } from 'projen/lib/typescript';
import {
  ActionPins, BuildGuide, COMMANDS, Contributing, DependabotConfig, DeployedScanWorkflow, DockerBenchmark, DockerImages,
  hardenBuildWorkflow, ImageCiWorkflow, ImageKind, ImageTagScript, nextjsWithDockerReference, pinnedDependency,
  pinnedToolVersion, PinWorkflows, PublishScript, RemediationGuide, ReusableBuildWorkflow, TrivyIgnore,
} from 'projen-containers';
import { ContainersPackage } from './projenrc/containers-package';
import { runSubprojectTask } from './projenrc/monorepo-tasks';
import { configureNextJsTsconfig, NEXTJS_COMPILER_OPTIONS, NEXTJS_GITIGNORE } from './projenrc/nextjs';
import { NodeServiceProject, TOOLCHAIN } from './projenrc/node-service';
import { recordTarballUrls } from './projenrc/npm-lockfile';

// ---------------------------------------------------------------------------------------------
// The root project: the three services below, the wiring of their images (projenrc/), and the
// tests of the whole (test/). The components come from the projen-containers package
// (packages/projen-containers), imported by name as any project imports it.
// ---------------------------------------------------------------------------------------------
const project = new typescript.TypeScriptProject({
  name: 'qualisys',
  description: 'QUALISYS: api, web and playwright-runner services, and their container build automation as code',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  projenrcTsOptions: { runner: TypeScriptRunner.tsx() },
  typescriptVersion: TOOLCHAIN.typescriptVersion,
  minNodeVersion: TOOLCHAIN.minNodeVersion,
  devDeps: ['tsx@^4.23.15', '@actions/expressions@^0.3.61', 'esbuild@^0.28.2', 'fast-check@^4.11.0', '@balena/dockerignore@^1.0.2', 'yaml@^2.8.1', 'secretlint@^12.3.1', '@secretlint/secretlint-rule-preset-recommend@^12.3.1', TOOLCHAIN.nodeTypes, 'projen-containers@^0.1.0', 'typedoc@^0.28.20', 'typedoc-plugin-markdown@^4.14.1'],
  // Lint the components, their tests and the tools (the services are type-checked by their builds).
  eslint: true,
  // Lint in CI without rewriting files (`npx projen eslint -- --fix` fixes locally).
  eslintOptions: { dirs: ['projenrc', 'packages/projen-containers/src'], devdirs: ['test', 'packages/projen-containers/test'], fileExtensions: ['.ts'], tsconfigPath: './projenrc/tsconfig.json', commandOptions: { fix: false } },
  release: false,
  package: false,
  sampleCode: false,
  licensed: false,
  // Dependabot (lockfile-only) updates dependencies; projen's upgrade and PR-title workflows are off.
  githubOptions: { mergify: false, pullRequestLint: false },
  depsUpgrade: false,
  workflowNodeVersion: '24',
  // projen's build workflow: fails (never pushes) when a generated file differs from .projenrc.ts.
  buildWorkflowOptions: {
    mutableBuild: false,
    preBuildSteps: [
      // The end-to-end suite needs a browser: Playwright's own Chromium on GitHub's runners.
      { name: 'Chromium for the end-to-end suite', run: 'npm ci --prefix playwright-runner && npx --prefix playwright-runner playwright install --with-deps chromium' },
      // The workflow and Dockerfile tests run actionlint (with shellcheck), zizmor and hadolint;
      // the registry tests skopeo and Debian's docker-registry.
      { name: 'Linters for the tests', run: 'bash tools/install-linters.sh' },
      // The scan-report tests run Trivy: the release the image scans use (pinned in the same script).
      { name: 'Trivy for the tests', uses: 'aquasecurity/setup-trivy', with: { version: pinnedToolVersion(__dirname, 'TRIVY') } },
    ],
  },
  jestOptions: {
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    // The image tests need a Docker engine and minutes: they run in `npx projen test:images`.
    jestConfig: {
      testMatch: ['<rootDir>/@(test|packages/*/test)/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/images/', '<rootDir>/test/twin/scenarios', '<rootDir>/packages/projen-containers/test/adoption/'],
    },
  },
  tsconfigDev: { compilerOptions: { skipLibCheck: true } },
  gitignore: ['/.tools/', '/.registry/', '/packages/*/lib/'],
});
recordTarballUrls(project);

// ---------------------------------------------------------------------------------------------
// The components: the projen-containers package, an npm workspace of this repository. It is built
// (incrementally, a few seconds) before every synth, compile and test: a fresh clone works after
// `npm ci`, with or without install scripts. The bin links are made once its tools exist.
// ---------------------------------------------------------------------------------------------
const containers = new ContainersPackage({
  parent: project,
  version: '0.1.0',
  projenVersion: '^0.103.25',
  devDependencies: ['projen', 'constructs', 'typescript', 'esbuild', 'typedoc', 'typedoc-plugin-markdown', '@types/node', '@types/jest', 'jest', 'ts-jest', 'fast-check', 'yaml', '@actions/expressions', '@balena/dockerignore'],
});
project.package.addField('workspaces', [containers.outdir.slice(project.outdir.length + 1)]);
const buildPackage = project.addTask('build:package', {
  description: 'Build the projen-containers package (tsc and its pre-bundled scripts) and link its command-line tools',
  steps: [
    { exec: containers.buildCommand },
    { exec: `[ -e node_modules/.bin/${COMMANDS.buildImages.bin} ] || npm rebuild --silent --ignore-scripts ${containers.packageName}` },
  ],
});
project.defaultTask?.prependSpawn(buildPackage);
// The root has no library of its own: "compile" type-checks .projenrc.ts, projenrc/, test/ and the package's tests.
project.compileTask.reset('tsc -p projenrc/tsconfig.json');
project.compileTask.prependSpawn(buildPackage);
project.testTask.prependSpawn(buildPackage);
project.tryFindObjectFile('projenrc/tsconfig.json')?.addOverride('include', ['**/*.ts', '../.projenrc.ts', '../tools/**/*.ts', '../test/**/*.ts', '../packages/*/test/**/*.ts']);

// ---------------------------------------------------------------------------------------------
// Image tags: git SHA, <branch>-YYYYMMDD-HHMMSS, latest on main, staging-YYYYMMDD on staging
// deploys, production-vX.Y.Z on release tags, pr-N on pull requests. One script, used by
// `npx projen build:docker` and by the workflows alike.
// ---------------------------------------------------------------------------------------------
const imageTags = new ImageTagScript(project, { defaultBranch: 'main', stagingBranch: 'staging' });

// ---------------------------------------------------------------------------------------------
// api: the Fastify service that serves test runs.
// ---------------------------------------------------------------------------------------------
const api = new NodeServiceProject({
  parent: project,
  outdir: 'api',
  name: '@qualisys/api',
  description: 'QUALISYS api: test runs over HTTP (Fastify)',
  deps: ['fastify@^5.12.8', 'close-with-grace@^2.2.0'],
});
// A service, not a library: package.json names the server it runs (projen's default, lib/index.js, does not exist).
api.package.addField('main', 'lib/server.js');
api.package.addField('types', 'lib/server.d.ts');
// --stop-with-launcher: a SIGTERM to `npx projen start` stops the server too (npm's shell does not pass it on).
api.addTask('start', { description: 'Start the compiled server', exec: 'node lib/server.js --stop-with-launcher' });
// The process-level tests start the compiled server.
api.testTask.prependSpawn(api.compileTask);

// ---------------------------------------------------------------------------------------------
// web: the Next.js front end (standalone output) that shows api's test runs.
// ---------------------------------------------------------------------------------------------
const web = new NodeServiceProject({
  parent: project,
  outdir: 'web',
  name: '@qualisys/web',
  description: 'QUALISYS web: test runs dashboard (Next.js, standalone output)',
  deps: ['next@16.4.6', 'react@19.3.1', 'react-dom@19.3.1'],
  devDeps: ['@types/react@^19', '@types/react-dom@^19'],
  jest: false,
  gitignore: NEXTJS_GITIGNORE,
  compilerOptions: NEXTJS_COMPILER_OPTIONS,
});
configureNextJsTsconfig(web);
// Not a library: no main (start.cjs starts the server).
web.package.file.addDeletionOverride('main');
web.package.file.addDeletionOverride('types');
web.compileTask.reset('next build', { env: { NEXT_TELEMETRY_DISABLED: '1' } });
// The standalone server serves public/ and .next/static/ from beside itself: put them there, as the image does.
web.compileTask.exec('node -e "for (const d of [\'public\', \'.next/static\']) require(\'fs\').cpSync(d, \'.next/standalone/\' + d, { recursive: true })"');
// --stop-with-launcher: a SIGTERM to `npx projen start` stops the server too (npm's shell does not pass it on).
web.addTask('start', { description: 'Start the standalone server (as the image does)', exec: 'node start.cjs .next/standalone/server.js --stop-with-launcher' });
web.useNodeTestRunner();

// ---------------------------------------------------------------------------------------------
// playwright-runner: the end-to-end suite of web and api, shipped as its own image.
// ---------------------------------------------------------------------------------------------
const runner = new NodeServiceProject({
  parent: project,
  outdir: 'playwright-runner',
  name: '@qualisys/playwright-runner',
  description: 'QUALISYS end-to-end tests of web and api (Playwright)',
  // Exact, from dependency-pins.json: the Playwright image's tag follows it (Dependabot bumps it, sync-pins records it there).
  deps: [pinnedDependency(project, 'playwright-runner', '@playwright/test')],
  jest: false,
  gitignore: ['/results/', '/test-results/', '/playwright-report/'],
  compilerOptions: { noEmit: true, lib: ['es2022', 'dom'] },
});
runner.compileTask.reset('tsc --noEmit');
// Not a library: no main.
runner.package.file.addDeletionOverride('main');
runner.package.file.addDeletionOverride('types');
// Type-check the suite and its config too, not only src/.
runner.tsconfig?.file.addDeletionOverride('compilerOptions.rootDir');
runner.tsconfig?.file.addOverride('include', ['src/**/*.ts', 'tests/**/*.ts', 'playwright.config.ts']);
runner.addTask('e2e', {
  description: 'Run the suite against BASE_URL and API_URL',
  exec: 'playwright test',
  receiveArgs: true,
});
runner.useNodeTestRunner();

// ---------------------------------------------------------------------------------------------
// Container images: official bases pinned by digest (base-images.lock.json), one image a service.
// ---------------------------------------------------------------------------------------------
const images = new DockerImages(project, {
  namespace: 'qualisys',
  tagScript: imageTags,
  // `npx projen push:docker` pushes here unless --registry or IMAGE_REGISTRY says otherwise: a registry
  // on this machine for local runs (CI pushes to Amazon ECR, below).
  registry: '127.0.0.1:5000',
  // Flag a pull request whose image grows by more than this against the default branch's image.
  sizeDeltaWarning: '10MB',
})
  .addBaseImage('node', { repository: 'node', tag: '24-alpine', buildArg: 'NODE_IMAGE' })
  .addBaseImage('playwright', { repository: 'mcr.microsoft.com/playwright', tag: 'v{version}-noble', buildArg: 'PLAYWRIGHT_IMAGE', versionOf: '@playwright/test' });

images.addService(api, { kind: ImageKind.NODE_SERVICE, compiler: 'esbuild', port: 3000, healthPath: '/health', sizeBudget: '200MB' });
images.addService(web, { kind: ImageKind.NEXTJS_STANDALONE, port: 3000, healthPath: '/api/health', sizeBudget: '300MB' });
images.addService(runner, {
  kind: ImageKind.PLAYWRIGHT_RUNNER,
  sizeBudget: '2GB',
  runner: {
    targets: [
      { name: 'web', urlEnv: 'BASE_URL', healthPath: '/api/health' },
      { name: 'api', urlEnv: 'API_URL', healthPath: '/health' },
    ],
    // --init reaps Chromium's child processes; --ipc=host gives Chromium enough shared memory.
    runFlags: ['--init', '--ipc=host', '--memory=2g', '--cpus=2'],
  },
});

// ---------------------------------------------------------------------------------------------
// Build benchmark (`npx projen bench:docker`): our images against a naive single-stage Dockerfile
// per service and, for web, the structure of Next.js's with-docker example; same engine, bases and
// sources. The targets are reported as met or missed, never enforced (budgets are build:docker's).
// ---------------------------------------------------------------------------------------------
const benchmark = new DockerBenchmark(project, {
  images,
  runs: 3,
  targets: {
    coldBuildSeconds: { 'api': 60, 'web': 180, 'playwright-runner': 60 },
    sourceRebuildFraction: 0.15,
    aboveBaseAtMostOf: { web: 'nextjs-example' },
    // api's image compiles with esbuild: its source-only rebuild should keep up with the host's tsc --build.
    sourceRebuildAtMostHostCompile: true,
  },
  // Each server's load figure where it serves test runs: api's list, web's page.
  load: { connections: 32, seconds: 5, paths: { api: '/api/test-runs', web: '/' } },
}).addReference('web', nextjsWithDockerReference());

// ---------------------------------------------------------------------------------------------
// CI on GitHub: every action pinned by SHA (github-actions.lock.json), a reusable build per
// service with BuildKit and the GitHub Actions cache, Trivy scans that fail on HIGH/CRITICAL and
// on any secret, SARIF to code scanning, push to Amazon ECR through OIDC.
// ---------------------------------------------------------------------------------------------
const pins = new ActionPins(project);
hardenBuildWorkflow(project);
const trivyIgnore = new TrivyIgnore(project, {
  // Every exception needs a statement and an expiry date (at most 90 days out); expired ones fail synth.
  vulnerabilities: [],
});
const publishScript = new PublishScript(project);
const reusable = new ReusableBuildWorkflow(project, {
  pins,
  // The releases the local tests install (tools/install-linters.sh), so CI runs what they test.
  trivyVersion: pinnedToolVersion(__dirname, 'TRIVY'),
  cosignVersion: pinnedToolVersion(__dirname, 'COSIGN'),
  registry: { kind: 'ecr' },
  tagScript: imageTags,
  publishScript,
  trivyIgnore,
  // Pull requests show each image's size against the default branch's, with the threshold of the images.
  sizeScript: images.sizeScript,
});
const ci = new ImageCiWorkflow(project, {
  pins,
  reusable,
  images: () => images.manifest(),
  tagPolicy: imageTags.policy,
  // Besides each service's own folder, what changes every image.
  sharedPaths: [images.baseImages.lockFile, imageTags.path, publishScript.path, trivyIgnore.path],
});
// Every day: the images deployed from the default branch, against the vulnerabilities found since.
const deployedScan = new DeployedScanWorkflow(project, { pins, reusable, images: () => images.manifest() });
const dependabot = new DependabotConfig(project, {
  npmDirectories: () => ['/', ...images.contexts.map((c) => `/${c}`)],
  dockerDirectories: () => images.contexts.map((c) => `/${c}`),
  // The Playwright image follows @playwright/test: Dependabot bumps the package, never the image's tag.
  baseImages: () => images.baseImageUsage(),
});
const pinWorkflows = new PinWorkflows(project, { pins });
// The workflows run here for real (act, the pinned actions' code, BuildKit, a registry): one event a call.
project.addTask('ci:local', {
  description: 'Run one GitHub event through the generated workflows with the local twin (npx projen ci:local -- --help)',
  exec: COMMANDS.ciLocal.bin,
  receiveArgs: true,
});

// ---------------------------------------------------------------------------------------------
// Docs rendered from the same configuration: build guide, CONTRIBUTING, remediation.
// ---------------------------------------------------------------------------------------------
const facts = {
  productName: 'QUALISYS',
  // The repository's own scripts the docs may send a reader to.
  repositoryScripts: { dockerEnv: 'tools/docker-env.sh', installTools: 'tools/install-linters.sh', localRegistry: 'tools/local-registry.sh' },
  images,
  tags: imageTags,
  reusable,
  ci,
  deployedScan,
  pinWorkflows,
  dependabot,
  trivyIgnore,
  benchmark,
  buildWorkflowFile: project.github?.tryFindWorkflow('build')?.file?.path,
};
new BuildGuide(project, facts);
new Contributing(project, facts);
new RemediationGuide(project, facts);

// ---------------------------------------------------------------------------------------------
// Root tasks cover every service: projen does not run subproject tasks on its own.
// ---------------------------------------------------------------------------------------------
for (const service of [api, web, runner]) {
  runSubprojectTask(project.testTask, service, 'test');
}
project.addTask('test:images', {
  description: 'Build the three images for real and test them: users, health, shutdown, read-only, secrets, sizes, the e2e runner',
  env: { JEST_JUNIT_OUTPUT_NAME: 'images.xml' },
  exec: 'jest --ci --runInBand --testPathIgnorePatterns=/node_modules/ --coverage=false test/images',
});
project.addTask('test:twin', {
  description: 'Run the workflows event after event with the local twin (act, BuildKit, a registry) and read the registry back',
  env: { JEST_JUNIT_OUTPUT_NAME: 'twin.xml' },
  exec: 'jest --ci --runInBand --testPathIgnorePatterns=/node_modules/ --coverage=false test/twin/scenarios',
});
project.addTask('test:adoption', {
  description: 'Follow the package README\'s quick start: npm pack, a fresh `projen new typescript` project, npm install, npx projen (installs from the npm registry)',
  env: { JEST_JUNIT_OUTPUT_NAME: 'adoption.xml' },
  exec: 'jest --ci --runInBand --testPathIgnorePatterns=/node_modules/ --coverage=false packages/projen-containers/test/adoption',
});
project.addTask('test:all', {
  description: 'Every test, after installing what they need (Chromium, Docker engine, linters); ends with "N passed, N failed"',
  exec: 'bash tools/test-all.sh',
});

project.synth();
