/**
 * The docs of a project shaped unlike QUALISYS: another name, default branch `trunk`, no staging,
 * no benchmark, no test runner, no dependency pins, GHCR, services `rates` and `tracking`. They
 * speak of that project only, and every file and task they name exists in it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Testing, typescript } from 'projen';
import { DockerImages } from '../../src/docker/docker-images';
import { ImageKind } from '../../src/docker/kinds';
import { BuildGuide } from '../../src/docs/build-guide';
import { Contributing } from '../../src/docs/contributing';
import { RemediationGuide } from '../../src/docs/remediation-guide';
import { tagExamples } from '../../src/docs/tag-examples';
import { ActionPins } from '../../src/github/action-pins';
import { ImageCiWorkflow } from '../../src/github/image-ci-workflow';
import { PublishScript } from '../../src/github/publish-script';
import { ReusableBuildWorkflow } from '../../src/github/reusable-build-workflow';
import { TrivyIgnore } from '../../src/github/trivy-ignore';
import { ImageTagScript } from '../../src/image-tag-script';
import { tempOutdir, REPO_ROOT as ROOT } from '../fixtures';

const DOC_FILES = ['docs/docker-build-guide.md', 'CONTRIBUTING.md', 'docs/vulnerability-remediation.md'];

interface Shape {
  readonly productName?: string;
  readonly repositoryScripts?: Record<string, string>;
  readonly scriptsOnDisk?: string[];
}

/** Parcel: the docs components with only the facts they need (no benchmark, deployed scan, pin workflows or Dependabot). */
function parcel(shape: Shape = {}) {
  const outdir = tempOutdir();
  writeFileSync(path.join(outdir, 'github-actions.lock.json'), readFileSync(path.join(ROOT, 'github-actions.lock.json')));
  writeFileSync(path.join(outdir, 'base-images.lock.json'), JSON.stringify({ 'node:24-alpine': { digest: `sha256:${'e'.repeat(64)}` } }));
  // What a repository has beside the generated files: its projenrc, and any script the docs are told of.
  const onDisk = ['.projenrc.js', ...shape.scriptsOnDisk ?? []];
  for (const file of onDisk) writeFileSync(path.join(outdir, file), '');
  const root = new typescript.TypeScriptProject({ name: 'parcel-monorepo', outdir, defaultReleaseBranch: 'trunk', jest: false, eslint: false });
  const service = (name: string) => new typescript.TypeScriptProject({ name, parent: root, outdir: name, defaultReleaseBranch: 'trunk', jest: false, eslint: false });
  const images = new DockerImages(root, { namespace: 'parcel' }).addBaseImage('node', { repository: 'node', tag: '24-alpine', buildArg: 'NODE_IMAGE' });
  images.addService(service('rates'), { kind: ImageKind.NODE_SERVICE, port: 8000, healthPath: '/healthz', sizeBudget: '150MB' });
  images.addService(service('tracking'), { kind: ImageKind.NODE_SERVICE, port: 8080, healthPath: '/healthz', sizeBudget: '120MB' });
  const pins = new ActionPins(root);
  const tags = new ImageTagScript(root, { defaultBranch: 'trunk', stagingBranch: false });
  const trivyIgnore = new TrivyIgnore(root);
  const publishScript = new PublishScript(root);
  const reusable = new ReusableBuildWorkflow(root, {
    pins, registry: { kind: 'ghcr' }, tagScript: tags, publishScript, trivyIgnore, trivyVersion: 'v0.74.0', cosignVersion: 'v3.1.3',
  });
  const ci = new ImageCiWorkflow(root, { pins, reusable, images: () => images.manifest(), tagPolicy: tags.policy, sharedPaths: [tags.path] });
  const facts = { images, tags, reusable, ci, trivyIgnore, productName: shape.productName, repositoryScripts: shape.repositoryScripts };
  new BuildGuide(root, facts);
  new Contributing(root, facts);
  new RemediationGuide(root, facts);
  return { root, onDisk: ['github-actions.lock.json', 'base-images.lock.json', ...onDisk] };
}

/** The whole of a document: the push section follows the project too (no stand-in to leave out). */
function withoutPushSection(doc: string): string {
  return doc;
}

describe('the docs of a project shaped unlike QUALISYS', () => {
  const { root, onDisk } = parcel({ productName: 'Parcel' });
  const files = Testing.synth(root);
  const docs = DOC_FILES.map((f) => [f, files[f] as string] as const);

  test.each(docs.map(([f]) => f))('%s names none of QUALISYS\'s services, folders, files, tasks or branches', (file) => {
    const text = withoutPushSection(files[file] as string);
    for (const word of ['QUALISYS', 'qualisys', 'api/', 'web/', 'playwright', 'Playwright', 'staging', 'dependency-pins.json', 'bench:docker', 'test:all', 'test:images', 'ci:local', 'tools/', 'projenrc/', '.ci/run', 'main`']) {
      expect({ word, found: text.includes(word) }).toEqual({ word, found: false });
    }
  });

  test('they name its own product, services, branch and files', () => {
    const [guide, contributing, remediation] = docs.map(([, text]) => text);
    expect(guide).toContain('How the Parcel images are built');
    expect(contributing).toContain('# Contributing to Parcel');
    expect(guide).toContain('| rates | `parcel/rates` | node-service |');
    expect(guide).toContain('| tracking | `parcel/tracking` | node-service |');
    expect(guide).toContain('| push to `trunk` | `trunk-20260123-143022`, `a1b2c3d`, `latest` |');
    expect(guide).toContain('- `latest`: clean builds of `trunk` only;');
    expect(guide).toContain('pushes to `trunk`; release tags');
    expect(guide).toContain('Deploys run in the GitHub Environment `production`');
    expect(guide).not.toContain('IMMUTABLE_WITH_EXCLUSION');
    expect(contributing).toContain('In a service folder (`rates/`, `tracking/`)');
    expect(remediation).toContain('`trivy-vulnerabilities-rates`, `trivy-vulnerabilities-tracking`');
  });

  test('the example of a new service uses the package\'s public API and a kind the project uses', () => {
    const contributing = files['CONTRIBUTING.md'] as string;
    expect(contributing).toContain("const worker = new typescript.TypeScriptProject({ parent: project, outdir: 'worker', name: 'worker', defaultReleaseBranch: 'trunk' });");
    expect(contributing).toContain("images.addService(worker, { kind: ImageKind.NODE_SERVICE, port: 8000, healthPath: '/healthz', sizeBudget: '150MB' });");
    expect(contributing).not.toContain('NodeServiceProject');
  });

  test('sections about what the project does not have are left out', () => {
    const guide = withoutPushSection(files['docs/docker-build-guide.md'] as string);
    expect(guide).not.toContain('### Build benchmark');
    expect(guide).not.toContain('## Running the');
    expect(guide).not.toContain('### Run the workflows locally');
    expect(guide).not.toContain('scan-deployed');
    expect(guide).not.toContain('cooldown');
    expect(guide).not.toContain('dependabot-sync');
    expect(guide).not.toMatch(/\. tools\/docker-env\.sh|install-linters/);
  });

  test.each(DOC_FILES)('every file path and every `npx projen` task %s names exists in the project', (file) => {
    const text = withoutPushSection(files[file] as string);
    const tasks = Object.keys((files['.projen/tasks.json'] as { tasks: object }).tasks);
    const named = [...text.matchAll(/npx projen ([a-z][\w:-]*)/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((t) => !tasks.includes(t))).toEqual([]);
    // Not files: image names, pinned actions, the branches of the tag examples.
    const notFiles = new Set(['parcel/rates', 'parcel/tracking', ...Object.keys(JSON.parse(readFileSync(path.join(ROOT, 'github-actions.lock.json'), 'utf8'))),
      ...tagExamples({ defaultBranch: 'trunk' }).map((e) => e.context.refName)]);
    const paths = [...text.matchAll(/`(\.?[\w-]+(?:\/[\w.-]+)+\/?|[\w.-]+\.(?:json|ya?ml|md|mjs|sh|ts|js))`/g)].map((m) => m[1])
      // Nor are kind modules (package paths) and the folder of the example's new service.
      .filter((p) => !notFiles.has(p) && !p.startsWith('projen-containers/') && !p.startsWith('worker/'))
      // Nor what the tools write when they run (build:docker's report, push:docker's digests), the
      // project's own .projenrc.ts and the services' lock files: a real project has them.
      .filter((p) => !p.startsWith('build/docker/') && !['push.json', '.projenrc.ts', 'package-lock.json'].includes(p));
    expect(paths.length).toBeGreaterThan(3);
    // A bare workflow file name is one of .github/workflows/.
    const exists = (p: string) => [p.replace(/\/$/, ''), `.github/workflows/${p}`].some((f) => files[f] !== undefined || onDisk.includes(f));
    const missing = paths.filter((p) => !exists(p));
    expect(missing).toEqual([]);
    const links = [...text.matchAll(/\]\(([^)\s#]+)(#[^)]*)?\)/g)].map((m) => m[1]).filter((l) => !/^(https?:|mailto:)/.test(l));
    expect(links.filter((l) => !exists(path.posix.normalize(path.posix.join(path.posix.dirname(file), l))))).toEqual([]);
  });

  test('the product name defaults to the root project\'s name', () => {
    const guide = Testing.synth(parcel().root)['docs/docker-build-guide.md'] as string;
    expect(guide).toContain('How the parcel-monorepo images are built');
  });
});

describe('repository scripts and the product name are checked before anything is written', () => {
  test('a repository script that does not exist is a ConfigError naming the option', () => {
    const { root } = parcel({ repositoryScripts: { dockerEnv: 'tools/docker-env.sh' } });
    expect(() => Testing.synth(root)).toThrow('BuildGuide: repositoryScripts.dockerEnv "tools/docker-env.sh" is not allowed: a script that exists in the repository');
  });

  test('a repository script that exists is named where it applies', () => {
    const { root } = parcel({ repositoryScripts: { dockerEnv: 'docker-env.sh', installTools: 'install-tools.sh' }, scriptsOnDisk: ['docker-env.sh', 'install-tools.sh'] });
    const guide = Testing.synth(root)['docs/docker-build-guide.md'] as string;
    expect(guide).toContain('`. docker-env.sh` first starts a local engine');
    expect(guide).toContain('Trivy v0.74.0 (pinned in `install-tools.sh`, which installs the same release locally)');
  });

  test('a product name with Markdown in it is refused', () => {
    const { root } = parcel({ productName: 'Par`cel' });
    expect(() => Testing.synth(root)).toThrow('BuildGuide: productName "Par`cel" is not allowed: one line of 1 to 80 characters');
  });
});
