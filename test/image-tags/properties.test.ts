import * as fc from 'fast-check';
import { isValidTag } from '../../projenrc/image-tags/docker-reference';
import { computeTags, TagContext } from '../../projenrc/image-tags/policy';

const DOCKER_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

const branchName = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.constantFrom('main', 'staging', 'MAIN', 'feature/x', '...', '-', '.', '🚀', 'a'.repeat(250)),
);
const event = fc.constantFrom('push', 'pull_request', 'workflow_dispatch', 'schedule', 'local');
const contextArb = fc.record({
  sha: fc.stringMatching(/^[0-9a-f]{40}$/),
  refType: fc.constantFrom('branch' as const, 'detached' as const),
  refName: branchName,
  event,
  pullRequest: fc.option(fc.integer({ min: 1, max: 10_000_000 }), { nil: undefined }),
  environment: fc.constantFrom(undefined, 'staging'),
  now: fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }),
  dirty: fc.boolean(),
}).map((c): TagContext => (c.event === 'pull_request' && c.pullRequest === undefined ? { ...c, pullRequest: 1 } : c));

describe('tag properties (fast-check)', () => {
  test('every tag matches Docker\'s tag grammar, for any branch name and event', () => {
    fc.assert(fc.property(contextArb, (c) => {
      for (const { tag } of computeTags(c).tags) {
        expect(tag).toMatch(DOCKER_TAG);
        expect(isValidTag(tag)).toBe(true);
      }
    }), { numRuns: 2000 });
  });

  test('latest appears only for a clean, non-pull-request build of the default branch', () => {
    fc.assert(fc.property(contextArb, fc.constantFrom('main', 'trunk'), (c, defaultBranch) => {
      const hasLatest = computeTags(c, { defaultBranch }).tags.some((t) => t.tag === 'latest');
      const expected = c.refType === 'branch' && c.refName === defaultBranch && c.pullRequest === undefined && c.event !== 'pull_request' && !c.dirty;
      expect(hasLatest).toBe(expected);
    }), { numRuns: 2000 });
  });

  test('the ref tag always ends with the UTC timestamp, and the short SHA is always there', () => {
    fc.assert(fc.property(contextArb, (c) => {
      const tags = computeTags(c).tags;
      const ref = tags.find((t) => t.rule === 'ref-timestamp')!;
      const iso = c.now.toISOString();
      const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
      expect(ref.tag.endsWith(stamp)).toBe(true);
      expect(tags.some((t) => t.rule === 'sha' && t.tag.startsWith(c.sha.slice(0, 7)))).toBe(true);
    }), { numRuns: 1000 });
  });

  test('output is identical for a fixed clock', () => {
    fc.assert(fc.property(contextArb, (c) => {
      const again = { ...c, now: new Date(c.now.getTime()) };
      expect(computeTags(again)).toEqual(computeTags(c));
    }), { numRuns: 500 });
  });

  test('tags are unique', () => {
    fc.assert(fc.property(contextArb, (c) => {
      const tags = computeTags(c).tags.map((t) => t.tag);
      expect(new Set(tags).size).toBe(tags.length);
    }), { numRuns: 1000 });
  });
});
