/**
 * The size change of an image against the default branch's (projenrc/lib/image-size.ts), its
 * command line (projenrc/tools/image-size.ts), and the bundled scripts/image-size.mjs: the same
 * computation, checked here with a stand-in `docker` command and in test/images/registry.test.ts
 * against a real registry.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Project } from 'projen';
import { ImageSizeScript } from '../../src/docker/image-size-script';
import { ImageFacts, measure, parseSizeThreshold, renderSizeMarkdown, sizeChange, SIZE_COLUMNS, warningAnnotations, formatDelta, escapeCommand } from '../../src/lib/image-size';
import { findReference } from '../../src/tools/build-images';
import { run, SizeDocker, UsageError } from '../../src/tools/image-size';
import { REPO_ROOT, synth, tempOutdir } from '../fixtures';

const L = (n: number, prefix = 'l') => Array.from({ length: n }, (_, i) => `sha256:${prefix}${i}`);
const base: ImageFacts = { ref: 'node:24', id: 'sha256:base', size: 100e6, layers: L(3, 'b') };
const current: ImageFacts = { ref: 'qualisys/api:pr-42', id: 'sha256:cur', size: 130e6, layers: [...L(3, 'b'), ...L(4, 'c')] };
const reference: ImageFacts = { ref: 'reg/qualisys/api:latest', id: 'sha256:ref', size: 115e6, layers: [...L(3, 'b'), ...L(2, 'r')] };

describe('size change (lib/image-size.ts)', () => {
  test('thresholds: a size in decimal units or a percentage, above zero', () => {
    expect(parseSizeThreshold('10MB')).toEqual({ text: '10MB', bytes: 10e6 });
    expect(parseSizeThreshold(' 1.5 GB ')).toEqual({ text: '1.5 GB', bytes: 1.5e9 });
    expect(parseSizeThreshold('5%')).toEqual({ text: '5%', percent: 5 });
    expect(parseSizeThreshold('0.5 %')).toEqual({ text: '0.5 %', percent: 0.5 });
    for (const bad of ['0MB', '0%', '-5%', '10', 'ten MB', '5%%', '', '2000%', '10 MiB']) expect([bad, parseSizeThreshold(bad)]).toEqual([bad, undefined]);
  });

  test('layers and bytes above the base: exact on the base, assumed the same size on another', () => {
    expect(measure(current, base)).toEqual({ ref: current.ref, id: 'sha256:cur', size: 130e6, layersAboveBase: 4, bytesAboveBase: 30e6, onBase: true });
    const otherBase = { ...reference, layers: [...L(3, 'x'), ...L(2, 'r')] };
    expect(measure(otherBase, base)).toMatchObject({ layersAboveBase: 2, bytesAboveBase: 15e6, onBase: false });
    expect(measure(current)).toEqual({ ref: current.ref, id: 'sha256:cur', size: 130e6 });
  });

  test('the difference against the reference, flagged over a byte threshold', () => {
    const c = sizeChange({ service: 'api', image: current, base, reference, threshold: parseSizeThreshold('10MB') });
    expect(c.delta).toEqual({ bytes: 15e6, percent: (15e6 / 115e6) * 100, layersAboveBase: 2, bytesAboveBase: 15e6 });
    expect(c.warning).toBe('api: the image grew by 15.0 MB (+13.0%) against reg/qualisys/api:latest, over the 10MB threshold');
    expect(sizeChange({ service: 'api', image: current, base, reference, threshold: parseSizeThreshold('20MB') }).warning).toBeUndefined();
    // Shrinking is never flagged.
    expect(sizeChange({ service: 'api', image: reference, base, reference: current, threshold: parseSizeThreshold('1kB') }).warning).toBeUndefined();
  });

  test('a percentage threshold is of the reference size; exactly at the threshold is not over it', () => {
    const atTen = { ...current, size: 110e6 };
    const ref = { ...reference, size: 100e6 };
    expect(sizeChange({ service: 'api', image: atTen, base, reference: ref, threshold: parseSizeThreshold('10%') }).warning).toBeUndefined();
    expect(sizeChange({ service: 'api', image: { ...atTen, size: 110e6 + 1 }, base, reference: ref, threshold: parseSizeThreshold('10%') }).warning).toContain('over the 10% threshold');
  });

  test('no reference: the figures of the image, and why there is nothing to compare', () => {
    const c = sizeChange({ service: 'api', image: current, base, noReference: 'no reg/qualisys/api:latest in the registry', threshold: parseSizeThreshold('10MB') });
    expect(c.delta).toBeUndefined();
    expect(c.warning).toBeUndefined();
    const md = renderSizeMarkdown([c]);
    expect(md).toContain('| api | 130.0 MB | 30.0 MB in 4 layers | none: no reg/qualisys/api:latest in the registry | - | - | - |');
  });

  test('notes say when the base is unknown or the reference sits on another base', () => {
    expect(sizeChange({ service: 'api', image: current, reference }).notes).toEqual(['base image not available: layers and bytes above the base are unknown']);
    const moved = { ...reference, layers: [...L(3, 'x'), ...L(2, 'r')] };
    const c = sizeChange({ service: 'api', image: current, base, reference: moved });
    expect(c.notes).toEqual([`the reference ${moved.ref} was built on another base than node:24: its figures above the base assume a base of the same size`]);
    expect(renderSizeMarkdown([c])).toContain('(other base)');
  });

  test('the table: one row per service, the change in bold with a warning over the threshold', () => {
    const over = sizeChange({ service: 'api', image: current, base, reference, threshold: parseSizeThreshold('10MB') });
    const md = renderSizeMarkdown([over]);
    const [header, rule, row] = md.split('\n');
    expect(header).toBe(`| ${SIZE_COLUMNS.join(' | ')} |`);
    expect(rule).toBe('| --- | --- | --- | --- | --- | --- | --- |');
    expect(row).toBe('| api | 130.0 MB | 30.0 MB in 4 layers | `reg/qualisys/api:latest` | 115.0 MB | 15.0 MB in 2 layers | **+15.0 MB (+13.0%), +2 layers** ⚠️ over 10MB |');
    expect(md).toContain('- a change is flagged when the image grows by more than 10MB');
    expect([formatDelta(0), formatDelta(-800e3), formatDelta(2.5e9)]).toEqual(['0 B', '-800 kB', '+2.50 GB']);
  });

  test('GitHub annotations: one ::warning:: per service over its threshold, escaped', () => {
    const over = sizeChange({ service: 'api', image: current, base, reference, threshold: parseSizeThreshold('10MB') });
    const fine = sizeChange({ service: 'web', image: current, base, reference, threshold: parseSizeThreshold('20MB') });
    expect(warningAnnotations([over, fine])).toEqual([`::warning title=Image size%3A api::${escapeCommand(over.warning!)}`]);
    expect(escapeCommand('50%\nnext')).toBe('50%25%0Anext');
    expect(escapeCommand('a:b,c', true)).toBe('a%3Ab%2Cc');
  });
});

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

describe('build:docker\'s reference: the last default-branch build found locally', () => {
  test('the registry\'s latest first, then the local latest; otherwise it says what it looked for', () => {
    const seen: string[] = [];
    const facts = (have: string[]) => (ref: string) => { seen.push(ref); return have.includes(ref) ? { ...current, ref } : undefined; };
    expect(findReference('qualisys/api', '127.0.0.1:5000', facts(['qualisys/api:latest', '127.0.0.1:5000/qualisys/api:latest'])).facts?.ref).toBe('127.0.0.1:5000/qualisys/api:latest');
    expect(findReference('qualisys/api', undefined, facts(['qualisys/api:latest'])).facts?.ref).toBe('qualisys/api:latest');
    expect(findReference('qualisys/api', 'ghcr.io/acme', facts([])).why).toBe('no default-branch build found (no local ghcr.io/acme/qualisys/api:latest or qualisys/api:latest; a clean build of the default branch tags one)');
  });
});

describe('scripts/image-size.mjs (the bundle CI runs)', () => {
  test('the component bundles the command line with the threshold of .projenrc.ts, read-only, with a task', () => {
    const project = new Project({ name: 'p', outdir: tempOutdir() });
    new ImageSizeScript(project, { threshold: '7%' });
    const files = synth(project);
    const script = files['scripts/image-size.mjs'] as string;
    expect(script.split('\n').slice(0, 4).join('\n')).toContain('generated by projen-containers/docker/image-size-script');
    expect(script).toContain('main({"threshold":"7%"});');
    expect(files['.projen/tasks.json'].tasks['image-size'].steps).toEqual([{ execArgs: ['node', 'scripts/image-size.mjs'], receiveArgs: true }]);
    expect(() => new ImageSizeScript(new Project({ name: 'q', outdir: tempOutdir() }), { threshold: 'lots' })).toThrow('ImageSizeScript: threshold "lots" is not allowed');
  });

  test('with a stand-in docker command it prints exactly what lib/image-size.ts computes', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fake-docker-'));
    try {
      const bin = path.join(dir, 'bin');
      mkdirSync(bin);
      const inspect = (f: ImageFacts) => JSON.stringify({ Id: f.id, Size: f.size, RootFS: { Type: 'layers', Layers: f.layers } });
      for (const f of [current, base, reference]) writeFileSync(path.join(dir, encodeURIComponent(f.ref)), inspect(f));
      // docker image inspect --format '{{json .}}' REF | docker pull --quiet REF
      writeFileSync(path.join(bin, 'docker'), [
        '#!/usr/bin/env bash',
        `dir=${JSON.stringify(dir)}`,
        'ref="${@: -1}"; file="$dir/$(node -e \'process.stdout.write(encodeURIComponent(process.argv[1]))\' "$ref")"',
        'case "$1 $2" in',
        '  "image inspect") if [ -f "$file" ]; then cat "$file"; else echo "Error: No such image: $ref" >&2; exit 1; fi ;;',
        '  "pull --quiet") if [ -f "$file" ]; then echo "$ref"; else echo "Error response from daemon: manifest for $ref not found: manifest unknown: manifest unknown" >&2; exit 1; fi ;;',
        '  *) echo "unexpected: $*" >&2; exit 9 ;;',
        'esac',
      ].join('\n'));
      chmodSync(path.join(bin, 'docker'), 0o755);
      const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
      const script = path.join(REPO_ROOT, 'scripts', 'image-size.mjs');
      const r = spawnSync(process.execPath, [script, '--image', current.ref, '--base', base.ref, '--reference', reference.ref, '--format', 'json'], { encoding: 'utf8', env });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, '.projen', 'docker-images.json'), 'utf8'));
      expect(JSON.parse(r.stdout)).toEqual(JSON.parse(JSON.stringify(sizeChange({ service: 'api', image: current, base, reference, threshold: parseSizeThreshold(manifest.sizeDeltaWarning), notes: [] }))));

      const summary = path.join(dir, 'summary.md');
      const gh = spawnSync(process.execPath, [script, '--image', current.ref, '--base', base.ref, '--reference', reference.ref, '--format', 'github', '--threshold', '1MB'], { encoding: 'utf8', env: { ...env, GITHUB_STEP_SUMMARY: summary } });
      expect(gh.status).toBe(0);
      expect(gh.stdout).toMatch(/^::warning title=Image size%3A api::api: the image grew by 15\.0 MB \(\+13\.0%25\) against reg\/qualisys\/api:latest, over the 1MB threshold\n$/);
      expect(readFileSync(summary, 'utf8')).toBe(`### Image size: api\n\n${renderSizeMarkdown([sizeChange({ service: 'api', image: current, base, reference, threshold: parseSizeThreshold('1MB') })])}\n`);

      const bad = spawnSync(process.execPath, [script, '--image', current.ref], { encoding: 'utf8', env });
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain('image-size: --base is required');
      const missing = spawnSync(process.execPath, [script, '--image', 'nope:1', '--base', base.ref], { encoding: 'utf8', env });
      expect(missing.status).toBe(1);
      expect(missing.stderr).toBe('image-size: nope:1 is not in the local engine: build (or load) it first.\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
