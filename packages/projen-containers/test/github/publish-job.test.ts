/**
 * The publish job's own scripts, run as GitHub would run them: "build once, promote" (any commit
 * with the same sources, a squash merge's branch head included) against a real registry (Debian's
 * docker-registry, with skopeo), the guard that keeps moving tags from going back in time (GitHub's
 * compare API played by a fake `gh`) and production tags out of other environments, and the
 * code-scanning probe.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { githubContext, gitRepo, loadWorkflow, runStep, SimEvent, stepById } from './simulate';
import { pushIndex, registryDigest, startRegistry, TestRegistry } from '../registry';

const reusable = loadWorkflow('reusable-build.yml');
const publish = reusable.jobs.publish;
const named = (job: any, name: string) => (job.steps as any[]).find((s) => s.name === name);

/** A folder with a fake `gh` that prints what a compare call would answer, and logs its arguments. */
function fakeGh(answer: string, status = 0): { dir: string; log: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'fake-gh-'));
  const log = path.join(dir, 'calls');
  writeFileSync(path.join(dir, 'answer'), answer);
  writeFileSync(path.join(dir, 'gh'), `#!/usr/bin/env bash\necho "$*" >> "${log}"\ncat "${dir}/answer"\nexit ${status}\n`);
  chmodSync(path.join(dir, 'gh'), 0o755);
  return { dir, log };
}

describe('moving tags only from the newest build of a service', () => {
  const repo = gitRepo();
  const e: SimEvent = { name: 'push', ref: 'refs/heads/main', sha: repo.git('rev-parse', 'HEAD') };
  const guard = stepById(publish, 'guard');
  const run = (compare: string, moving = 'latest') => {
    const gh = fakeGh(compare);
    const steps = { tags: { outputs: { 'tags': 'r/qualisys/api:main-20261118-110640\nr/qualisys/api:abc1234\nr/qualisys/api:latest', 'moving-tags': moving } } };
    const r = runStep(guard, { github: githubContext(e), inputs: { paths: 'api base-images.lock.json' }, steps }, { cwd: repo.dir, extraPath: gh.dir, jobEnv: { SERVICE: 'api' } });
    return { ...r, tags: r.outputs.tags?.split(' ') };
  };

  test('the branch has not moved: latest is kept', () => {
    expect(run('identical\n0\n').tags).toEqual(['main-20261118-110640', 'abc1234', 'latest']);
  });

  test('later commits changed other files only: latest is kept (no later run will build this service)', () => {
    expect(run('ahead\n2\nweb/app/page.tsx\nREADME.md\n').tags).toEqual(['main-20261118-110640', 'abc1234', 'latest']);
  });

  test('a later commit changed the service: latest is left to that commit\'s run, the other tags stay', () => {
    const r = run('ahead\n1\napi/src/index.ts\n');
    expect(r.tags).toEqual(['main-20261118-110640', 'abc1234']);
    expect(r.stdout).toContain('::notice title=latest not moved::a later commit on main changed api');
  });

  test('a later commit changed a shared file (a pathspec that is a file): latest is left alone', () => {
    expect(run('ahead\n1\nbase-images.lock.json\n').tags).not.toContain('latest');
  });

  test('more files than the API lists, or a rewritten branch: latest is left alone', () => {
    expect(run('ahead\n300\n').tags).not.toContain('latest');
    expect(run('diverged\n0\n').tags).not.toContain('latest');
  });

  test('the compare call goes to this repository, from this commit to the branch', () => {
    const gh = fakeGh('identical\n0\n');
    runStep(guard, { github: githubContext(e), inputs: { paths: 'api' }, steps: { tags: { outputs: { 'tags': 'r/x:latest', 'moving-tags': 'latest' } } } }, { cwd: repo.dir, extraPath: gh.dir });
    expect(readFileSync(gh.log, 'utf8')).toBe(`api repos/acme/qualisys/compare/${e.sha}...main --jq .status, (.files | length), .files[].filename\n`);
  });

  test('GitHub\'s API failing fails the step instead of guessing', () => {
    const gh = fakeGh('HTTP 502', 1);
    const steps = { tags: { outputs: { 'tags': 'r/x:latest', 'moving-tags': 'latest' } } };
    expect(runStep(guard, { github: githubContext(e), inputs: { paths: 'api' }, steps }, { cwd: repo.dir, extraPath: gh.dir }).status).not.toBe(0);
  });
});

describe('code scanning: available, or a warning instead of a red run', () => {
  const probe = stepById(reusable.jobs.sarif, 'available');
  const repo = gitRepo();
  const run = (visibility: 'public' | 'private', answer: string, status: number) => {
    const gh = fakeGh(answer, status);
    return runStep(probe, { github: githubContext({ name: 'push', ref: 'refs/heads/main', sha: 'a'.repeat(40), visibility }) }, { cwd: repo.dir, extraPath: gh.dir });
  };

  test('a public repository always has it', () => {
    expect(run('public', '', 1).outputs.available).toBe('true');
  });

  test('a private repository with Advanced Security has it', () => {
    expect(run('private', '[]', 0).outputs.available).toBe('true');
  });

  test.each([
    'Advanced Security must be enabled for this repository to use code scanning. (HTTP 403)',
    'Code Security must be enabled for this repository to use code scanning. (HTTP 403)',
  ])('a private repository without it: a warning that says what to enable (%s)', (answer) => {
    const r = run('private', answer, 1);
    expect(r.status).toBe(0);
    expect(r.outputs.available).toBe('false');
    expect(r.stdout).toContain('::warning title=Code scanning unavailable::acme/qualisys is private without GitHub Advanced Security');
  });

  test('any other answer (no analysis yet) lets the upload try and report', () => {
    expect(run('private', 'no analysis found (HTTP 404)', 1).outputs.available).toBe('true');
  });
});

describe('build once, promote: a deploy tags the image already built for the same sources', () => {
  let registry: TestRegistry;
  beforeAll(async () => { registry = await startRegistry(); });
  afterAll(() => registry?.stop());

  const repo = gitRepo();
  const built = repo.commit({ 'api/src/index.ts': 'v2' }, 'api change');
  const docsOnly = repo.commit({ 'README.md': 'docs' }, 'docs only'); // api's image is still `built`'s
  const run = (step: any, steps: Record<string, unknown>, e: SimEvent, env: Record<string, string> = {}) => runStep(step, {
    github: githubContext(e), inputs: { image: 'qualisys/api', paths: 'api base-images.lock.json', environment: 'staging' }, steps,
  }, { cwd: repo.dir, jobEnv: { SERVICE: 'api' }, env: { REGISTRY_TLS_VERIFY: 'false', ...env } });

  test('the image of an older commit with the same sources is found, scanned and tagged, not rebuilt', () => {
    const digest = pushIndex(registry.host, 'qualisys/api', built.slice(0, 7), 'api built at the api change');
    const e: SimEvent = { name: 'push', ref: 'refs/heads/staging', sha: docsOnly, before: built };
    const login = { login: { outputs: { registry: registry.host } } };
    const existing = run(stepById(publish, 'existing'), login, e);
    expect(existing.status).toBe(0);
    // docsOnly (HEAD, same api content) has no image: the search goes on to `built`, which has one.
    expect(existing.outputs).toEqual({ found: 'true', digest, commit: built });
    expect(existing.stdout).toContain(`::notice title=Promoted, not rebuilt::${registry.host}/qualisys/api:${built.slice(0, 7)} (${digest}) holds the same sources (commit ${built})`);

    // The steps between are skipped when found (BuildKit, the build and push): their conditions say so.
    for (const id of ['set_up_buildx', 'push']) expect(stepById(publish, id).if).toBe("steps.existing.outputs.found != 'true'");

    const image = run(stepById(publish, 'image'), { existing, push: { outputs: {} }, tags: { outputs: { image: `${registry.host}/qualisys/api` } } }, e);
    expect(image.outputs).toEqual({ digest, ref: `${registry.host}/qualisys/api@${digest}` });

    const tags = { outputs: { 'moving-tags': 'staging-20261118' } };
    const tag = run(named(publish, 'Tag the image (by digest; immutable tags never move)'), { image, tags, guard: { outputs: { tags: `staging-20261118 staging-20261118-110640 ${docsOnly.slice(0, 7)}` } } }, e);
    expect(tag.status).toBe(0);
    for (const t of ['staging-20261118', 'staging-20261118-110640', docsOnly.slice(0, 7)]) {
      expect(registryDigest(`${registry.host}/qualisys/api:${t}`)).toBe(digest);
    }

    // A re-run of the same job is a no-op, as a registry with tag immutability requires.
    const again = run(named(publish, 'Tag the image (by digest; immutable tags never move)'), { image, tags, guard: { outputs: { tags: `staging-20261118 ${docsOnly.slice(0, 7)}` } } }, e);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('already on');
  });

  test('no image for those sources yet: the job builds it', () => {
    const fresh = repo.commit({ 'api/src/index.ts': 'v3' }, 'another api change');
    const e: SimEvent = { name: 'push', ref: 'refs/heads/main', sha: fresh, before: docsOnly };
    const existing = run(stepById(publish, 'existing'), { login: { outputs: { registry: registry.host } } }, e);
    expect(existing.status).toBe(0);
    expect(existing.outputs).toEqual({ found: 'false' });
  });

  test('built but not pushed: the image step takes the digest the push gave, or fails without one', () => {
    const e: SimEvent = { name: 'push', ref: 'refs/heads/main', sha: docsOnly };
    const pushed = `sha256:${'d'.repeat(64)}`;
    const tags = { outputs: { image: `${registry.host}/qualisys/api` } };
    const image = run(stepById(publish, 'image'), { existing: { outputs: { found: 'false' } }, push: { outputs: { digest: pushed } }, tags }, e);
    expect(image.outputs).toEqual({ digest: pushed, ref: `${registry.host}/qualisys/api@${pushed}` });
    const none = run(stepById(publish, 'image'), { existing: { outputs: { found: 'false' } }, push: { outputs: {} }, tags }, e);
    expect(none.status).toBe(1);
    expect(none.stdout).toContain('::error::no digest to tag (found=false)');
  });

  test('a registry that cannot be read fails the job rather than rebuilding over it', () => {
    const e: SimEvent = { name: 'push', ref: 'refs/heads/main', sha: docsOnly };
    const existing = run(stepById(publish, 'existing'), { login: { outputs: { registry: '127.0.0.1:9' } } }, e);
    expect(existing.status).toBe(2);
    expect(existing.outputs.found).toBeUndefined();
  });
});

describe('promotion by content: any commit with the same sources at the service\'s paths', () => {
  let registry: TestRegistry;
  beforeAll(async () => { registry = await startRegistry(); });
  afterAll(() => registry?.stop());

  // main, and a feature branch whose pull request is squash-merged: the squash commit on main has
  // the feature's content but none of its commits; the image was built (and pushed under the SHA
  // tag) for the feature branch's head, by a run on that branch. Each commit a minute after the
  // last, as in life: rev-list lists the newest first.
  const repo = gitRepo();
  let minute = 0;
  const commit = (files: Record<string, string>, message: string) => {
    for (const [f, content] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(repo.dir, f)), { recursive: true });
      writeFileSync(path.join(repo.dir, f), content);
    }
    const date = `2026-11-21T10:${String(++minute).padStart(2, '0')}:00Z`;
    const env = { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
    for (const args of [['add', '-A'], ['commit', '-q', '-m', message]]) {
      const r = spawnSync('git', args, { cwd: repo.dir, encoding: 'utf8', env });
      if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
    }
    return repo.git('rev-parse', 'HEAD');
  };
  const mainBase = repo.git('rev-parse', 'HEAD');
  repo.git('switch', '-q', '-c', 'feature/api');
  const wip = commit({ 'api/src/index.ts': 'squashed 1' }, 'wip 1');
  const featureHead = commit({ 'api/src/index.ts': 'squashed 2', 'api/src/util.ts': 'u' }, 'wip 2');
  repo.git('switch', '-q', 'main');
  const other = commit({ 'web/app/page.tsx': 'web moved on meanwhile' }, 'web change on main');
  const squash = commit({ 'api/src/index.ts': 'squashed 2', 'api/src/util.ts': 'u' }, 'api feature (#12)');
  const afterSquash = commit({ 'README.md': 'docs after the squash' }, 'docs');
  repo.git('switch', '-q', '-c', 'lock', afterSquash);
  const lockChanged = commit({ 'base-images.lock.json': '{"node": "sha256:new"}' }, 'new base image');
  repo.git('switch', '-q', 'main');
  const apiElsewhere = commit({ 'api/src/index.ts': 'squashed 3' }, 'api change again');

  const run = (sha: string, paths = 'api base-images.lock.json') => {
    repo.git('checkout', '-q', '--detach', sha);
    try {
      return runStep(stepById(publish, 'existing'), {
        github: githubContext({ name: 'push', ref: 'refs/heads/main', sha }),
        inputs: { image: 'qualisys/api', paths, environment: '' },
        steps: { login: { outputs: { registry: registry.host } } },
      }, { cwd: repo.dir, jobEnv: { SERVICE: 'api' }, env: { REGISTRY_TLS_VERIFY: 'false' } });
    } finally {
      repo.git('checkout', '-q', 'main');
    }
  };

  test('a squash merge finds the image of the branch\'s head commit (another commit, on another branch)', () => {
    // Not an ancestor: the old look-up (the last commit that changed the paths) could not find it.
    expect(() => repo.git('merge-base', '--is-ancestor', featureHead, squash)).toThrow();
    const digest = pushIndex(registry.host, 'qualisys/api', featureHead.slice(0, 7), 'api built on feature/api');
    const r = run(squash);
    expect(r.status).toBe(0);
    expect(r.outputs).toEqual({ found: 'true', digest, commit: featureHead });
    expect(r.stdout).toContain(`holds the same sources (commit ${featureHead})`);
  });

  test('a later commit that left the service alone finds it too (web and README differ, api is the same)', () => {
    const digest = registryDigest(`${registry.host}/qualisys/api:${featureHead.slice(0, 7)}`);
    expect(run(afterSquash).outputs).toEqual({ found: 'true', digest, commit: featureHead });
  });

  test('other api content (the first branch commit, a later api change, main before the merge) is not the same sources', () => {
    expect(run(wip).outputs).toEqual({ found: 'false' });
    expect(run(apiElsewhere).outputs).toEqual({ found: 'false' });
    expect(run(other).outputs).toEqual({ found: 'false' }); // api as at mainBase: no image of it
    expect(run(mainBase).outputs).toEqual({ found: 'false' });
  });

  test('a shared file in the pathspecs counts: the same api folder with another lock file is other sources', () => {
    expect(run(lockChanged).outputs).toEqual({ found: 'false' });
    // Without the lock file among the paths, the api folder alone matches the squash's content.
    expect(run(lockChanged, 'api').outputs).toMatchObject({ found: 'true', commit: featureHead });
  });

  test('the newest commit with an image wins, whatever branch it is on', () => {
    // The same content built again (a re-run of the squash on main, say): rev-list is newest first.
    const digest = pushIndex(registry.host, 'qualisys/api', squash.slice(0, 7), 'api built on main');
    expect(run(afterSquash).outputs).toEqual({ found: 'true', digest, commit: squash });
  });
});

describe('production tags only from a job in the production environment', () => {
  const repo = gitRepo();
  const sha = repo.git('rev-parse', 'HEAD');
  const guard = stepById(publish, 'guard');
  const run = (environment: string, tags: string) => {
    const gh = fakeGh('identical\n0\n');
    const e: SimEvent = { name: 'workflow_dispatch', ref: 'refs/tags/v1.2.3', sha };
    const steps = { tags: { outputs: { 'tags': tags.split(' ').map((t) => `r/qualisys/api:${t}`).join('\n'), 'moving-tags': '' } } };
    const r = runStep(guard, { github: githubContext(e), inputs: { paths: 'api', environment }, steps }, { cwd: repo.dir, extraPath: gh.dir, jobEnv: { SERVICE: 'api' } });
    return { ...r, tags: r.outputs.tags?.split(' ').filter(Boolean) };
  };

  test('in production: the production tag is applied with the others', () => {
    const r = run('production', 'production-v1.2.3 v1.2.3-20261118-110640 abc1234');
    expect(r.status).toBe(0);
    expect(r.tags).toEqual(['production-v1.2.3', 'v1.2.3-20261118-110640', 'abc1234']);
    expect(r.stdout).not.toContain('::warning');
  });

  test.each([['staging'], ['none'], ['']])('in environment "%s": the production tag is dropped with a warning, the others kept', (environment) => {
    const r = run(environment, 'production-v1.2.3 v1.2.3-20261118-110640 abc1234');
    expect(r.status).toBe(0);
    expect(r.tags).toEqual(['v1.2.3-20261118-110640', 'abc1234']);
    expect(r.stdout).toContain(`::warning title=production-v1.2.3 not applied::this run is not in the production environment (environment: ${environment || 'none'})`);
  });

  test('only tags that start with production-: a tag containing it elsewhere is kept', () => {
    expect(run('staging', 'staging-20261118 pre-production-v1 abc1234').tags).toEqual(['staging-20261118', 'pre-production-v1', 'abc1234']);
  });

  test('a tag on a tag ref (no moving tags) never asks GitHub\'s compare API', () => {
    const gh = fakeGh('identical\n0\n');
    const e: SimEvent = { name: 'push', ref: 'refs/tags/v1.2.3', sha };
    const steps = { tags: { outputs: { 'tags': 'r/x:production-v1.2.3', 'moving-tags': '' } } };
    runStep(guard, { github: githubContext(e), inputs: { paths: 'api', environment: 'production' }, steps }, { cwd: repo.dir, extraPath: gh.dir });
    expect(() => readFileSync(gh.log, 'utf8')).toThrow();
  });
});
