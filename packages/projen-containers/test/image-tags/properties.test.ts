import * as fc from 'fast-check';
import { errorText, exitStatus, run } from '../../src/image-tags/cli';
import { isValidTag } from '../../src/image-tags/docker-reference';
import { computeTags, TagContext } from '../../src/image-tags/policy';
import { parseRegistry } from '../../src/lib/registry-push';

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

describe('hostile input to the script (fast-check, in process)', () => {
  const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
  const BASE = ['--image', 'qualisys/api', '--sha', SHA, '--ref-name', 'main', '--dirty', 'false', '--timestamp', '1769178622'];
  const anyText = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 80 }),
    fc.string({ unit: 'grapheme', maxLength: 80 }),
    fc.stringMatching(/^[0-9a-z.:\/\[\]-]{0,40}$/),
    fc.constantFrom('ghcr.io/acme', '127.0.0.1:5000', '[::1]:5000', 'localhost', 'https://github.com/acme/q', '42', '9999999999', '99999999999999999999999', 'a\nb=c', '\u2028'),
  );

  /** Runs the script in process: its output, or the one line it prints for the error and the status. */
  function outcome(argv: string[], env: NodeJS.ProcessEnv = {}): { out: string } | { err: string; status: number } {
    try {
      return { out: run(argv, env, {}, undefined, () => undefined) };
    } catch (e) {
      return { err: errorText(e, {}), status: exitStatus(e) };
    }
  }
  function expectOneErrorLine(r: { err: string; status: number }): void {
    expect(r.status).toBe(2);
    expect(r.err.split('\n')).toHaveLength(2);
    expect(r.err.endsWith('\n')).toBe(true);
  }

  test('--source and --title: the labels, one line each, or one error line and exit 2', () => {
    fc.assert(fc.property(anyText, anyText, (source, title) => {
      const r = outcome([...BASE, '--format', 'labels', '--source', source, '--title', title]);
      if ('err' in r) return expectOneErrorLine(r);
      expect(title).toBe(title.trim());
      const lines = r.out.replace(/\n$/, '').split('\n');
      expect(lines).toHaveLength(title ? 5 : 4); // an empty title leaves its label out
      for (const line of lines) expect(line).toMatch(/^org\.opencontainers\.image\.(created|revision|version|source|title)=/);
      if (title) expect(lines).toContain(`org.opencontainers.image.title=${title}`);
    }), { numRuns: 1500 });
  });

  test('--registry and IMAGE_REGISTRY: references under that registry, or one error line and exit 2', () => {
    fc.assert(fc.property(anyText, fc.boolean(), (registry, viaEnv) => {
      const r = viaEnv ? outcome([...BASE, '--format', 'lines'], { IMAGE_REGISTRY: registry }) : outcome([...BASE, '--format', 'lines', '--registry', registry]);
      if (registry === '' && viaEnv) return; // an empty variable is unset
      if ('err' in r) return expectOneErrorLine(r);
      expect(parseRegistry(registry)).toBeDefined();
      const lines = r.out.trimEnd().split('\n');
      expect(lines).toHaveLength(3);
      for (const line of lines) expect(line.startsWith(`${registry.replace(/\/+$/, '')}/qualisys/api:`)).toBe(true);
    }), { numRuns: 1500 });
  });

  test('--pr and TAG_PR: pr-N with N the digits as given, or one error line and exit 2', () => {
    fc.assert(fc.property(fc.oneof(anyText, fc.bigInt({ min: 0n, max: 10n ** 30n }).map(String)), fc.boolean(), (pr, viaEnv) => {
      const r = viaEnv ? outcome([...BASE, '--format', 'tags'], { TAG_PR: pr }) : outcome([...BASE, '--format', 'tags', `--pr=${pr}`]);
      if (pr === '') return; // empty is unset
      if ('err' in r) return expectOneErrorLine(r);
      expect(r.out.split('\n')[0]).toBe(`pr-${pr}`);
      expect(pr).toMatch(/^[1-9][0-9]{0,9}$/);
    }), { numRuns: 1500 });
  });

  test('release tags that never move: one per release name, at most 128 characters', () => {
    const pre = fc.array(fc.stringMatching(/^(?:[1-9][0-9]{0,3}|[0-9A-Za-z-]*[A-Za-z-][0-9A-Za-z-]*)$/).filter((s) => s.length > 0), { minLength: 1, maxLength: 40 }).map((ids) => ids.join('.'));
    const tagName = fc.tuple(pre, fc.option(fc.stringMatching(/^[0-9A-Za-z-]+$/), { nil: undefined })).map(([p, b]) => `v1.0.0-${p}${b ? `+${b}` : ''}`);
    const immutable = (refName: string) => computeTags({ sha: SHA, refType: 'tag', refName, event: 'push', now: new Date(0) }).tags.find((t) => t.rule === 'prerelease')!.tag;
    fc.assert(fc.property(tagName, tagName, (a, b) => {
      fc.pre(a !== b);
      const [ta, tb] = [immutable(a), immutable(b)];
      expect(ta).toMatch(DOCKER_TAG);
      expect(ta).not.toBe(tb);
    }), { numRuns: 2000 });
  });
});
