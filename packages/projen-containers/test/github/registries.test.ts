/**
 * The registries CI pushes to (ECR, GHCR, Docker Hub, any other), each job's permissions
 * (id-token only where keyless signing or AWS OIDC needs it), a project without staging, and
 * the default branch from the project.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { github, javascript, Testing } from 'projen';
import { parse } from 'yaml';
import { registryAccessFacts, registryAccessSection } from '../../src/docs/registry-section';
import { ActionPins } from '../../src/github/action-pins';
import { DeployedScanWorkflow } from '../../src/github/deployed-scan-workflow';
import { ImageCiWorkflow } from '../../src/github/image-ci-workflow';
import { PinWorkflows } from '../../src/github/pin-workflows';
import { PublishScript } from '../../src/github/publish-script';
import { QUALIFY_SHELL, Registry, RegistryOptions } from '../../src/github/registry';
import { ReusableBuildWorkflow } from '../../src/github/reusable-build-workflow';
import { TrivyIgnore } from '../../src/github/trivy-ignore';
import { ImageTagScript, ImageTagScriptOptions, projectDefaultBranch } from '../../src/image-tag-script';
import { qualifiedRepository, registryProblem } from '../../src/image-tags/docker-reference';
import { TAG_POLICY_DEFAULTS } from '../../src/image-tags/policy';
import { ConfigError } from '../../src/validate';
import { linter, REPO_ROOT, tempOutdir } from '../fixtures';

const IMAGES = [{ service: 'orders', context: 'orders', dockerfile: 'orders/Dockerfile', image: 'acme/orders' }] as never;
const WORKFLOWS = ['images.yml', 'reusable-build.yml', 'scan-deployed.yml'].map((f) => `.github/workflows/${f}`);

/** A stranger's project: its own registry and tag policy, the size comparison on. */
function system(registry: Registry | RegistryOptions, tags: ImageTagScriptOptions = {}) {
  const outdir = tempOutdir();
  writeFileSync(path.join(outdir, 'github-actions.lock.json'), readFileSync(path.join(REPO_ROOT, 'github-actions.lock.json')));
  const project = new github.GitHubProject({ name: 'p', outdir });
  const pins = new ActionPins(project);
  const tagScript = new ImageTagScript(project, tags);
  const publishScript = new PublishScript(project);
  const sizeScript = { command: 'node scripts/image-size.mjs', path: 'scripts/image-size.mjs' };
  const trivyIgnore = new TrivyIgnore(project);
  const reusable = new ReusableBuildWorkflow(project, { pins, registry, tagScript, publishScript, trivyIgnore, trivyVersion: 'v0.74.0', cosignVersion: 'v3.1.3', sizeScript });
  new ImageCiWorkflow(project, { pins, reusable, images: () => IMAGES, tagPolicy: tagScript.policy, sharedPaths: [tagScript.path] });
  const scan = new DeployedScanWorkflow(project, { pins, reusable, images: () => IMAGES });
  const files = Testing.synth(project);
  const yaml = (f: string) => parse(String(files[`.github/workflows/${f}`]));
  return { project, reusable, scan, files, yaml, tagScript };
}

/** actionlint (with shellcheck) and zizmor on the three workflows. */
function lint(files: Record<string, unknown>): string {
  const dir = tempOutdir();
  mkdirSync(path.join(dir, '.github', 'workflows'), { recursive: true });
  for (const f of WORKFLOWS) writeFileSync(path.join(dir, f), String(files[f]));
  // The repository's zizmor settings (its one documented exception).
  writeFileSync(path.join(dir, '.github', 'zizmor.yml'), readFileSync(path.join(REPO_ROOT, '.github', 'zizmor.yml')));
  const a = linter('actionlint', ['-no-color', ...WORKFLOWS], { cwd: dir });
  const z = linter('zizmor', ['--offline', '--min-severity', 'low', '--format', 'plain', '.github'], { cwd: dir });
  if (a.error || z.error) throw a.error ?? z.error;
  return [a.status === 0 ? '' : a.stdout + a.stderr, z.status === 0 ? '' : z.stdout + z.stderr].join('');
}

const REGISTRIES: [string, Registry][] = [
  ['ecr', Registry.ecr()],
  ['ghcr', Registry.ghcr()],
  ['ghcr with a namespace', Registry.ghcr({ namespace: 'acme' })],
  ['docker-hub', Registry.dockerHub({ usernameVariable: 'HUB_USER', tokenSecret: 'HUB_TOKEN' })],
  ['custom', Registry.custom({ host: 'harbor.example.com', namespace: 'shop', usernameVariable: 'HARBOR_USER', passwordSecret: 'HARBOR_PASSWORD' })],
];

describe.each(REGISTRIES)('%s', (kind, registry) => {
  const s = system(registry);
  const reusable = s.yaml('reusable-build.yml');
  const signsOrAws = (job: string) => reusable.jobs[job].permissions['id-token'];

  test('keyless signing: the publish job, and only it (with ECR: every job that logs in to AWS), gets id-token: write', () => {
    expect(reusable.jobs.publish.permissions['id-token']).toBe('write');
    expect(reusable.jobs.publish.steps.map((x: { id?: string }) => x.id)).toContain('sign');
    expect(signsOrAws('sarif')).toBeUndefined();
    const aws = kind === 'ecr' ? 'write' : undefined;
    expect(signsOrAws('scan')).toBe(aws);
    expect(s.yaml('scan-deployed.yml').jobs.scan.permissions['id-token']).toBe(aws);
    // The caller grants the union, so the called job may have it.
    expect(s.yaml('images.yml').jobs.orders.permissions['id-token']).toBe('write');
  });

  test('GHCR: packages: write to push, read to scan; no other registry asks for packages', () => {
    const expected = kind.startsWith('ghcr') ? ['write', 'read', 'read'] : [undefined, undefined, undefined];
    expect([reusable.jobs.publish.permissions.packages, reusable.jobs.scan.permissions.packages, s.yaml('scan-deployed.yml').jobs.scan.permissions.packages]).toEqual(expected);
  });

  test('the registry\'s secrets are declared by the reusable workflow and passed by name by its caller', () => {
    // Declared with the names the caller passes and the repository's settings show (GitHub matches them in any case; the YAML reads one way).
    const declared = Object.keys(reusable.on.workflow_call.secrets);
    const names = ['COSIGN_PRIVATE_KEY', 'COSIGN_PASSWORD', ...registry.secretNames];
    expect(declared).toEqual(names);
    expect(s.yaml('images.yml').jobs.orders.secrets).toEqual(Object.fromEntries(names.map((n) => [n, `\${{ secrets.${n} }}`])));
  });

  test('actionlint (with shellcheck) and zizmor find nothing', () => {
    expect(lint(s.files)).toBe('');
  });

  test('the docs list each job with the permissions the workflows grant', () => {
    const md = registryAccessSection(registryAccessFacts(s.reusable, s.scan)).join('\n');
    expect(md).toContain('| `reusable-build.yml: publish` | `contents: read`, ');
    expect(md).toMatch(/\| `reusable-build.yml: publish` \|[^\n]*`id-token: write`/);
    expect(md).not.toMatch(/\| `reusable-build.yml: sarif` \|[^\n]*id-token/);
    expect(/\| `scan-deployed.yml: scan` \|[^\n]*id-token/.test(md)).toBe(kind === 'ecr');
    for (const name of [...Object.keys(registry.settings.variables), ...registry.secretNames]) expect(md).toContain(`\`${name}\``);
  });
});

describe('the login of each registry', () => {
  const uses = (a: string) => `${a}@pinned`;

  test('GHCR without a namespace: the repository owner, lower-cased at run time', () => {
    const login = Registry.ghcr().login(uses);
    expect(login.host).toBe('${{ steps.registry.outputs.registry }}');
    const owner = login.steps.find((x) => x.id === 'registry')!;
    const out = path.join(tempOutdir(), 'out');
    const r = spawnSync('bash', ['-c', owner.run!], { env: { ...process.env, OWNER: 'AcMe-Corp', GITHUB_OUTPUT: out }, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('registry=ghcr.io/acme-corp\n');
    expect(Registry.ghcr().reference).toBeUndefined();
  });

  test('GHCR with a namespace, Docker Hub, a custom registry: user name from a variable, password from a secret', () => {
    expect(Registry.ghcr({ namespace: 'acme' }).login(uses).host).toBe('ghcr.io/acme');
    const hub = Registry.dockerHub().login(uses);
    expect(hub.steps).toEqual([expect.objectContaining({ uses: 'docker/login-action@pinned', with: { registry: 'docker.io', username: '${{ vars.DOCKERHUB_USERNAME }}', password: '${{ secrets.DOCKERHUB_TOKEN }}' } })]);
    const harbor = Registry.custom({ host: 'harbor.example.com:8443' }).login(uses);
    expect(harbor.host).toBe('harbor.example.com:8443');
    expect(harbor.steps[0].with).toEqual({ registry: 'harbor.example.com:8443', username: '${{ vars.REGISTRY_USERNAME }}', password: '${{ secrets.REGISTRY_PASSWORD }}' });
    expect(harbor.permissions).toEqual({ contents: 'read' });
  });

  test('reference: what DockerImages\' registry takes, one setting for push:docker and CI', () => {
    const refs = [
      Registry.ecr().reference,
      Registry.ecr({ host: '123456789012.dkr.ecr.eu-west-1.amazonaws.com' }).reference,
      Registry.ghcr({ namespace: 'acme' }).reference,
      Registry.dockerHub({ namespace: 'acme' }).reference,
      Registry.custom({ host: '127.0.0.1:5000', namespace: 'team/app' }).reference,
    ];
    expect(refs).toEqual([undefined, '123456789012.dkr.ecr.eu-west-1.amazonaws.com', 'ghcr.io/acme', 'docker.io/acme', '127.0.0.1:5000/team/app']);
    for (const r of refs.filter((x): x is string => !!x)) expect(registryProblem(r)).toBeUndefined();
  });

  test('the plain-object form is the same registry', () => {
    expect(Registry.of({ kind: 'docker-hub', tokenSecret: 'HUB' }).secretNames).toEqual(['HUB']);
    const r = Registry.ghcr();
    expect(Registry.of(r)).toBe(r);
  });

  test.each([
    [() => Registry.dockerHub({ tokenSecret: 'GITHUB_TOKEN' }), 'Registry: tokenSecret "GITHUB_TOKEN" is not allowed: UPPER_SNAKE_CASE'],
    [() => Registry.dockerHub({ usernameVariable: 'hub-user' }), 'Registry: usernameVariable "hub-user" is not allowed: UPPER_SNAKE_CASE'],
    [() => Registry.custom({ host: 'https://harbor.example.com' }), 'Registry: host "https://harbor.example.com" is not allowed: a registry host HOST[:PORT]'],
    [() => Registry.custom({ host: 'harbor.example.com/shop' }), 'Registry: host "harbor.example.com/shop" is not allowed'],
    [() => Registry.custom({} as never), 'Registry: host undefined is not allowed: a registry host HOST[:PORT] such as harbor.example.com or registry.example.com:5000, no scheme and no path (it is required).'],
    [() => Registry.custom({ host: 'harbor.example.com', passwordSecret: 'pw' }), 'Registry: passwordSecret "pw" is not allowed: UPPER_SNAKE_CASE'],
    [() => Registry.ghcr({ namespace: 'Acme' }), 'Registry: namespace "Acme" is not allowed: lowercase path components'],
    [() => Registry.ecr({ host: 'ghcr.io' }), 'Registry: host "ghcr.io" is not allowed: an ECR registry host'],
    [() => Registry.of({ kind: 'ghcr', roleArnVariable: 'AWS_ROLE_ARN' }), 'Registry: ghcr.roleArnVariable "AWS_ROLE_ARN" is not allowed: not an option; ghcr takes kind, namespace.'],
  ])('%s: a clear error', (make, message) => {
    expect(make).toThrow(ConfigError);
    expect(make).toThrow(message);
  });
});

describe('a namespace is never doubled: the workflows\' shell and the tag script agree', () => {
  test.each([
    ['ghcr.io/acme', 'acme/orders', 'ghcr.io/acme/orders'],
    ['ghcr.io/acme', 'orders', 'ghcr.io/acme/orders'],
    ['ghcr.io/acme', 'acmex/orders', 'ghcr.io/acme/acmex/orders'],
    ['ghcr.io/acme', 'shop/acme/orders', 'ghcr.io/acme/shop/acme/orders'],
    ['harbor.example.com:8443/team/app', 'team/app/api', 'harbor.example.com:8443/team/app/api'],
    ['harbor.example.com:8443/team/app', 'app/api', 'harbor.example.com:8443/team/app/app/api'],
    ['127.0.0.1:5000', 'acme/orders', '127.0.0.1:5000/acme/orders'],
  ])('%s + %s', (registry, image, expected) => {
    const [host, ...ns] = registry.split('/');
    expect(qualifiedRepository(ns.length ? { host, namespace: ns.join('/') } : { host }, image)).toBe(expected);
    const r = spawnSync('bash', ['-c', `${QUALIFY_SHELL}\nprintf '%s' "$repository"`], { env: { ...process.env, REGISTRY: registry, IMAGE: image }, encoding: 'utf8' });
    expect(r.stdout).toBe(expected);
  });

  test('the deployed scan and the size comparison use the rule where the registry has a namespace, and ECR keeps $REGISTRY/$IMAGE', () => {
    const ghcr = String(system(Registry.ghcr()).files['.github/workflows/scan-deployed.yml']);
    expect(ghcr).toContain('newest-tag "$repository" "$PREFIX"');
    const ecr = system(Registry.ecr());
    expect(String(ecr.files['.github/workflows/scan-deployed.yml'])).toContain('newest-tag "$REGISTRY/$IMAGE" "$PREFIX"');
    expect(String(ecr.files['.github/workflows/reusable-build.yml'])).not.toContain('ns=${REGISTRY#*/}');
  });
});

describe('a project without staging (stagingBranch: false)', () => {
  const s = system(Registry.ghcr(), { defaultBranch: 'trunk', stagingBranch: false });

  test('no staging trigger, dispatch choice, variable, deploy or deployment in the workflows', () => {
    const images = s.yaml('images.yml');
    expect(images.on.push.branches).toEqual(['trunk']);
    expect(images.on.workflow_dispatch.inputs.environment.options).toEqual(['none', 'production']);
    expect(s.yaml('scan-deployed.yml').jobs.scan.strategy.matrix.include.map((m: { deployment: string }) => m.deployment)).toEqual(['production']);
    for (const f of WORKFLOWS) expect(String(s.files[f])).not.toMatch(/staging/i);
    expect(lint(s.files)).toBe('');
  });

  test('the changes job decides a push to a branch named staging like any other branch', () => {
    const step = s.yaml('images.yml').jobs.changes.steps[1];
    const out = path.join(tempOutdir(), 'out');
    const env = { ...process.env, EVENT: 'push', REF_TYPE: 'branch', REF_NAME: 'staging', BEFORE: '', SHA: 'HEAD', GITHUB_OUTPUT: out, GITHUB_STEP_SUMMARY: '/dev/null', STAGING_BRANCH: 'staging' };
    const r = spawnSync('bash', ['-c', step.run], { cwd: REPO_ROOT, encoding: 'utf8', env });
    expect(r.stderr).toBe('');
    expect(readFileSync(out, 'utf8')).toBe('orders=true\nenvironment=\n');
  });

  test('the docs of the workflows name no staging tag', () => {
    const md = registryAccessSection(registryAccessFacts(s.reusable, s.scan)).join('\n');
    expect(md).not.toMatch(/staging/i);
  });

  test('PinWorkflows reserves the default branch only', () => {
    const outdir = tempOutdir();
    writeFileSync(path.join(outdir, 'github-actions.lock.json'), readFileSync(path.join(REPO_ROOT, 'github-actions.lock.json')));
    const project = new github.GitHubProject({ name: 'p', outdir });
    new ImageTagScript(project, { defaultBranch: 'trunk', stagingBranch: false });
    new PinWorkflows(project, { pins: new ActionPins(project), updateBranch: 'bot/pins' });
    expect(() => Testing.synth(project)).not.toThrow();
  });

  test('stagingBranch takes a branch or false, nothing else', () => {
    expect(() => system(Registry.ghcr(), { stagingBranch: true as never })).toThrow('ImageTagScript: stagingBranch true is not allowed: a branch name, or false for a project without staging.');
  });
});

describe('the default branch comes from the project', () => {
  const node = (options: Partial<javascript.NodeProjectOptions>) => new javascript.NodeProject({
    name: 'n', outdir: tempOutdir(), defaultReleaseBranch: 'trunk', packageManager: javascript.NodePackageManager.NPM, ...options,
  });

  test('a NodeProject\'s defaultReleaseBranch', () => {
    const p = node({});
    expect(projectDefaultBranch(p)).toBe('trunk');
    expect(new ImageTagScript(p).policy.defaultBranch).toBe('trunk');
    expect(String(Testing.synth(p)['scripts/image-tags.mjs'])).toContain('main({"defaultBranch":"trunk"');
  });

  test('an explicit defaultBranch wins; a project without releases gets the policy default', () => {
    expect(new ImageTagScript(node({}), { defaultBranch: 'develop' }).policy.defaultBranch).toBe('develop');
    const noRelease = node({ release: false });
    expect(projectDefaultBranch(noRelease)).toBeUndefined();
    expect(new ImageTagScript(noRelease).policy.defaultBranch).toBe(TAG_POLICY_DEFAULTS.defaultBranch);
  });

  test('a staging branch equal to the project\'s default branch is refused', () => {
    expect(() => new ImageTagScript(node({ defaultReleaseBranch: 'staging' }))).toThrow('ImageTagScript: stagingBranch "staging" is not allowed: a branch other than the default branch');
  });
});

describe('the update and Dependabot workflows regenerate with `npx projen`, whatever the project\'s .projenrc', () => {
  test('no step runs tsx or .projenrc.ts', () => {
    const outdir = tempOutdir();
    writeFileSync(path.join(outdir, 'github-actions.lock.json'), readFileSync(path.join(REPO_ROOT, 'github-actions.lock.json')));
    const project = new github.GitHubProject({ name: 'p', outdir });
    new PinWorkflows(project, { pins: new ActionPins(project) });
    const files = Testing.synth(project);
    const runs = ['update-base-images.yml', 'dependabot-sync.yml'].flatMap((f) => Object.values(parse(String(files[`.github/workflows/${f}`])).jobs as Record<string, { steps: { run?: string }[] }>)
      .flatMap((j) => j.steps.map((x) => x.run ?? '')));
    // As a command: a line that runs tsx, ts-node or node on a .projenrc (a message may name .projenrc.ts).
    expect(runs.join('\n')).not.toMatch(/^\s*(npx\s+)?(tsx|ts-node)\b|^\s*node\s+\.projenrc|\|\s*(tsx|ts-node)\b/m);
    expect(runs).toContain('npx projen sync-pins\nnpx projen\nnpx projen update-base-images -- --missing');
    expect(runs).toContain('npx projen update-base-images');
  });
});
