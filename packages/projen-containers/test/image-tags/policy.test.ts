import { computeTags, fitTag, ociLabels, parseReleaseTag, sanitizeRefName, TagContext, TagPolicyError } from '../../src/image-tags/policy';

const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const NOW = new Date('2026-01-23T14:30:22Z');
const ctx = (over: Partial<TagContext> = {}): TagContext => ({ sha: SHA, refType: 'branch', refName: 'main', event: 'push', now: NOW, ...over });
const tags = (over: Partial<TagContext> = {}, policy = {}) => computeTags(ctx(over), policy).tags.map((t) => t.tag);

describe('the seed examples', () => {
  test('a push to main: short SHA, main-YYYYMMDD-HHMMSS and latest', () => {
    expect(tags()).toEqual(['main-20260123-143022', 'a1b2c3d', 'latest']);
  });
  test('a staging deploy: staging-YYYYMMDD', () => {
    expect(tags({ refName: 'staging' })).toEqual(['staging-20260123', 'staging-20260123-143022', 'a1b2c3d']);
  });
  test('a release: production-vX.Y.Z', () => {
    const result = computeTags(ctx({ refType: 'tag', refName: 'v1.2.3' }));
    expect(result.tags.map((t) => t.tag)).toEqual(['production-v1.2.3', 'v1.2.3-20260123-143022', 'a1b2c3d']);
    expect(result.version).toBe('1.2.3');
  });
});

describe('a project without staging (stagingBranch: false)', () => {
  test('a push to a branch named staging gets no staging tag, only the tags of any branch', () => {
    expect(tags({ refName: 'staging' }, { stagingBranch: false })).toEqual(['staging-20260123-143022', 'a1b2c3d']);
    expect(tags({ refType: 'tag', refName: 'v1.2.3' }, { stagingBranch: false })).toEqual(['production-v1.2.3', 'v1.2.3-20260123-143022', 'a1b2c3d']);
  });
  test('a build for the staging environment is refused, not tagged', () => {
    expect(() => tags({ environment: 'staging', event: 'workflow_dispatch' }, { stagingBranch: false })).toThrow(TagPolicyError);
    expect(() => tags({ environment: 'staging' }, { stagingBranch: false })).toThrow('This project has no staging (stagingBranch: false in .projenrc.ts)');
  });
});

describe('latest', () => {
  test.each([
    ['another branch', { refName: 'develop' }],
    ['a pull request from main', { event: 'pull_request', pullRequest: 7 }],
    ['a release tag', { refType: 'tag' as const, refName: 'v1.0.0' }],
    ['a detached HEAD', { refType: 'detached' as const, refName: '' }],
    ['a dirty work tree on main', { dirty: true }],
    ['a branch called Main', { refName: 'Main' }],
  ])('is not given to %s', (_name, over) => {
    expect(tags(over)).not.toContain('latest');
  });
  test('follows a configured default branch', () => {
    expect(tags({ refName: 'trunk' }, { defaultBranch: 'trunk' })).toContain('latest');
    expect(tags({ refName: 'main' }, { defaultBranch: 'trunk' })).not.toContain('latest');
  });
});

describe('staging', () => {
  test('an explicit staging environment on any branch', () => {
    expect(tags({ refName: 'release/42', environment: 'staging' })).toContain('staging-20260123');
  });
  test('never on a pull request, even from the staging branch', () => {
    expect(tags({ refName: 'staging', event: 'pull_request', pullRequest: 3 })).not.toContain('staging-20260123');
  });
  test('follows a configured staging branch', () => {
    expect(tags({ refName: 'preprod' }, { stagingBranch: 'preprod' })).toContain('staging-20260123');
  });
});

describe('releases', () => {
  test('a pre-release gets its own version tag, never production-*', () => {
    const result = computeTags(ctx({ refType: 'tag', refName: 'v2.0.0-rc.1' }));
    expect(result.tags.map((t) => t.tag)).toEqual(['v2.0.0-rc.1', 'v2.0.0-rc.1-20260123-143022', 'a1b2c3d']);
    expect(result.version).toBe('2.0.0-rc.1');
  });
  test('build metadata is kept out of the production tag but sanitized in the ref tag', () => {
    expect(tags({ refType: 'tag', refName: 'v1.2.3+build.7' })).toEqual(['production-v1.2.3', 'v1.2.3-build.7-20260123-143022', 'a1b2c3d']);
  });
  test.each(['v1.2', 'v01.2.3', '1.2.3', 'v1.2.3.4', 'release-1', 'v1.2.3-'])('rejects the version tag %s with a clear error', (refName) => {
    expect(() => computeTags(ctx({ refType: 'tag', refName }))).toThrow(new TagPolicyError(
      `Invalid version tag "${refName}": release tags must be strict SemVer with a leading v, such as v1.2.3 or v1.2.3-rc.1.`,
    ));
  });
  test('production needs a release tag', () => {
    expect(() => computeTags(ctx({ environment: 'production' }))).toThrow(/production build must be a release tag/);
    expect(() => computeTags(ctx({ refType: 'tag', refName: 'v1.0.0-beta.1', environment: 'production' }))).toThrow(/Pre-release v1.0.0-beta.1 cannot be deployed/);
  });
  test('parseReleaseTag follows SemVer 2.0.0', () => {
    expect(parseReleaseTag('v10.20.30')).toMatchObject({ major: 10, minor: 20, patch: 30, version: '10.20.30' });
    expect(parseReleaseTag('v1.0.0-alpha.beta.1')?.prerelease).toBe('alpha.beta.1');
    expect(parseReleaseTag('v1.0.0-01')).toBeUndefined(); // numeric identifiers have no leading zero
  });
});

describe('pull requests', () => {
  test('pr-N, the head branch with a timestamp, the SHA; no latest, no deploy tags', () => {
    expect(tags({ refName: 'feature/login', event: 'pull_request', pullRequest: 42 })).toEqual(['pr-42', 'feature-login-20260123-143022', 'a1b2c3d']);
  });
  test('a pull_request event without a number is an error', () => {
    expect(() => computeTags(ctx({ event: 'pull_request' }))).toThrow(/needs its number/);
  });
});

describe('local builds', () => {
  test('a dirty tree marks the SHA and the ref tag, and gets no deploy tag', () => {
    expect(tags({ refName: 'staging', dirty: true })).toEqual(['staging-dirty-20260123-143022', 'a1b2c3d-dirty']);
  });
  test('a detached HEAD is named "detached"', () => {
    expect(tags({ refType: 'detached', refName: '' })).toEqual(['detached-20260123-143022', 'a1b2c3d']);
  });
  test('the full SHA tag is opt-in', () => {
    expect(tags({}, { fullShaTag: true })).toContain(`sha-${SHA}`);
    expect(tags()).not.toContain(`sha-${SHA}`);
  });
  test.each([['a1b2c3'], ['A1B2C3D4E5F60718293A4B5C6D7E8F9012345678'], ['']])('rejects the SHA "%s"', (sha) => {
    expect(() => computeTags(ctx({ sha }))).toThrow(/Invalid commit SHA/);
  });
  test('rejects an unknown environment', () => {
    expect(() => computeTags(ctx({ environment: 'prod' }))).toThrow('Invalid environment "prod": expected one of staging, production, or none.');
  });
});

describe('sanitizing ref names', () => {
  test.each([
    ['feature/login', 'feature-login'],
    ['Feature/JIRA-123_Fix', 'feature-jira-123_fix'],
    ['café/naïve', 'cafe-naive'],
    ['fix/🚀-launch', 'fix-launch'],
    ['.hidden', 'hidden'],
    ['--x', 'x'],
    ['a  b\tc', 'a-b-c'],
    ['!!!', 'ref'],
    ['🚀', 'ref'],
    ['数据', 'ref'],
    ['v1.2.3', 'v1.2.3'],
  ])('%s -> %s', (name, expected) => {
    expect(sanitizeRefName(name)).toBe(expected);
  });

  test('a 200-character branch is cut, the timestamp is kept, and the tag has 128 characters', () => {
    const [refTag] = tags({ refName: 'b'.repeat(200) });
    expect(refTag).toHaveLength(128);
    expect(refTag.endsWith('-20260123-143022')).toBe(true);
  });

  test('a cut never leaves a dash or dot before the suffix', () => {
    expect(fitTag(`${'a'.repeat(111)}-bbbb`, '-20260123-143022')).toBe(`${'a'.repeat(111)}-20260123-143022`);
  });
});

describe('OCI labels', () => {
  test('created, revision, version, source and title', () => {
    const result = computeTags(ctx({ refType: 'tag', refName: 'v1.2.3' }));
    expect(ociLabels({ result, source: 'https://github.com/acme/qualisys', title: 'api' })).toEqual({
      'org.opencontainers.image.created': '2026-01-23T14:30:22Z',
      'org.opencontainers.image.revision': SHA,
      'org.opencontainers.image.version': '1.2.3',
      'org.opencontainers.image.source': 'https://github.com/acme/qualisys',
      'org.opencontainers.image.title': 'api',
    });
  });
});
