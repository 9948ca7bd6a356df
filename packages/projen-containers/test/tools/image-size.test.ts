/** The image size script's command line (src/tools/image-size.ts) over a stand-in Docker. */
import { SizeDocker } from '../../src/engine/image-size';
import { ImageFacts, parseSizeThreshold, sizeChange } from '../../src/lib/image-size';
import { run, UsageError } from '../../src/tools/image-size';

const L = (n: number, prefix = 'l') => Array.from({ length: n }, (_, i) => `sha256:${prefix}${i}`);
const base: ImageFacts = { ref: 'node:24', id: 'sha256:base', size: 100e6, layers: L(3, 'b') };
const current: ImageFacts = { ref: 'qualisys/api:pr-42', id: 'sha256:cur', size: 130e6, layers: [...L(3, 'b'), ...L(4, 'c')] };
const reference: ImageFacts = { ref: 'reg/qualisys/api:latest', id: 'sha256:ref', size: 115e6, layers: [...L(3, 'b'), ...L(2, 'r')] };

/** A stand-in Docker: images by reference, and what a pull of each does. */
function fakeDocker(images: Record<string, ImageFacts>, pulls: Record<string, { status: 'pulled' } | { status: 'missing' | 'failed'; detail: string }> = {}) {
  const pulled: string[] = [];
  const local = { ...images };
  const d: SizeDocker = {
    facts: (ref) => local[ref],
    pull: (ref) => {
      pulled.push(ref);
      return pulls[ref] ?? { status: 'missing', detail: 'manifest unknown' };
    },
  };
  return { d, pulled };
}

describe('the size command line (tools/image-size.ts)', () => {
  const images = { [current.ref]: current, [base.ref]: base, [reference.ref]: reference };

  test('always pulls the reference by tag (the default branch moves it) and the base only when missing', () => {
    const { d, pulled } = fakeDocker(images, { [reference.ref]: { status: 'pulled' } });
    const r = run(['--image', current.ref, '--base', base.ref, '--reference', reference.ref, '--format', 'json'], {}, { threshold: '10MB' }, d);
    expect(pulled).toEqual([reference.ref]);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(JSON.stringify(sizeChange({ service: 'api', image: current, base, reference, threshold: parseSizeThreshold('10MB'), notes: [] }))));
  });

  test('no reference in the registry: the table says so and it exits normally', () => {
    const { d } = fakeDocker({ [current.ref]: current, [base.ref]: base });
    const r = run(['--image', current.ref, '--base', base.ref, '--reference', 'reg/qualisys/api:latest'], {}, {}, d);
    expect(r.stdout).toContain('none: no reg/qualisys/api:latest in the registry');
    expect(r.change?.warning).toBeUndefined();
  });

  test('a reference that cannot be pulled: the local copy with a note, or none with the reason', () => {
    const fail = { [reference.ref]: { status: 'failed' as const, detail: 'unauthorized: authentication required' } };
    const withCopy = run(['--image', current.ref, '--base', base.ref, '--reference', reference.ref, '--format', 'json'], {}, {}, fakeDocker(images, fail).d);
    expect(withCopy.change?.notes).toContain(`${reference.ref} could not be pulled (unauthorized: authentication required): compared with the local copy`);
    const without = run(['--image', current.ref, '--base', base.ref, '--reference', reference.ref], {}, {}, fakeDocker({ [current.ref]: current, [base.ref]: base }, fail).d);
    expect(without.change?.noReference).toBe(`${reference.ref} could not be pulled (unauthorized: authentication required)`);
  });

  test('--format github: the table for the summary file, annotations on stdout', () => {
    const { d } = fakeDocker(images, { [reference.ref]: { status: 'pulled' } });
    const r = run(['--image', current.ref, '--base', base.ref, '--reference', reference.ref, '--format', 'github', '--threshold', '5%'], { GITHUB_STEP_SUMMARY: '/tmp/summary.md' }, {}, d);
    expect(r.summary?.file).toBe('/tmp/summary.md');
    expect(r.summary?.text).toContain('### Image size: api');
    expect(r.stdout).toMatch(/^::warning title=Image size%3A api::api: the image grew by 15\.0 MB/);
    const none = run(['--image', current.ref, '--base', base.ref, '--format', 'github', '--summary', '/tmp/s.md'], {}, {}, d);
    expect(none.stdout).toBe('::notice title=Image size%3A api::no reference given: no size comparison\n');
  });

  test('bad arguments are usage errors; a missing image or base is an error that says what to do', () => {
    const { d } = fakeDocker(images);
    const usage = (argv: string[], env = {}) => expect(() => run(argv, env, {}, d)).toThrow(UsageError);
    usage([]);
    usage(['--image', current.ref]);
    usage(['--image', current.ref, '--base', base.ref, '--format', 'html']);
    usage(['--image', current.ref, '--base', base.ref, '--threshold', 'big']);
    usage(['--image', current.ref, '--base', base.ref, '--format', 'github']);
    usage(['--image', current.ref, '--base', base.ref, '--nope']);
    expect(() => run(['--image', 'nope:1', '--base', base.ref], {}, {}, d)).toThrow('nope:1 is not in the local engine: build (or load) it first.');
    expect(() => run(['--image', current.ref, '--base', 'gone:1', '--no-pull'], {}, {}, d)).toThrow('the base image gone:1 is not available (no local gone:1)');
    expect(run(['--help'], {}, { threshold: '10MB' }, d).stdout).toContain('now 10MB');
  });
});
