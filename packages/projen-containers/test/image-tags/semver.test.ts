/**
 * SemVer 2.0.0 precedence of release tags (https://semver.org/#spec-item-11): the spec's own
 * examples, the choice among several tags on one commit, and the order's laws (fast-check).
 */
import * as fc from 'fast-check';
import { compareReleaseVersions, parseReleaseTag, pickReleaseTag, ReleaseVersion } from '../../src/image-tags/policy';

const v = (tag: string): ReleaseVersion => {
  const parsed = parseReleaseTag(tag);
  if (!parsed) throw new Error(`test bug: ${tag} is not a release tag`);
  return parsed;
};
const cmp = (a: string, b: string) => compareReleaseVersions(v(a), v(b));

describe('the spec\'s examples, in increasing precedence', () => {
  const chains = [
    // 11.2
    ['v1.0.0', 'v2.0.0', 'v2.1.0', 'v2.1.1'],
    // 11.3
    ['v1.0.0-alpha', 'v1.0.0'],
    // 11.4
    ['v1.0.0-alpha', 'v1.0.0-alpha.1', 'v1.0.0-alpha.beta', 'v1.0.0-beta', 'v1.0.0-beta.2', 'v1.0.0-beta.11', 'v1.0.0-rc.1', 'v1.0.0'],
  ];
  test.each(chains)('%s < ... in every pair of the chain', (...chain) => {
    for (let i = 0; i < chain.length; i++) {
      for (let j = 0; j < chain.length; j++) {
        expect([chain[i], chain[j], cmp(chain[i], chain[j])]).toEqual([chain[i], chain[j], Math.sign(i - j)]);
      }
    }
  });
  test('sorting any shuffle of the 11.4 chain gives the spec\'s order', () => {
    const chain = chains[2];
    fc.assert(fc.property(fc.shuffledSubarray(chain, { minLength: chain.length }), (shuffled) => {
      expect([...shuffled].sort(cmp)).toEqual(chain);
    }));
  });
});

describe('each rule of 11.4', () => {
  test.each([
    ['v1.2.3-rc.1', 'v1.2.3', 'a release is higher than its pre-releases'],
    ['v1.2.3', 'v1.2.4-rc.1', 'a pre-release of a later version is higher than the release before'],
    ['v1.9.0', 'v1.10.0', 'numbers compare numerically, not as strings'],
    ['v1.0.0-rc.9', 'v1.0.0-rc.10', 'numeric identifiers compare numerically'],
    ['v1.0.0-999', 'v1.0.0-a', 'numeric identifiers are lower than alphanumeric ones'],
    ['v1.0.0-1', 'v1.0.0-1a', 'an identifier with a letter is alphanumeric, even when it starts with digits'],
    ['v1.0.0-Z', 'v1.0.0-a', 'alphanumeric identifiers compare in ASCII order (upper case first)'],
    ['v1.0.0--', 'v1.0.0-0a', 'ASCII order: - (0x2d) before 0 (0x30)'],
    ['v1.0.0-alpha', 'v1.0.0-alpha.0', 'a shorter set of identifiers is lower when all before are equal'],
    ['v1.0.0-a.b.c', 'v1.0.0-a.b.c.0', 'the same with more identifiers'],
    ['v9007199254740993.0.0', 'v9007199254740994.0.0', 'numbers past 2^53 keep their precision'],
    ['v1.0.0-9007199254740992', 'v1.0.0-9007199254740993', 'in pre-release identifiers too'],
    ['v99999999999999999999.0.0', 'v100000000000000000000.0.0', 'and at any length'],
  ])('%s < %s: %s', (lower, higher, _rule) => {
    expect(cmp(lower, higher)).toBe(-1);
    expect(cmp(higher, lower)).toBe(1);
  });
  test.each([
    ['v1.2.3+build.1', 'v1.2.3+build.2'],
    ['v1.2.3+zzz', 'v1.2.3'],
    ['v1.0.0-rc.1+a', 'v1.0.0-rc.1+b.c'],
  ])('build metadata is ignored: %s = %s', (a, b) => {
    expect(cmp(a, b)).toBe(0);
  });
  test('the version keeps the digits as written', () => {
    expect(v('v100000000000000000000.0.0').version).toBe('100000000000000000000.0.0');
  });
});

describe('pickReleaseTag: the release of a commit with several tags', () => {
  test.each([
    [['v1.2.3-rc.1', 'v1.2.3'], 'v1.2.3', []],
    [['v1.2.3', 'v1.2.3-rc.1'], 'v1.2.3', []],
    [['deploy-2024', 'v1.2.3'], 'v1.2.3', ['deploy-2024']],
    [['latest-build'], undefined, ['latest-build']],
    [['v1.2'], undefined, ['v1.2']],
    [['v1.2', 'v1.2.3-rc.1', 'vnext', 'V2.0.0', '2.0.0'], 'v1.2.3-rc.1', ['2.0.0', 'V2.0.0', 'v1.2', 'vnext']],
    [['v1.9.0', 'v1.10.0'], 'v1.10.0', []],
    [['v1.2.3+b', 'v1.2.3+a', 'v1.2.3'], 'v1.2.3', []],
    [[], undefined, []],
  ])('%j -> %s', (tags, tag, ignored) => {
    const choice = pickReleaseTag(tags);
    expect(choice.tag).toBe(tag);
    expect(choice.ignored).toEqual(ignored);
  });
  test('the pick does not depend on the order git lists the tags in', () => {
    const tags = ['v1.2.3-rc.1', 'v1.2.3', 'v1.2.3+b', 'v1.2.3+a', 'v1.2.2', 'deploy-2024', 'v1.2'];
    fc.assert(fc.property(fc.shuffledSubarray(tags, { minLength: tags.length }), (shuffled) => {
      expect(pickReleaseTag(shuffled)).toEqual(pickReleaseTag(tags));
    }));
  });
});

describe('precedence is a total preorder (fast-check)', () => {
  const numeric = fc.oneof(fc.constantFrom('0', '1', '2', '9', '10', '11'), fc.bigInt({ min: 0n, max: 10n ** 25n }).map(String));
  const alphanumeric = fc.stringMatching(/^[0-9A-Za-z-]{0,3}[A-Za-z-][0-9A-Za-z-]{0,3}$/);
  const identifier = fc.oneof(numeric, alphanumeric, fc.constantFrom('alpha', 'beta', 'rc', 'a', 'A', '-'));
  const release = fc.record({
    core: fc.tuple(numeric, numeric, numeric),
    pre: fc.option(fc.array(identifier, { minLength: 1, maxLength: 4 }), { nil: undefined }),
    build: fc.option(fc.array(fc.stringMatching(/^[0-9A-Za-z-]{1,4}$/), { minLength: 1, maxLength: 2 }), { nil: undefined }),
  }).map(({ core, pre, build }) => `v${core.join('.')}${pre ? `-${pre.join('.')}` : ''}${build ? `+${build.join('.')}` : ''}`);
  // Small cores make equal cores, and so the pre-release rules, frequent.
  const tag = fc.oneof(release, release.map((t) => t.replace(/^v[^-+]*/, 'v1.0.0')));

  test('every generated tag is a release tag', () => {
    fc.assert(fc.property(tag, (t) => expect(parseReleaseTag(t)).toBeDefined()));
  });
  test('reflexive and antisymmetric: cmp(a, b) = -cmp(b, a)', () => {
    fc.assert(fc.property(tag, tag, (a, b) => {
      expect(cmp(a, a)).toBe(0);
      expect(cmp(a, b) + cmp(b, a)).toBe(0);
    }), { numRuns: 2000 });
  });
  test('transitive', () => {
    fc.assert(fc.property(tag, tag, tag, (a, b, c) => {
      if (cmp(a, b) <= 0 && cmp(b, c) <= 0) expect(cmp(a, c)).toBeLessThanOrEqual(0);
      if (cmp(a, b) === 0 && cmp(b, c) === 0) expect(cmp(a, c)).toBe(0);
    }), { numRuns: 3000 });
  });
  test('equal exactly when equal without build metadata', () => {
    fc.assert(fc.property(tag, tag, (a, b) => {
      expect(cmp(a, b) === 0).toBe(a.split('+')[0] === b.split('+')[0]);
    }), { numRuns: 2000 });
  });
  test('a release is higher than any of its pre-releases, and adding an identifier raises a pre-release', () => {
    fc.assert(fc.property(tag, identifier, (t, id) => {
      const withoutBuild = t.split('+')[0];
      const core = withoutBuild.split('-')[0];
      expect(cmp(`${core}-${id}`, core)).toBe(-1);
      if (withoutBuild !== core) expect(cmp(`${withoutBuild}.${id}`, withoutBuild)).toBe(1);
    }), { numRuns: 2000 });
  });
  test('a sorted list is in non-decreasing order pairwise', () => {
    fc.assert(fc.property(fc.array(tag, { maxLength: 12 }), (tags) => {
      const sorted = [...tags].sort(cmp);
      for (let i = 0; i + 1 < sorted.length; i++) {
        for (let j = i + 1; j < sorted.length; j++) expect(cmp(sorted[i], sorted[j])).toBeLessThanOrEqual(0);
      }
    }));
  });
});
