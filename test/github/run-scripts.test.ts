/**
 * The remaining `run:` scripts of the image workflows, each executed as GitHub's runner would
 * (bash -e, the step's env rendered from the contexts, a fake GITHUB_OUTPUT and summary): the
 * build clock and time budget, the scan reports (a real Trivy report converted by the real
 * Trivy), the check that the pushed image is the scanned one, the publish summary, and the
 * daily scan's look-up of the deployed image in a real registry. Together with events.test.ts
 * and publish-job.test.ts, every run: script of images.yml, reusable-build.yml and
 * scan-deployed.yml is executed; the last test here checks that no script is left out.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { githubContext, gitRepo, loadWorkflow, runStep, SimEvent } from './simulate';
import { pushImage, startRegistry, TestRegistry } from '../registry';

const reusable = loadWorkflow('reusable-build.yml');
const scanDeployed = loadWorkflow('scan-deployed.yml');
const named = (job: any, name: string) => {
  const s = (job.steps as any[]).find((x) => x.name === name);
  if (!s) throw new Error(`no step named ${name}`);
  return s;
};
const repo = gitRepo();
const push: SimEvent = { name: 'push', ref: 'refs/heads/main', sha: repo.git('rev-parse', 'HEAD') };
const base = { github: githubContext(push), inputs: { service: 'api' } };
const jobEnv = { SERVICE: 'api' };

/** The run: steps whose scripts the tests execute, by workflow; every other step is an action. */
const EXECUTED = {
  'images.yml': ['Images whose sources changed (all of them on a deploy, a release or a dispatch)', 'Every image built, scanned and published, or unchanged'],
  'reusable-build.yml': [
    'Build clock', 'Tags and labels (the tag script, as local builds)', 'Image already built from these sources?', 'Build time',
    'Scan reports: SARIF for code scanning, tables for the job summary', 'The pushed image is the scanned image', 'The image to tag',
    'Moving tags only from the newest build of this service', 'Tag the image (by digest; immutable tags never move)', 'Summary', 'Is code scanning available here?',
    'Sign the digest (keyless, this workflow\'s OIDC identity)', 'Verify the signature (identity and issuer)',
    'Image size against the default branch',
  ],
  'scan-deployed.yml': ['The deployed image (latest), by digest', 'Is code scanning available here?'],
};

test('the build clock is the epoch of now', () => {
  const r = runStep(named(reusable.jobs.scan, 'Build clock'), base, { cwd: repo.dir });
  expect(Math.abs(Number(r.outputs.epoch) - Date.now() / 1000)).toBeLessThan(60);
});

test('the build time goes to the summary, flagged when over the budget', () => {
  const step = named(reusable.jobs.scan, 'Build time');
  const run = (started: number) => runStep(step, { ...base, steps: { clock: { outputs: { epoch: String(started) } }, build: { outcome: 'success' } } }, { cwd: repo.dir, jobEnv });
  const now = Math.floor(Date.now() / 1000);
  const quick = run(now - 42);
  expect(quick.summary).toMatch(/\| api \| success \| 4[23]s \| within the 5-minute budget \|/);
  expect(quick.stdout).not.toContain('::warning');
  const slow = run(now - 400);
  expect(slow.summary).toContain('OVER the 5-minute budget');
  expect(slow.stdout).toMatch(/::warning title=Slow build::api took 40[01]s/);
});

test('scan reports: a real Trivy JSON report becomes SARIF and a table in the summary', () => {
  // A report as the secret scan writes it: Trivy's own JSON, from a folder holding a private key.
  const work = path.join(repo.dir, 'scan-work');
  mkdirSync(path.join(work, 'leak'), { recursive: true });
  writeFileSync(path.join(work, 'leak', 'id_rsa'), `-----BEGIN RSA PRIVATE KEY-----\n${'MIIEowIBAAKCAQEA'.repeat(4)}\n-----END RSA PRIVATE KEY-----\n`);
  const report = path.join(work, 'trivy-secret.json');
  const trivy = spawnSync('trivy', ['fs', '--quiet', '--scanners', 'secret', '--format', 'json', '--output', report, path.join(work, 'leak')], { encoding: 'utf8' });
  expect(trivy.status).toBe(0);
  const r = runStep(named(reusable.jobs.scan, 'Scan reports: SARIF for code scanning, tables for the job summary'), base, { cwd: work, jobEnv });
  expect(r.status).toBe(0);
  expect(existsSync(path.join(work, 'trivy-secret.sarif'))).toBe(true);
  expect(existsSync(path.join(work, 'trivy-vuln.sarif'))).toBe(false); // no vulnerability report: skipped, no error
  expect(r.summary).toContain('#### Trivy secret scan of api');
  expect(r.summary).toMatch(/private-key|Private Key/i);
});

test('the pushed image must be the scanned image', () => {
  const step = named(reusable.jobs.publish, 'The pushed image is the scanned image');
  const run = (scanned: string, pushed: string) => {
    const steps = { build: { outputs: { imageid: scanned } }, push: { outputs: { imageid: pushed } } };
    return runStep(step, { ...base, steps }, { cwd: repo.dir });
  };
  const id = `sha256:${'a'.repeat(64)}`;
  expect(run(id, id).status).toBe(0);
  const other = run(id, `sha256:${'b'.repeat(64)}`);
  expect(other.status).toBe(1);
  expect(other.stdout).toContain('::error title=Not the scanned image::');
  expect(run('', '').status).toBe(1);
});

test('the publish summary says whether the image was promoted or built', () => {
  const step = named(reusable.jobs.publish, 'Summary');
  const run = (found: string) => runStep(step, { ...base, steps: { image: { outputs: { ref: 'r/acme/api@sha256:1' } }, guard: { outputs: { tags: 'abc1234 latest' } }, existing: { outputs: { found } } } }, { cwd: repo.dir, jobEnv });
  expect(run('true').summary).toBe('#### Published api\npromoted (not rebuilt): `r/acme/api@sha256:1`\n- abc1234\n- latest\n');
  expect(run('false').summary).toContain('built, scanned and pushed: `r/acme/api@sha256:1`');
});

describe('keyless signing: the digest is signed, then verified against this workflow\'s identity', () => {
  // Keyless signing needs GitHub's OIDC token, Fulcio and Rekor: cosign is played by a script that
  // records its arguments (the key-pair signing tests run the real cosign against a real registry).
  const fake = (status: number) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fake-cosign-'));
    writeFileSync(path.join(dir, 'cosign'), `#!/usr/bin/env bash\nprintf '%s\\n' "$*" >> "${dir}/calls"\nexit ${status}\n`);
    chmodSync(path.join(dir, 'cosign'), 0o755);
    return dir;
  };
  const digestRef = `r.example/acme/api@sha256:${'c'.repeat(64)}`;
  const ctx = { ...base, github: { ...base.github, server_url: 'https://github.com' }, steps: { image: { outputs: { ref: digestRef } } } };

  test('the exact digest is signed, never a tag', () => {
    const dir = fake(0);
    const r = runStep(named(reusable.jobs.publish, 'Sign the digest (keyless, this workflow\'s OIDC identity)'), ctx, { cwd: repo.dir, extraPath: dir });
    expect(r.status).toBe(0);
    expect(readFileSync(path.join(dir, 'calls'), 'utf8')).toBe(`sign --yes ${digestRef}\n`);
  });

  test('verification checks this repository\'s reusable workflow at the run\'s ref, and GitHub\'s issuer', () => {
    const dir = fake(0);
    const r = runStep(named(reusable.jobs.publish, 'Verify the signature (identity and issuer)'), ctx, { cwd: repo.dir, extraPath: dir });
    expect(r.status).toBe(0);
    expect(readFileSync(path.join(dir, 'calls'), 'utf8')).toBe(
      `verify --certificate-identity https://github.com/acme/qualisys/.github/workflows/reusable-build.yml@refs/heads/main --certificate-oidc-issuer https://token.actions.githubusercontent.com ${digestRef}\n`);
    expect(r.summary).toBe('Signed by https://github.com/acme/qualisys/.github/workflows/reusable-build.yml@refs/heads/main\n');
    expect(runStep(named(reusable.jobs.publish, 'Verify the signature (identity and issuer)'), ctx, { cwd: repo.dir, extraPath: fake(1) }).status).toBe(1);
  });
});

describe('pull requests: the image size against the default branch\'s image', () => {
  // The step's own logic: which reference it asks for. The size script itself is tested against a
  // real registry and engine (test/docker/image-size.test.ts, test/images/registry.test.ts).
  const step = named(reusable.jobs.scan, 'Image size against the default branch');
  const stubRepo = gitRepo();
  writeFileSync(path.join(stubRepo.dir, 'scripts', 'image-size.mjs'), 'console.log(JSON.stringify(process.argv.slice(2)));\n');
  const run = (registry: string) => runStep(step, {
    ...base, inputs: { image: 'qualisys/api', base: 'node:24-alpine@sha256:abc' }, steps: { login: { outputs: { registry } } },
  }, { cwd: stubRepo.dir, jobEnv: { SERVICE: 'api', LOCAL_REF: 'local/api:scan' } });

  test('with a registry login: compared with <registry>/<image>:latest', () => {
    const r = run('123.dkr.ecr.eu-west-1.amazonaws.com');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(['--image', 'local/api:scan', '--base', 'node:24-alpine@sha256:abc', '--service', 'api',
      '--reference', '123.dkr.ecr.eu-west-1.amazonaws.com/qualisys/api:latest', '--format', 'github']);
  });

  test('without one (a fork, Dependabot, a role that does not trust pull requests): sizes only, and a notice that says why', () => {
    const r = run('');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toContain('::notice title=No size reference::');
    expect(JSON.parse(lines[1])).toEqual(['--image', 'local/api:scan', '--base', 'node:24-alpine@sha256:abc', '--service', 'api', '--format', 'github']);
  });

  test('the login of a pull request never fails the build, and never runs for forks or Dependabot', () => {
    const logins = (reusable.jobs.scan.steps as any[]).filter((s) => /aws-actions|docker\/login-action/.test(s.uses ?? ''));
    expect(logins.length).toBeGreaterThan(0);
    for (const s of logins) {
      expect(s['continue-on-error']).toBe(true);
      expect(s.if).toBe("github.event.pull_request.head.repo.full_name == github.repository && github.actor != 'dependabot[bot]'");
    }
  });
});

describe('the daily scan reads the deployed image by digest', () => {
  let registry: TestRegistry;
  beforeAll(async () => { registry = await startRegistry(); });
  afterAll(() => registry?.stop());
  const step = named(scanDeployed.jobs.scan, 'The deployed image (latest), by digest');
  const run = () => runStep(step, { ...base, matrix: { image: 'acme/api', service: 'api' }, steps: { login: { outputs: { registry: registry.host } } } }, { cwd: repo.dir, env: { REGISTRY_TLS_VERIFY: 'false' } });

  test('no deployed image: the run fails, saying nothing was scanned', () => {
    const r = run();
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`::error title=No deployed image::${registry.host}/acme/api:latest cannot be read (exit 1): nothing was scanned.`);
  });

  test('the deployed image: its digest is what Trivy scans', () => {
    const digest = pushImage(registry.host, 'acme/api', 'latest', 'deployed');
    const r = run();
    expect(r.status).toBe(0);
    expect(r.outputs.ref).toBe(`${registry.host}/acme/api@${digest}`);
  });
});

describe('projen\'s build workflow: a generated file that differs fails the pull request', () => {
  const build = loadWorkflow('build.yml').jobs.build;
  const find = build.steps.find((s: { id?: string }) => s.id === 'self_mutation');

  test('no change: no mutation reported', () => {
    const clean = gitRepo();
    const r = runStep(find, base, { cwd: clean.dir });
    expect(r.status).toBe(0);
    expect(r.outputs.self_mutation_happened).toBeUndefined();
  });

  test('a changed generated file: the mutation is reported and kept as a patch', () => {
    const dirty = gitRepo();
    writeFileSync(path.join(dirty.dir, 'base-images.lock.json'), '{"edited": true}');
    const r = runStep(find, base, { cwd: dirty.dir });
    expect(r.outputs.self_mutation_happened).toBe('true');
    expect(existsSync(path.join(dirty.dir, 'repo.patch'))).toBe(true);
    const fail = build.steps.find((s: { name?: string }) => s.name === 'Fail build on mutation');
    expect(runStep(fail, base, { cwd: dirty.dir }).status).toBe(1);
  });
});

test('no run: script of the image workflows is left out of the tests', () => {
  for (const [file, executed] of Object.entries(EXECUTED)) {
    const wf = loadWorkflow(file);
    const scripts = Object.values(wf.jobs as Record<string, any>).flatMap((j) => (j.steps ?? []).filter((s: any) => typeof s.run === 'string').map((s: any) => s.name));
    expect([...new Set(scripts)].sort()).toEqual([...executed].sort());
  }
});
