/**
 * The remaining `run:` scripts of the image workflows, each executed as GitHub's runner would
 * (bash -e, the step's env rendered from the contexts, a fake GITHUB_OUTPUT and summary): the
 * build clock and time budget, the scan reports (a real Trivy report converted by the real
 * Trivy), signing and verifying the digest (keyless or with the repository's key), the publish
 * summary, and the daily scan's look-up of the deployed image (the newest deploy tag) in a real
 * registry. Together with events.test.ts
 * and publish-job.test.ts, every run: script of images.yml, reusable-build.yml and
 * scan-deployed.yml is executed; the last test here checks that no script is left out.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { linter } from '../fixtures';
import { condition } from './expressions';
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

const SIGN = 'Sign the digest (keyless with this workflow\'s OIDC identity, or the repository\'s key)';
const VERIFY = 'Verify the signature (identity and issuer, or the repository\'s key)';
const DEPLOYED = 'The deployed image (the newest deploy tag), by digest';

/** The run: steps whose scripts the tests execute, by workflow; every other step is an action. */
const EXECUTED = {
  'images.yml': ['Images whose sources changed (all of them on a deploy, a release or a dispatch)', 'Every image built, scanned and published, or unchanged'],
  'reusable-build.yml': [
    'Build clock', 'Tags and labels (the tag script, as local builds)', 'Image already built from these sources?', 'Build time',
    'Scan reports: SARIF for code scanning, tables for the job summary', 'The image to tag',
    'Moving tags only from the newest build of this service', 'Tag the image (by digest; immutable tags never move)', 'Summary', 'Is code scanning available here?',
    SIGN, VERIFY,
    'Image size against the default branch',
  ],
  'scan-deployed.yml': [DEPLOYED, 'Is code scanning available here?'],
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
  const trivy = linter('trivy', ['fs', '--quiet', '--scanners', 'secret', '--format', 'json', '--output', report, path.join(work, 'leak')]);
  expect(trivy.status).toBe(0);
  const r = runStep(named(reusable.jobs.scan, 'Scan reports: SARIF for code scanning, tables for the job summary'), base, { cwd: work, jobEnv });
  expect(r.status).toBe(0);
  expect(existsSync(path.join(work, 'trivy-secret.sarif'))).toBe(true);
  expect(existsSync(path.join(work, 'trivy-vuln.sarif'))).toBe(false); // no vulnerability report: skipped, no error
  expect(r.summary).toContain('#### Trivy secret scan of api');
  expect(r.summary).toMatch(/private-key|Private Key/i);
});

test('the publish summary says whether the image was promoted or built', () => {
  const step = named(reusable.jobs.publish, 'Summary');
  const run = (found: string) => runStep(step, { ...base, steps: { image: { outputs: { ref: 'r/acme/api@sha256:1' } }, guard: { outputs: { tags: 'abc1234 latest' } }, existing: { outputs: { found } } } }, { cwd: repo.dir, jobEnv });
  expect(run('true').summary).toBe('#### Published api\npromoted (not rebuilt): `r/acme/api@sha256:1`\n- abc1234\n- latest\n');
  expect(run('false').summary).toContain('built, scanned and pushed: `r/acme/api@sha256:1`');
});

describe('signing: the digest is signed unless already signed, then verified, before any tag', () => {
  // Keyless signing needs GitHub's OIDC token, Fulcio and Rekor, and the key-pair path a registry:
  // cosign is played by a script that records its arguments and the key variables it was given,
  // and whose `verify` and `sign` exit with the given statuses.
  const fake = (verify: number, sign = 0) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fake-cosign-'));
    writeFileSync(path.join(dir, 'cosign'), [
      '#!/usr/bin/env bash',
      `printf '%s\\n' "$*" >> "${dir}/calls"`,
      `printf '%s|%s|%s\\n' "\${COSIGN_PRIVATE_KEY:-}" "\${COSIGN_PASSWORD:-}" "\${COSIGN_PUBLIC_KEY:-}" >> "${dir}/keys"`,
      `case "$1" in verify) exit ${verify} ;; sign) exit ${sign} ;; esac`,
      'exit 99',
      '',
    ].join('\n'));
    chmodSync(path.join(dir, 'cosign'), 0o755);
    return { dir, calls: () => (existsSync(path.join(dir, 'calls')) ? readFileSync(path.join(dir, 'calls'), 'utf8') : ''), keys: () => readFileSync(path.join(dir, 'keys'), 'utf8') };
  };
  const digestRef = `r.example/acme/api@sha256:${'c'.repeat(64)}`;
  const identity = 'https://github.com/acme/qualisys/.github/workflows/reusable-build.yml@refs/heads/main';
  const keyless = { ...base, github: { ...base.github, server_url: 'https://github.com' }, steps: { image: { outputs: { ref: digestRef } } }, secrets: {}, vars: {} };
  const PRIVATE = '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nfake\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----';
  const PUBLIC = '-----BEGIN PUBLIC KEY-----\nfake\n-----END PUBLIC KEY-----';
  const withKey = (publicKey = PUBLIC) => ({ ...keyless, secrets: { COSIGN_PRIVATE_KEY: PRIVATE, COSIGN_PASSWORD: 'pw' }, vars: { COSIGN_PUBLIC_KEY: publicKey } });
  const sign = reusable.jobs.publish.steps.find((s: any) => s.id === 'sign');
  const run = (step: any, ctx: any, dir: string) => runStep(step, ctx, { cwd: repo.dir, extraPath: dir });

  test('the steps are the ones named', () => {
    expect(sign.name).toBe(SIGN);
    expect(named(reusable.jobs.publish, VERIFY)).toBeDefined();
  });

  test('keyless: an unsigned digest is signed, the exact digest and never a tag', () => {
    const c = fake(1);
    const r = run(sign, keyless, c.dir);
    expect(r.status).toBe(0);
    expect(c.calls()).toBe(`verify --certificate-identity ${identity} --certificate-oidc-issuer https://token.actions.githubusercontent.com ${digestRef}\nsign --yes ${digestRef}\n`);
    expect(c.keys()).toBe('||\n||\n');
  });

  test('keyless: a digest this workflow already signed (a promotion, a re-run) is not signed again', () => {
    const c = fake(0);
    const r = run(sign, keyless, c.dir);
    expect(r.status).toBe(0);
    expect(c.calls()).toBe(`verify --certificate-identity ${identity} --certificate-oidc-issuer https://token.actions.githubusercontent.com ${digestRef}\n`);
    expect(r.stdout).toContain(`${digestRef} is already signed by ${identity}.`);
  });

  test('with the repository\'s key: verified with the public key first, then signed with the private key, no transparency log', () => {
    const c = fake(1);
    const r = run(sign, withKey(), c.dir);
    expect(r.status).toBe(0);
    expect(c.calls()).toBe(`verify --key env://COSIGN_PUBLIC_KEY --insecure-ignore-tlog=true ${digestRef}\n`
      + `sign --key env://COSIGN_PRIVATE_KEY --use-signing-config=false --tlog-upload=false --yes ${digestRef}\n`);
    // cosign reads the keys and the password from the environment, never from the command line.
    expect(c.keys()).toBe(`${PRIVATE}|pw|${PUBLIC}\n`.repeat(2));
    expect(c.calls()).not.toContain('PRIVATE KEY');
  });

  test('with the repository\'s key, already signed with it: nothing signed again', () => {
    const c = fake(0);
    const r = run(sign, withKey(), c.dir);
    expect(r.status).toBe(0);
    expect(c.calls()).toBe(`verify --key env://COSIGN_PUBLIC_KEY --insecure-ignore-tlog=true ${digestRef}\n`);
    expect(r.stdout).toContain(`${digestRef} is already signed with the repository's key.`);
  });

  test('with the private key and no public key: signed without a check first (the verify step then says what is missing)', () => {
    const c = fake(0);
    expect(run(sign, withKey(''), c.dir).status).toBe(0);
    expect(c.calls()).toBe(`sign --key env://COSIGN_PRIVATE_KEY --use-signing-config=false --tlog-upload=false --yes ${digestRef}\n`);
  });

  test('a failed signature fails the step, keyless or with the key', () => {
    expect(run(sign, keyless, fake(1, 1).dir).status).toBe(1);
    expect(run(sign, withKey(), fake(1, 1).dir).status).toBe(1);
  });

  test('verification checks this repository\'s reusable workflow at the run\'s ref, and GitHub\'s issuer', () => {
    const c = fake(0);
    const r = run(named(reusable.jobs.publish, VERIFY), keyless, c.dir);
    expect(r.status).toBe(0);
    expect(c.calls()).toBe(`verify --certificate-identity ${identity} --certificate-oidc-issuer https://token.actions.githubusercontent.com ${digestRef}\n`);
    expect(r.summary).toBe(`Signed by ${identity}\n`);
    expect(run(named(reusable.jobs.publish, VERIFY), keyless, fake(1).dir).status).toBe(1);
  });

  test('with the repository\'s key: verified with the public key', () => {
    const c = fake(0);
    const r = run(named(reusable.jobs.publish, VERIFY), withKey(), c.dir);
    expect(r.status).toBe(0);
    expect(c.calls()).toBe(`verify --key env://COSIGN_PUBLIC_KEY --insecure-ignore-tlog=true ${digestRef}\n`);
    expect(r.summary).toBe('Signed with the repository\'s key (COSIGN_PUBLIC_KEY)\n');
    expect(run(named(reusable.jobs.publish, VERIFY), withKey(), fake(1).dir).status).toBe(1);
  });

  test('the private key without the public key: an error that says what to set, and no tag (the step fails)', () => {
    const c = fake(0);
    const r = run(named(reusable.jobs.publish, VERIFY), withKey(''), c.dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('::error title=No public key::the COSIGN_PRIVATE_KEY secret is set but the COSIGN_PUBLIC_KEY variable is not');
    expect(c.calls()).toBe('');
  });

  test('signed and verified before the guard and the tag step, which run only when they passed', () => {
    const steps = reusable.jobs.publish.steps as any[];
    const at = (name: string) => steps.findIndex((s) => s.name === name);
    expect(at(SIGN)).toBeLessThan(at(VERIFY));
    expect(at(VERIFY)).toBeLessThan(at('Moving tags only from the newest build of this service'));
    expect(at(VERIFY)).toBeLessThan(at('Tag the image (by digest; immutable tags never move)'));
    for (const name of [SIGN, VERIFY, 'Tag the image (by digest; immutable tags never move)']) {
      expect(condition(steps[at(name)].if, {}, { failed: true })).toBe(false);
    }
  });
});

describe('pull requests: the image size against the default branch\'s image', () => {
  // The step's own logic: which reference it asks for. The size script itself is tested against a
  // real registry and engine (test/docker/image-size.test.ts, test/images/registry.test.ts).
  const step = named(reusable.jobs.scan, 'Image size against the default branch');
  const stubRepo = gitRepo();
  writeFileSync(path.join(stubRepo.dir, 'scripts', 'image-size.mjs'), 'console.log(JSON.stringify(process.argv.slice(2)));\n');
  const run = (registry: string, vars: Record<string, string> = {}) => runStep(step, {
    ...base, vars, inputs: { image: 'qualisys/api', base: 'node:24-alpine@sha256:abc', base_arg: 'NODE_IMAGE' }, steps: { login: { outputs: { registry } } },
  }, { cwd: stubRepo.dir, jobEnv: { SERVICE: 'api', LOCAL_REF: 'local/api:scan' } });

  test('a base from a mirror (IMAGE_BUILD_ARGS names the base\'s build argument): compared with that base', () => {
    const r = run('r.example', { IMAGE_BUILD_ARGS: 'OTHER=x\nNODE_IMAGE=mirror.example/node:24\n' });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(['--image', 'local/api:scan', '--base', 'mirror.example/node:24', '--service', 'api',
      '--reference', 'r.example/qualisys/api:latest', '--format', 'github']);
  });

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

describe('the daily scan reads the deployed image (the newest deploy tag) by digest', () => {
  let registry: TestRegistry;
  beforeAll(async () => { registry = await startRegistry(); });
  afterAll(() => registry?.stop());
  const job = scanDeployed.jobs.scan;
  const step = named(job, DEPLOYED);
  const matrix = (image: string, deployment: string, prefix: string) => ({ image, service: 'api', deployment, prefix });
  const run = (m: ReturnType<typeof matrix>, host = registry.host) => runStep(step, { ...base, matrix: m, steps: { login: { outputs: { registry: host } } } }, { cwd: repo.dir, env: { REGISTRY_TLS_VERIFY: 'false' } });
  // What the later steps do with the step's output: GitHub's own expression evaluation.
  const later = (ref: string) => (job.steps as any[]).filter((s) => ['vuln', 'available'].includes(s.id)).map((s) => condition(s.if, { steps: { deployed: { outputs: { ref } } } }));

  test('the matrix: every service in every deployment, with its tag prefix', () => {
    const include = job.strategy.matrix.include;
    expect(include).toHaveLength(6);
    expect(include.filter((i: any) => i.service === 'api')).toEqual([
      { service: 'api', image: 'qualisys/api', deployment: 'staging', prefix: 'staging-' },
      { service: 'api', image: 'qualisys/api', deployment: 'production', prefix: 'production-v' },
    ]);
  });

  test('nothing deployed yet (no repository): a notice, an empty ref, the scan and upload skipped, the job green', () => {
    const r = run(matrix('acme/never', 'production', 'production-v'));
    expect(r.status).toBe(0);
    expect(r.outputs).toEqual({ ref: '' });
    expect(r.stdout).toContain(`::notice title=Nothing deployed::${registry.host}/acme/never has no production-v* tag: nothing was deployed to production yet.`);
    expect(later('')).toEqual([false, false]);
  });

  test('images, but none with the deployment\'s prefix: nothing deployed there yet', () => {
    pushImage(registry.host, 'acme/staged', 'staging-20261130', 'staged only');
    const r = run(matrix('acme/staged', 'production', 'production-v'));
    expect(r.status).toBe(0);
    expect(r.outputs.ref).toBe('');
    expect(r.stdout).toContain('::notice title=Nothing deployed::');
  });

  test('staging: the newest staging tag, by date, and its digest is what Trivy scans', () => {
    pushImage(registry.host, 'acme/api', 'staging-20261130', 'older deploy');
    const newest = pushImage(registry.host, 'acme/api', 'staging-20261201', 'newest deploy');
    pushImage(registry.host, 'acme/api', 'latest', 'main, not deployed');
    const r = run(matrix('acme/api', 'staging', 'staging-'));
    expect(r.status).toBe(0);
    expect(r.outputs.ref).toBe(`${registry.host}/acme/api@${newest}`);
    expect(r.summary).toBe(`Scanning ${registry.host}/acme/api:staging-20261201 (${newest}), deployed to staging\n`);
    expect(later(r.outputs.ref)).toEqual([true, true]);
  });

  test('production: the newest release in version order (v1.10.0 after v1.9.2)', () => {
    pushImage(registry.host, 'acme/api', 'production-v1.9.2', 'release 1.9.2');
    const newest = pushImage(registry.host, 'acme/api', 'production-v1.10.0', 'release 1.10.0');
    const r = run(matrix('acme/api', 'production', 'production-v'));
    expect(r.status).toBe(0);
    expect(r.outputs.ref).toBe(`${registry.host}/acme/api@${newest}`);
  });

  test('a registry that cannot be read fails the run, saying nothing was scanned', () => {
    const r = run(matrix('acme/api', 'staging', 'staging-'), '127.0.0.1:9');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('::error title=No deployed image::the tags of 127.0.0.1:9/acme/api cannot be read (exit 2): nothing was scanned.');
    expect(r.outputs.ref).toBeUndefined();
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
