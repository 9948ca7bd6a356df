/**
 * The size change of an image against the default branch's (src/lib/image-size.ts), the figures
 * that the size script (test/tools/image-size.test.ts) and build:docker print.
 */
import { ImageFacts, measure, parseSizeThreshold, renderSizeMarkdown, sizeChange, SIZE_COLUMNS, warningAnnotations, formatDelta, escapeCommand } from '../../src/lib/image-size';

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
