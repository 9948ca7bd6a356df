/**
 * What `images.yml` and `reusable-build.yml` do for each event, derived from the generated YAML:
 * which jobs run, which images build, with which permissions and environment, and which tags
 * they get. Every `run:` script involved is executed (bash, a real git repository, the tag
 * script); `if:` conditions are evaluated by GitHub's own expression library.
 */
import { condition, interpolate } from './expressions';
import { githubContext, gitRepo, loadWorkflow, runStep, SimEvent, stepById, triggers } from './simulate';

const images = loadWorkflow('images.yml');
const reusable = loadWorkflow('reusable-build.yml');
const SERVICES = ['api', 'web', 'playwright-runner'];
const REGISTRY = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const EPOCH = '1795000000'; // 2026-11-18 11:06:40 UTC

// One repository for every event: main has three commits (all, then api, then web + README).
const repo = gitRepo();
const c0 = repo.git('rev-parse', 'HEAD');
const c1 = repo.commit({ 'api/src/index.ts': '2' }, 'api change');
const c2 = repo.commit({ 'web/app/page.tsx': '2', 'README.md': '2' }, 'web change');
// A pull request changing playwright-runner, checked out as GitHub does: the merge commit into main.
repo.git('switch', '-q', '-c', 'feature/e2e', c2);
const head = repo.commit({ 'playwright-runner/tests/a.spec.ts': '2' }, 'e2e change');
repo.git('switch', '-q', '--detach', c2);
repo.git('merge', '-q', '--no-ff', '-m', 'Merge feature into main', 'feature/e2e');
const merge = repo.git('rev-parse', 'HEAD');
repo.git('tag', 'v1.2.3', c2);
repo.git('tag', 'v1.2.4-rc.1', c2);

interface ServiceRun {
  readonly with: Record<string, string>;
  readonly jobs: string[];
  readonly permissions: Record<string, unknown>;
  readonly environment?: string;
  readonly tags: string[];
  readonly tagsStep: ReturnType<typeof runStep>;
}

interface Run {
  readonly triggered: boolean;
  readonly changes: Record<string, string>;
  readonly summary: string;
  readonly services: Record<string, ServiceRun>;
}

/** One run of images.yml for an event, on the repository checked out at `checkout`. */
function simulate(e: SimEvent, checkout = e.sha): Run {
  const github = githubContext(e);
  const base = { github, inputs: e.inputs ?? {}, vars: {} };
  if (!triggers(images, e)) return { triggered: false, changes: {}, summary: '', services: {} };
  repo.git('checkout', '-q', '--detach', checkout);
  const decide = runStep(stepById(images.jobs.changes, 'decide'), base, { cwd: repo.dir });
  if (decide.status !== 0) throw new Error(`changes failed: ${decide.stderr}`);
  const needs = { changes: { result: 'success', outputs: decide.outputs } };
  const services: Record<string, ServiceRun> = {};
  for (const s of SERVICES) {
    const caller = images.jobs[s];
    if (!condition(caller.if, { ...base, needs })) continue;
    const inputs = Object.fromEntries(Object.entries(caller.with).map(([k, v]) => [k, interpolate(v, { ...base, needs })]));
    const typed = { ...inputs, publish: inputs.publish === 'true' };
    const ctx = { ...base, inputs: typed };
    const jobs = ['scan', 'publish'].filter((j) => condition(reusable.jobs[j].if, ctx));
    const jobNeeds = Object.fromEntries(['scan', 'publish'].map((j) => [j, { result: jobs.includes(j) ? 'success' : 'skipped' }]));
    if (condition(reusable.jobs.sarif.if, { ...ctx, needs: jobNeeds })) jobs.push('sarif');
    const job = reusable.jobs[jobs[0]];
    const steps = { clock: { outputs: { epoch: EPOCH } }, login: { outputs: { registry: REGISTRY } } };
    const tagsStep = runStep(stepById(job, 'tags'), { ...ctx, steps }, { cwd: repo.dir });
    services[s] = {
      with: inputs,
      jobs,
      permissions: caller.permissions,
      environment: job.environment === undefined ? undefined : interpolate(job.environment, ctx),
      tags: (tagsStep.outputs.tags ?? '').split('\n').filter(Boolean).map((t) => t.slice(t.lastIndexOf(':') + 1)),
      tagsStep,
    };
  }
  return { triggered: true, changes: decide.outputs, summary: decide.summary, services };
}

const push = (ref: string, sha: string, before?: string): SimEvent => ({ name: 'push', ref, sha, before });
const pr = (headRepo = 'acme/qualisys', actor = 'octocat'): SimEvent => ({
  name: 'pull_request',
  ref: 'refs/pull/7/merge',
  sha: merge,
  actor,
  pullRequest: { number: 7, headRepo, headRef: 'feature/e2e', headSha: head },
});

describe('pull requests: build and scan what the pull request changes, publish nothing', () => {
  const run = simulate(pr());

  test('only the images whose sources the merge commit changes', () => {
    expect(run.changes).toEqual({ 'api': 'false', 'web': 'false', 'playwright-runner': 'true', 'environment': '' });
    expect(Object.keys(run.services)).toEqual(['playwright-runner']);
    expect(run.summary).toContain('| playwright-runner | yes | changed in HEAD^1 HEAD |');
  });

  test('the scan job reads the repository (and may read the registry for the size comparison), has no environment; the code-scanning upload runs', () => {
    const s = run.services['playwright-runner'];
    expect(s.jobs).toEqual(['scan', 'sarif']);
    expect(reusable.jobs.scan.permissions).toEqual({ 'contents': 'read', 'id-token': 'write' });
    expect(s.environment).toBeUndefined();
    expect(s.with).toMatchObject({ publish: 'false', environment: '' });
  });

  test('tagged pr-N and by the head commit, never latest', () => {
    const s = run.services['playwright-runner'];
    expect(s.tags).toEqual(['pr-7', 'feature-e2e-20261118-110640', head.slice(0, 7)]);
    expect(s.tagsStep.outputs['moving-tags']).toBe('pr-7');
  });

  test('from a fork or from Dependabot: no code-scanning upload (read-only token), the scan still gates', () => {
    expect(simulate(pr('someone/qualisys')).services['playwright-runner'].jobs).toEqual(['scan']);
    expect(simulate(pr('acme/qualisys', 'dependabot[bot]')).services['playwright-runner'].jobs).toEqual(['scan']);
  });

  test('a newer push to the same pull request cancels the older run; pushes never share a group', () => {
    const group = (e: SimEvent, runId: string) => interpolate(images.concurrency.group, { github: { ...githubContext(e), run_id: runId, workflow: 'images' } });
    expect(group(pr(), '1')).toBe(group(pr(), '2'));
    expect(interpolate(images.concurrency['cancel-in-progress'], { github: githubContext(pr()) })).toBe('true');
    const main = push('refs/heads/main', c2, c1);
    expect(group(main, '1')).not.toBe(group(main, '2'));
    expect(interpolate(images.concurrency['cancel-in-progress'], { github: githubContext(main) })).toBe('false');
  });
});

describe('pushes to the default branch: each push publishes the images it changed', () => {
  test('every commit of a push is covered: before..after', () => {
    const run = simulate(push('refs/heads/main', c2, c0));
    expect(run.changes).toMatchObject({ 'api': 'true', 'web': 'true', 'playwright-runner': 'false', 'environment': '' });
  });

  test('one service changed: one publish job, latest among the tags, no environment', () => {
    const run = simulate(push('refs/heads/main', c1, c0));
    expect(Object.keys(run.services)).toEqual(['api']);
    const api = run.services.api;
    expect(api.jobs).toEqual(['publish', 'sarif']);
    expect(api.environment).toBe('');
    expect(api.tags).toEqual(['main-20261118-110640', c1.slice(0, 7), 'latest']);
    expect(api.tagsStep.outputs.image).toBe(`${REGISTRY}/qualisys/api`);
    expect(api.tagsStep.outputs['moving-tags']).toBe('latest');
  });

  test('a change outside every image (README) builds nothing of web twice: web only', () => {
    expect(simulate(push('refs/heads/main', c2, c1)).changes).toMatchObject({ 'api': 'false', 'web': 'true', 'playwright-runner': 'false' });
  });

  test('a new branch or rewritten history (before unknown) publishes every image', () => {
    expect(simulate(push('refs/heads/main', c2, '0'.repeat(40))).changes).toMatchObject({ 'api': 'true', 'web': 'true', 'playwright-runner': 'true' });
    expect(simulate(push('refs/heads/main', c2, 'f'.repeat(40))).changes).toMatchObject({ 'api': 'true', 'web': 'true', 'playwright-runner': 'true' });
  });

  test('the publish job may assume the registry role; the caller grants exactly the union of its jobs', () => {
    expect(reusable.jobs.publish.permissions).toEqual({ 'contents': 'read', 'id-token': 'write' });
    expect(images.jobs.api.permissions).toEqual({ 'contents': 'read', 'actions': 'read', 'security-events': 'write', 'id-token': 'write' });
  });
});

describe('deploys: every image, through a GitHub Environment', () => {
  test('a push to staging publishes every image with staging-YYYYMMDD, in the staging environment', () => {
    const run = simulate(push('refs/heads/staging', c2, c1));
    expect(run.changes).toEqual({ 'api': 'true', 'web': 'true', 'playwright-runner': 'true', 'environment': 'staging' });
    for (const s of SERVICES) {
      expect(run.services[s].environment).toBe('staging');
      expect(run.services[s].tags).toContain('staging-20261118');
      expect(run.services[s].tags).not.toContain('latest');
    }
    expect(run.services.api.tagsStep.outputs['moving-tags']).toBe('staging-20261118');
  });

  test('a release tag publishes every image with production-vX.Y.Z, in the production environment', () => {
    const run = simulate(push('refs/tags/v1.2.3', c2, '0'.repeat(40)));
    for (const s of SERVICES) {
      expect(run.services[s].environment).toBe('production');
      expect(run.services[s].tags).toEqual(['production-v1.2.3', 'v1.2.3-20261118-110640', c2.slice(0, 7)]);
    }
  });

  test('a pre-release tag gets its own tag, no production tag and no environment', () => {
    const run = simulate(push('refs/tags/v1.2.4-rc.1', c2, '0'.repeat(40)));
    expect(run.changes.environment).toBe('');
    expect(run.services.web.tags).toEqual(['v1.2.4-rc.1', 'v1.2.4-rc.1-20261118-110640', c2.slice(0, 7)]);
  });

  test('a dispatch with staging publishes every image of the ref into staging', () => {
    const run = simulate({ name: 'workflow_dispatch', ref: 'refs/heads/main', sha: c2, inputs: { environment: 'staging' } });
    expect(run.changes.environment).toBe('staging');
    expect(run.services.api.tags).toEqual(['staging-20261118', 'main-20261118-110640', c2.slice(0, 7), 'latest']);
  });

  test('a dispatch with production on a branch stops at the tag step, saying why', () => {
    const run = simulate({ name: 'workflow_dispatch', ref: 'refs/heads/main', sha: c2, inputs: { environment: 'production' } });
    expect(run.services.api.tagsStep.status).toBe(2);
    expect(run.services.api.tagsStep.stderr).toContain('A production build must be a release tag vX.Y.Z');
  });
});

describe('what never starts a run', () => {
  test.each([
    ['a push to another branch', push('refs/heads/feature/x', c2, c1)],
    ['a tag that is not a release', push('refs/tags/release-1', c2)],
  ])('%s', (_, e) => {
    expect(simulate(e).triggered).toBe(false);
  });
});

describe('the summary job: the one check to require', () => {
  const job = images.jobs.images;
  const results = (r: Record<string, string>) => ({ needs: Object.fromEntries(Object.entries(r).map(([k, v]) => [k, { result: v, outputs: {} }])) });
  const run = (r: Record<string, string>) => runStep(job.steps[0], { github: {}, ...results(r) }, { cwd: repo.dir }).status;

  test('it needs every job and runs whatever happened to them', () => {
    expect(job.needs).toEqual(['changes', ...SERVICES]);
    expect(condition(job.if, {}, { cancelled: true })).toBe(true);
    expect(condition(job.if, {}, { failed: true })).toBe(true);
  });

  test('green when every image job passed or had nothing to do; red on a failure or a cancel', () => {
    expect(run({ 'changes': 'success', 'api': 'success', 'web': 'skipped', 'playwright-runner': 'skipped' })).toBe(0);
    expect(run({ 'changes': 'success', 'api': 'failure', 'web': 'skipped', 'playwright-runner': 'skipped' })).toBe(1);
    expect(run({ 'changes': 'success', 'api': 'cancelled', 'web': 'success', 'playwright-runner': 'skipped' })).toBe(1);
    expect(run({ 'changes': 'failure', 'api': 'skipped', 'web': 'skipped', 'playwright-runner': 'skipped' })).toBe(1);
  });
});

describe('repository variables: GitHub\'s runners when unset, a BuildKit daemon and mirrors when set', () => {
  const e = push('refs/heads/main', c1, c0);
  const ctx = (vars: Record<string, string>) => ({
    github: githubContext(e),
    inputs: { service: 'api' },
    vars,
    steps: { tags: { outputs: { 'build-args': 'NODE_IMAGE=node:24-alpine@sha256:abc' } }, clock: { outputs: { epoch: EPOCH } } },
  });
  const buildx = (job: string) => stepById(reusable.jobs[job], 'set_up_buildx');
  const build = (job: string) => (reusable.jobs[job].steps as any[]).find((s) => s.uses?.startsWith('docker/build-push-action@'));
  const trivy = (job: string) => (reusable.jobs[job].steps as any[]).filter((s) => s.uses?.startsWith('aquasecurity/trivy-action@'));

  test.each(['scan', 'publish'])('%s: no variable, a BuildKit container as on GitHub\'s runners', (job) => {
    const w = buildx(job).with;
    expect(interpolate(w.driver, ctx({}))).toBe('docker-container');
    expect(interpolate(w.endpoint, ctx({}))).toBe('');
  });

  test.each(['scan', 'publish'])('%s: BUILDKIT_ENDPOINT set, the remote driver on that endpoint', (job) => {
    const w = buildx(job).with;
    const vars = { BUILDKIT_ENDPOINT: 'tcp://127.0.0.1:1234' };
    expect(interpolate(w.driver, ctx(vars))).toBe('remote');
    expect(interpolate(w.endpoint, ctx(vars))).toBe('tcp://127.0.0.1:1234');
    expect(interpolate(w.driver, ctx({ BUILDKIT_ENDPOINT: '' }))).toBe('docker-container'); // an empty variable is unset
  });

  test.each(['scan', 'publish'])('%s: IMAGE_BUILD_ARGS come last, after the pins (a mirror overrides a base image)', (job) => {
    const args = build(job).with['build-args'];
    expect(interpolate(args, ctx({})).split('\n')).toEqual(['NODE_IMAGE=node:24-alpine@sha256:abc', `SOURCE_DATE_EPOCH=${EPOCH}`, '']);
    const mirrored = interpolate(args, ctx({ IMAGE_BUILD_ARGS: 'NODE_IMAGE=mirror.local/node:24-alpine' })).split('\n');
    expect(mirrored).toEqual(['NODE_IMAGE=node:24-alpine@sha256:abc', `SOURCE_DATE_EPOCH=${EPOCH}`, 'NODE_IMAGE=mirror.local/node:24-alpine']);
  });

  test.each(['scan', 'publish'])('%s: the public Trivy databases, or the mirrors the variables name', (job) => {
    for (const s of trivy(job)) {
      expect(interpolate(s.env.TRIVY_DB_REPOSITORY, ctx({}))).toBe('public.ecr.aws/aquasecurity/trivy-db:2,ghcr.io/aquasecurity/trivy-db:2');
      expect(interpolate(s.env.TRIVY_JAVA_DB_REPOSITORY, ctx({}))).toBe('public.ecr.aws/aquasecurity/trivy-java-db:1,ghcr.io/aquasecurity/trivy-java-db:1');
      const vars = { TRIVY_DB_REPOSITORY: '127.0.0.1:5000/trivy-db:2', TRIVY_JAVA_DB_REPOSITORY: '127.0.0.1:5000/trivy-java-db:1' };
      expect(interpolate(s.env.TRIVY_DB_REPOSITORY, ctx(vars))).toBe('127.0.0.1:5000/trivy-db:2');
      expect(interpolate(s.env.TRIVY_JAVA_DB_REPOSITORY, ctx(vars))).toBe('127.0.0.1:5000/trivy-java-db:1');
    }
  });

  test('the publish job builds only when no image of the same sources exists', () => {
    for (const id of ['set_up_buildx', 'push']) {
      const s = stepById(reusable.jobs.publish, id);
      expect(condition(s.if, { steps: { existing: { outputs: { found: 'true' } } } })).toBe(false);
      expect(condition(s.if, { steps: { existing: { outputs: { found: 'false' } } } })).toBe(true);
    }
  });
});

describe('production tags: the guard sees the environment the job runs in', () => {
  const guardEnv = (e: SimEvent) => {
    const s = simulate(e).services.api;
    return interpolate(stepById(reusable.jobs.publish, 'guard').env.ENVIRONMENT, { github: githubContext(e), inputs: s.with });
  };

  test.each([
    ['a release tag', push('refs/tags/v1.2.3', c2, '0'.repeat(40)), 'production'],
    ['a push to staging', push('refs/heads/staging', c2, c1), 'staging'],
    ['a push to main', push('refs/heads/main', c1, c0), ''],
    ['a dispatch with staging on a release tag', { name: 'workflow_dispatch', ref: 'refs/tags/v1.2.3', sha: c2, inputs: { environment: 'staging' } } as SimEvent, 'staging'],
  ])('%s', (_, e, environment) => {
    expect(guardEnv(e)).toBe(environment);
    expect(simulate(e).services.api.environment).toBe(environment);
  });
});
