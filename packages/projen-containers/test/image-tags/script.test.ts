/**
 * The generated scripts/image-tags.mjs run against real temporary git repositories, the way
 * `npx projen build:docker` and the workflows run it.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanEnv, runScript, tagsOf, TempRepo } from './git-fixtures';

const STAMP = '20260123-143022';
const ADVISED_SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';

/** The flags an error message advises, taken literally, with its placeholders filled in. */
function advised(stderr: string, pattern: RegExp): string[] {
  const flags = pattern.exec(stderr.trim())?.[1];
  if (!flags) throw new Error(`no advice in: ${stderr}`);
  const values: Record<string, string> = { SHA: ADVISED_SHA, BRANCH: 'main' };
  return flags.split(' ').map((word) => values[word] ?? word);
}
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

  describe('a detached HEAD with several tags: only release tags count, the highest SemVer precedence wins', () => {
    test.each([
      [['v1.2.3-rc.1', 'v1.2.3'], ['production-v1.2.3', `v1.2.3-${STAMP}`], 'HEAD has the release tags v1.2.3, v1.2.3-rc.1: building v1.2.3, the highest SemVer precedence.'],
      [['v1.2.3', 'v1.2.3-rc.1'], ['production-v1.2.3', `v1.2.3-${STAMP}`], 'building v1.2.3'],
      [['v1.9.0', 'v1.10.0'], ['production-v1.10.0', `v1.10.0-${STAMP}`], 'building v1.10.0'],
      [['v2.0.0-rc.2', 'v2.0.0-rc.10'], ['v2.0.0-rc.10', `v2.0.0-rc.10-${STAMP}`], 'building v2.0.0-rc.10'],
      [['v1.2.3+b', 'v1.2.3+a'], ['production-v1.2.3', `v1.2.3-a-${STAMP}`], 'building v1.2.3+a, equal SemVer precedence, so the first by name.'],
      [['deploy-2024', 'v1.2.3'], ['production-v1.2.3', `v1.2.3-${STAMP}`], ''],
      [['latest-build'], [`detached-${STAMP}`], ''],
      [['vnext', 'release-1'], [`detached-${STAMP}`], ''],
      [['v1.2'], [`detached-${STAMP}`], 'image-tags: note: ignoring v1.2 at HEAD: not a release tag vX.Y.Z[-pre][+build] (SemVer 2.0.0 with a leading v).\n'],
      [['v1.2', 'v01.2.3', 'v1.2.3-rc.1'], ['v1.2.3-rc.1', `v1.2.3-rc.1-${STAMP}`], 'ignoring v01.2.3, v1.2 at HEAD'],
    ])('tags %j: %j', (tagNames, expected, note) => {
      const r = repo();
      const sha = r.commit();
      tagNames.forEach((t, i) => (i % 2 ? r.git('tag', '-a', t, '-m', t) : r.git('tag', t)));
      r.git('checkout', '-q', '--detach', 'HEAD');
      const res = runScript(r.dir, ['--image', 'qualisys/api', '--format', 'tags']);
      expect(res.status).toBe(0);
      expect(res.stdout.trim().split('\n')).toEqual([...expected, sha.slice(0, 7)]);
      if (note) expect(res.stderr).toContain(note);
      else expect(res.stderr).toBe('');
    });
  });

  test('an explicit --ref-name is never replaced by a tag at HEAD', () => {
    const r = repo();
    r.commit();
    r.git('tag', 'v1.2.3');
    r.git('checkout', '-q', '--detach', 'HEAD');
    expect(tagsOf(r.dir, ['--ref-type', 'detached'])[0]).toBe(`detached-${STAMP}`);
    expect(tagsOf(r.dir, ['--ref-type', 'tag', '--ref-name', 'v1.2.4-rc.1'])[0]).toBe('v1.2.4-rc.1');
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

  test('a repository with no commits: the advice (--sha SHA) works when followed', () => {
    const r = repo();
    const res = runScript(r.dir, ['--image', 'qualisys/api', '--format', 'tags']);
    expect(res.status).toBe(2);
    expect(res.stderr).toBe('image-tags: The repository has no commits yet: commit first (images are tagged by commit), or pass --sha SHA.\n');
    const followed = runScript(r.dir, ['--image', 'qualisys/api', '--format', 'tags', ...advised(res.stderr, /or pass (.*)\.$/)]);
    expect(followed).toMatchObject({ status: 0, stderr: '' });
    // git still tells the rest: the branch about to be born, and whether the tree is dirty.
    expect(followed.stdout.trim().split('\n')).toEqual([`main-${STAMP}`, ADVISED_SHA.slice(0, 7), 'latest']);
    r.write('new.txt', 'x');
    expect(runScript(r.dir, ['--image', 'qualisys/api', '--format', 'tags', '--sha', ADVISED_SHA]).stdout).toContain(`${ADVISED_SHA.slice(0, 7)}-dirty`);
  });

  describe('outside a git repository, the advice works when followed, and git is then not run at all', () => {
    let dir: string;
    let bin: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'not-a-repo-'));
      bin = mkdtempSync(join(tmpdir(), 'git-spy-'));
      // A git that answers as outside a repository and records every call.
      writeFileSync(join(bin, 'git'), `#!/bin/sh\necho "$@" >> "${bin}/calls"\necho "fatal: not a git repository" >&2\nexit 128\n`, { mode: 0o755 });
    });
    afterEach(() => [dir, bin].forEach((d) => rmSync(d, { recursive: true, force: true })));
    const calls = () => (existsSync(join(bin, 'calls')) ? readFileSync(join(bin, 'calls'), 'utf8').trim().split('\n') : []);

    test.each([
      [[], '--sha SHA --ref-name BRANCH --dirty false', [`main-${STAMP}`, ADVISED_SHA.slice(0, 7), 'latest']],
      [['--sha', ADVISED_SHA], '--ref-name BRANCH --dirty false', [`main-${STAMP}`, ADVISED_SHA.slice(0, 7), 'latest']],
      [['--sha', ADVISED_SHA, '--ref-type', 'tag', '--ref-name', 'v1.2.3'], '--dirty false', ['production-v1.2.3', `v1.2.3-${STAMP}`, ADVISED_SHA.slice(0, 7)]],
      [['--ref-name', 'main', '--dirty', 'true'], '--sha SHA', [`main-dirty-${STAMP}`, `${ADVISED_SHA.slice(0, 7)}-dirty`]],
    ])('given %j, the advice is %s', (given, advice, expected) => {
      const env = cleanEnv({ PATH: bin });
      const res = runScript(dir, ['--image', 'qualisys/api', '--format', 'tags', ...given], env);
      expect(res.status).toBe(2);
      expect(res.stderr).toBe(`image-tags: ${dir} is not a git repository: run inside the repository, or pass what git would tell: ${advice} (for a release: --ref-type tag --ref-name vX.Y.Z; for files that differ from the commit: --dirty true).\n`);
      expect(calls().length).toBeGreaterThan(0);
      rmSync(join(bin, 'calls'));
      const followed = runScript(dir, ['--image', 'qualisys/api', '--format', 'tags', ...given, ...advised(res.stderr, /would tell: (.*?) \(/)], env);
      expect(followed).toMatchObject({ status: 0, stderr: '' });
      expect(followed.stdout.trim().split('\n')).toEqual(expected);
      expect(calls()).toEqual([]);
    });

    test('without git installed, the same advice', () => {
      const res = runScript(dir, ['--image', 'qualisys/api'], cleanEnv({ PATH: join(bin, 'nothing-here') }));
      expect(res.status).toBe(2);
      expect(res.stderr).toContain('image-tags: git is not installed (or not on PATH): install it, or pass what git would tell: --sha SHA --ref-name BRANCH --dirty false (');
    });

    test('a --cwd that does not exist is named', () => {
      const res = runScript(dir, ['--image', 'qualisys/api', '--cwd', join(dir, 'missing')]);
      expect(res.status).toBe(2);
      expect(res.stderr).toBe(`image-tags: The folder ${join(dir, 'missing')} does not exist: run in the repository, or give it with --cwd.\n`);
    });
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

  test('a registry with a namespace, as push:docker and IMAGE_REGISTRY take it (ghcr.io/acme)', () => {
    const r = repo();
    const sha = r.commit();
    const res = runScript(r.dir, ['--image', 'qualisys/web', '--registry', 'ghcr.io/acme', '--format', 'lines']);
    expect(res.stdout.trim().split('\n')).toContain(`ghcr.io/acme/qualisys/web:${sha.slice(0, 7)}`);
    expect(runScript(r.dir, ['--image', 'qualisys/web', '--registry', 'ghcr.io/Acme']).stderr).toContain('Invalid registry "ghcr.io/Acme" (--registry): the namespace component "Acme" must be lowercase');
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
    [['--image', 'qualisys/api', '--timestamp', 'yesterday'], 'Invalid timestamp "yesterday" (--timestamp): neither seconds nor ISO 8601. Expected seconds since 1970'],
    [['--image', 'qualisys/api', '--timestamp', 'March 7'], 'Invalid timestamp "March 7"'],
    [['--image', 'qualisys/api', '--timestamp', '1 2 3'], 'Invalid timestamp "1 2 3"'],
    [['--image', 'qualisys/api', '--timestamp', '2026-02-30'], 'Invalid timestamp "2026-02-30" (--timestamp): February 2026 has no day 30.'],
    [['--image', 'qualisys/api', '--timestamp', '2026-11-31T10:00:00Z'], 'November 2026 has no day 31'],
    [['--image', 'qualisys/api', '--timestamp', '2026-01-23T14:30:22'], 'a time needs its zone'],
    [['--image', 'qualisys/api', '--timestamp', ''], 'Invalid timestamp "" (--timestamp)'],
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

  test('SOURCE_DATE_EPOCH is held to the same forms, and named in the error', () => {
    const r = repo();
    r.commit();
    const res = runScript(r.dir, ['--image', 'qualisys/api'], cleanEnv({ SOURCE_DATE_EPOCH: 'March 7' }));
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('Invalid timestamp "March 7" (SOURCE_DATE_EPOCH): neither seconds nor ISO 8601.');
    expect(tagsOf(r.dir, [], cleanEnv({ SOURCE_DATE_EPOCH: '2026-01-23T15:30:22+01:00' }))[0]).toBe(`main-${STAMP}`);
    expect(tagsOf(r.dir, ['--timestamp', '2026-01-23'], cleanEnv({ SOURCE_DATE_EPOCH: 'ignored when --timestamp is given' }))[0]).toBe('main-20260123-000000');
    expect(tagsOf(r.dir, [], cleanEnv({ SOURCE_DATE_EPOCH: '' }))[0]).toMatch(/^main-\d{8}-\d{6}$/); // empty is unset: the clock
  });

  test('exit status: 2 for bad input, 1 for anything else (here: $GITHUB_OUTPUT is a folder)', () => {
    const r = repo();
    r.commit();
    const res = runScript(r.dir, ['--image', 'qualisys/api', '--format', 'github-output'], cleanEnv({ GITHUB_OUTPUT: r.dir }));
    expect(res.status).toBe(1);
    expect(res.stderr).toBe(`image-tags: Cannot write the outputs to GITHUB_OUTPUT=${JSON.stringify(r.dir)}: it is a folder (EISDIR). In GitHub Actions the runner sets it; elsewhere unset it to print the outputs, or point it at a writable file.\n`);
  });
});
