/**
 * The generated scripts/image-tags.mjs run against real temporary git repositories, the way
 * `npx projen build:docker` and the workflows run it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanEnv, runScript, tagsOf, TempRepo } from './git-fixtures';

const STAMP = '20260123-143022';
let repos: TempRepo[] = [];
function repo(init = true): TempRepo {
  const r = new TempRepo(init);
  repos.push(r);
  return r;
}
afterEach(() => { repos.forEach((r) => r.remove()); repos = []; });

describe('branches', () => {
  test.each([
    ['main', ['main-20260123-143022', '<sha>', 'latest']],
    ['staging', ['staging-20260123', 'staging-20260123-143022', '<sha>']],
    ['feature/login-form', ['feature-login-form-20260123-143022', '<sha>']],
    ['Feature/JIRA-42/UPPER', ['feature-jira-42-upper-20260123-143022', '<sha>']],
    ['fix/café-naïve', ['fix-cafe-naive-20260123-143022', '<sha>']],
    ['exp/🚀-rocket', ['exp-rocket-20260123-143022', '<sha>']],
    ['!!!', ['ref-20260123-143022', '<sha>']],
    ['_._', ['_._-20260123-143022', '<sha>']],
  ])('branch %s', (branch, expected) => {
    const r = repo();
    const sha = r.commit();
    r.git('checkout', '-q', '-B', branch);
    expect(tagsOf(r.dir)).toEqual(expected.map((t) => t.replace('<sha>', sha.slice(0, 7))));
  });

  test('a 200-character branch name gives a 128-character tag that keeps its timestamp', () => {
    const r = repo();
    r.commit();
    r.git('checkout', '-q', '-b', `feature/${'x'.repeat(192)}`);
    const [refTag] = tagsOf(r.dir);
    expect(refTag).toHaveLength(128);
    expect(refTag).toMatch(new RegExp(`^feature-x+-${STAMP}$`));
  });

  test('"latest" follows --default-branch and DEFAULT_BRANCH', () => {
    const r = repo();
    r.commit();
    r.git('checkout', '-q', '-b', 'trunk');
    expect(tagsOf(r.dir)).not.toContain('latest');
    expect(tagsOf(r.dir, ['--default-branch', 'trunk'])).toContain('latest');
    expect(tagsOf(r.dir, [], cleanEnv({ DEFAULT_BRANCH: 'trunk' }))).toContain('latest');
  });
});

describe('release tags', () => {
  test.each([
    ['lightweight', (r: TempRepo) => r.git('tag', 'v1.2.3')],
    ['annotated', (r: TempRepo) => r.git('tag', '-a', 'v1.2.3', '-m', 'release 1.2.3')],
  ])('a detached HEAD on an %s tag v1.2.3 is a release', (_kind, tag) => {
    const r = repo();
    const sha = r.commit();
    tag(r);
    r.git('checkout', '-q', '--detach', 'v1.2.3');
    expect(tagsOf(r.dir)).toEqual(['production-v1.2.3', `v1.2.3-${STAMP}`, sha.slice(0, 7)]);
    const json = JSON.parse(runScript(r.dir, ['--image', 'qualisys/api', '--format', 'json']).stdout);
    expect(json.labels['org.opencontainers.image.version']).toBe('1.2.3');
    expect(json.labels['org.opencontainers.image.revision']).toBe(sha); // the commit, not the annotated tag object
  });

  test('a pre-release tag gets its own tag, not production', () => {
    const r = repo();
    r.commit();
    r.git('tag', 'v2.0.0-rc.1');
    r.git('checkout', '-q', '--detach', 'v2.0.0-rc.1');
    expect(tagsOf(r.dir)).toEqual(expect.arrayContaining(['v2.0.0-rc.1']));
    expect(tagsOf(r.dir).some((t) => t.startsWith('production-'))).toBe(false);
  });

  test('on a branch, a tag at HEAD does not make a release build', () => {
    const r = repo();
    r.commit();
    r.git('tag', 'v1.0.0');
    expect(tagsOf(r.dir)).toContain('latest');
    expect(tagsOf(r.dir).some((t) => t.startsWith('production-'))).toBe(false);
  });

  test('an invalid version tag is a clear error with exit code 2', () => {
    const r = repo();
    r.commit();
    const res = runScript(r.dir, ['--image', 'qualisys/api', '--ref-type', 'tag', '--ref-name', 'v1.2']);
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('Invalid version tag "v1.2": release tags must be strict SemVer');
  });
});

describe('unusual repositories', () => {
  test('a detached HEAD that is no release', () => {
    const r = repo();
    const first = r.commit('one');
    r.commit('two');
    r.git('checkout', '-q', '--detach', first);
    expect(tagsOf(r.dir)).toEqual([`detached-${STAMP}`, first.slice(0, 7)]);
  });

  test('a dirty work tree is marked and never gets latest', () => {
    const r = repo();
    const sha = r.commit();
    r.write('file.txt', 'edited');
    expect(tagsOf(r.dir)).toEqual([`main-dirty-${STAMP}`, `${sha.slice(0, 7)}-dirty`]);
    r.write('new-file.txt', 'untracked files count too');
    r.git('checkout', '-q', 'file.txt');
    expect(tagsOf(r.dir)).toContain(`${sha.slice(0, 7)}-dirty`);
    expect(tagsOf(r.dir, ['--dirty', 'false'])).toContain('latest');
  });

  test('a shallow clone works like a full one', () => {
    const origin = repo();
    origin.commit('one');
    const sha = origin.commit('two');
    const clone = repo(false);
    clone.git('clone', '-q', '--depth', '1', `file://${origin.dir}`, '.');
    expect(clone.git('rev-parse', '--is-shallow-repository')).toBe('true');
    expect(tagsOf(clone.dir)).toEqual([`main-${STAMP}`, sha.slice(0, 7), 'latest']);
  });

  test('a repository with no commits is a clear error', () => {
    const r = repo();
    const res = runScript(r.dir, ['--image', 'qualisys/api']);
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('The repository has no commits yet: commit first');
  });

  test('outside a git repository is a clear error, unless everything is given', () => {
    const dir = mkdtempSync(join(tmpdir(), 'not-a-repo-'));
    try {
      const res = runScript(dir, ['--image', 'qualisys/api']);
      expect(res.status).toBe(2);
      expect(res.stderr).toMatch(/is not a git repository: run from inside the repository, or pass --sha/);
      const given = runScript(dir, ['--image', 'qualisys/api', '--format', 'tags', '--sha', 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678', '--ref-name', 'main', '--dirty', 'false']);
      expect(given.stdout.trim().split('\n')).toEqual([`main-${STAMP}`, 'a1b2c3d', 'latest']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('GitHub Actions', () => {
  const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
  const gha = (extra: Record<string, string>) => cleanEnv({
    GITHUB_ACTIONS: 'true', GITHUB_SHA: SHA, GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/qualisys', ...extra,
  });

  test('the seed examples from a push to main, a staging deploy and a release', () => {
    const r = repo();
    r.commit();
    expect(tagsOf(r.dir, [], gha({ GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/main', GITHUB_REF_NAME: 'main', GITHUB_REF_TYPE: 'branch' })))
      .toEqual(['main-20260123-143022', 'a1b2c3d', 'latest']);
    expect(tagsOf(r.dir, [], gha({ GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/staging', GITHUB_REF_NAME: 'staging', GITHUB_REF_TYPE: 'branch' })))
      .toContain('staging-20260123');
    expect(tagsOf(r.dir, [], gha({ GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/tags/v1.2.3', GITHUB_REF_NAME: 'v1.2.3', GITHUB_REF_TYPE: 'tag' })))
      .toContain('production-v1.2.3');
  });

  test('a pull request: pr-N and the head branch, never latest, never dirty', () => {
    const r = repo();
    r.commit();
    r.write('file.txt', 'CI never marks dirty');
    const tags = tagsOf(r.dir, [], gha({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_REF: 'refs/pull/42/merge', GITHUB_REF_NAME: '42/merge', GITHUB_HEAD_REF: 'Feature/Login', GITHUB_REF_TYPE: 'branch' }));
    expect(tags).toEqual(['pr-42', 'feature-login-20260123-143022', 'a1b2c3d']);
  });

  test('$GITHUB_OUTPUT gets tags and labels as multi-line values, and the source label', () => {
    const r = repo();
    r.commit();
    const out = join(r.dir, 'github-output.txt');
    const env = gha({ GITHUB_EVENT_NAME: 'push', GITHUB_REF_NAME: 'main', GITHUB_REF_TYPE: 'branch', GITHUB_OUTPUT: out });
    const res = runScript(r.dir, ['--image', 'qualisys/api', '--registry', '123456789012.dkr.ecr.eu-west-1.amazonaws.com', '--format', 'github-output'], env);
    expect(res.status).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('tags<<EOF_IMAGE_TAGS\n123456789012.dkr.ecr.eu-west-1.amazonaws.com/qualisys/api:main-20260123-143022\n');
    expect(text).toContain('123456789012.dkr.ecr.eu-west-1.amazonaws.com/qualisys/api:latest\nEOF_IMAGE_TAGS\n');
    expect(text).toContain('org.opencontainers.image.source=https://github.com/acme/qualisys\n');
    expect(text).toContain('version=main-20260123-143022\n');
  });
});

describe('outputs and bad input', () => {
  test('lines are full image references with the registry', () => {
    const r = repo();
    const sha = r.commit();
    const res = runScript(r.dir, ['--image', 'qualisys/web', '--registry', 'ghcr.io']);
    expect(res.stdout.trim().split('\n')).toEqual([`ghcr.io/qualisys/web:main-${STAMP}`, `ghcr.io/qualisys/web:${sha.slice(0, 7)}`, 'ghcr.io/qualisys/web:latest']);
  });

  test('labels are key=value lines, with an https source from an ssh remote', () => {
    const r = repo();
    r.commit();
    r.git('remote', 'add', 'origin', 'git@github.com:acme/qualisys.git');
    const labels = runScript(r.dir, ['--image', 'qualisys/api', '--format', 'labels']).stdout;
    expect(labels).toContain('org.opencontainers.image.created=2026-01-23T14:30:22Z\n');
    expect(labels).toContain('org.opencontainers.image.source=https://github.com/acme/qualisys\n');
    expect(labels).toContain('org.opencontainers.image.title=api\n');
  });

  test('a leading -- (as `npx projen image-tags -- ...` passes it) is accepted', () => {
    const r = repo();
    const sha = r.commit();
    expect(runScript(r.dir, ['--', '--image', 'qualisys/api', '--format', 'tags']).stdout.trim().split('\n')).toContain(sha.slice(0, 7));
  });

  test('the output is identical for a fixed clock', () => {
    const r = repo();
    r.commit();
    const a = runScript(r.dir, ['--image', 'qualisys/api', '--format', 'json']).stdout;
    const b = runScript(r.dir, ['--image', 'qualisys/api', '--format', 'json']).stdout;
    expect(a).toBe(b);
  });

  test.each([
    [['--image', 'Qualisys/API'], 'Invalid image name "Qualisys/API": component "Qualisys" must be lowercase'],
    [['--image', 'qualisys//api'], 'Invalid image name "qualisys//api"'],
    [['--image', 'qualisys/api', '--registry', 'https://ghcr.io'], 'Invalid registry "https://ghcr.io"'],
    [['--image', 'qualisys/api', '--format', 'yaml'], 'Unknown --format "yaml"'],
    [['--image', 'qualisys/api', '--timestamp', 'yesterday'], 'Invalid timestamp "yesterday"'],
    [['--image', 'qualisys/api', '--pr', 'abc'], 'Invalid pull request number "abc"'],
    [['--image', 'qualisys/api', '--bogus'], "Unknown option '--bogus'"],
    [[], '--image is required'],
  ])('%j is refused with a clear error', (args, message) => {
    const r = repo();
    r.commit();
    const res = runScript(r.dir, args);
    expect(res.status).toBe(2);
    expect(res.stderr).toContain(message);
    expect(res.stdout).toBe('');
  });
});
