/**
 * How an image's size changes against a reference image (the same service's image from the
 * default branch): pure, no I/O. `build:docker`'s report and the bundled `scripts/image-size.mjs`
 * (the pull-request job summary) both compute and render the change with this module, from facts
 * that `docker image inspect` gives (see `imageFacts()` in engine/docker-cli.ts).
 */
import { table } from './markdown';
import { formatBytes, parseDockerSize } from './sizes';

/** What `docker image inspect` tells of one image. */
export interface ImageFacts {
  /** The reference it was looked up by, e.g. `qualisys/api:latest`. */
  readonly ref: string;
  /** Image ID (the digest of its config), `sha256:…`. */
  readonly id: string;
  /** Uncompressed size in bytes, base included (`.Size`). */
  readonly size: number;
  /** Its layers (`.RootFS.Layers`, diff IDs), the base's first. */
  readonly layers: readonly string[];
}

/** A growth above which the change is flagged: bytes (`10MB`) or a percentage of the reference (`5%`). */
export type SizeThreshold =
  | { readonly text: string; readonly bytes: number; readonly percent?: undefined }
  | { readonly text: string; readonly percent: number; readonly bytes?: undefined };

/** What a threshold may be, for error messages. */
export const THRESHOLD_FORMS = 'a size such as 10MB (decimal units) or a percentage of the reference image such as 5%, above zero';

/** Parses `10MB`, `1.5 GB`, `5%`, `0.5%`; undefined when it is none of them, zero or negative. */
export function parseSizeThreshold(text: string): SizeThreshold | undefined {
  if (typeof text !== 'string') return undefined;
  const pct = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(text);
  if (pct) {
    const percent = Number(pct[1]);
    return percent > 0 && percent <= 1000 ? { text: text.trim(), percent } : undefined;
  }
  const bytes = parseDockerSize(text);
  return bytes !== undefined && bytes > 0 ? { text: text.trim(), bytes } : undefined;
}

/** An image measured against the base it was built on. */
export interface MeasuredImage {
  readonly ref: string;
  readonly id: string;
  readonly size: number;
  /** Layers above the base, when the base is known. */
  readonly layersAboveBase?: number;
  /** Bytes above the base (its size minus the base's), when the base is known. */
  readonly bytesAboveBase?: number;
  /** Its first layers are exactly the base's: the figures above the base are exact. */
  readonly onBase?: boolean;
}

/** The change of one service's image against its reference. */
export interface SizeChange {
  readonly service: string;
  readonly image: MeasuredImage;
  /** The base both are measured against, when known. */
  readonly base?: { readonly ref: string; readonly id: string; readonly size: number; readonly layers: number };
  /** The reference image, or undefined when there is none (see `noReference`). */
  readonly reference?: MeasuredImage;
  /** Why there is no reference, e.g. "no qualisys/api:latest in the registry yet". */
  readonly noReference?: string;
  /** Current minus reference. */
  readonly delta?: {
    readonly bytes: number;
    /** Of the reference's size. */
    readonly percent: number;
    readonly layersAboveBase?: number;
    readonly bytesAboveBase?: number;
  };
  readonly threshold?: SizeThreshold;
  /** Set when the growth exceeds the threshold: one sentence. */
  readonly warning?: string;
  /** Anything a reader should know about the figures (another base, unknown base). */
  readonly notes: readonly string[];
}

/** The facts one comparison needs. */
export interface SizeChangeInput {
  readonly service: string;
  readonly image: ImageFacts;
  /** The base image the current build used. */
  readonly base?: ImageFacts;
  readonly reference?: ImageFacts;
  /** Why there is no reference (when `reference` is undefined). */
  readonly noReference?: string;
  readonly threshold?: SizeThreshold;
  /** Notes of the caller (a reference compared from a local copy, ...). */
  readonly notes?: readonly string[];
}

/** Length of the common prefix of two layer lists. */
function sharedLayers(a: readonly string[], b: readonly string[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

/** An image's size above a base: exact when its layers start with the base's, else assuming a base of the same size. */
export function measure(image: ImageFacts, base?: ImageFacts): MeasuredImage {
  if (!base) return { ref: image.ref, id: image.id, size: image.size };
  const onBase = sharedLayers(image.layers, base.layers) === base.layers.length;
  return {
    ref: image.ref,
    id: image.id,
    size: image.size,
    layersAboveBase: Math.max(0, image.layers.length - base.layers.length),
    bytesAboveBase: image.size - base.size,
    onBase,
  };
}

/** Signed bytes, in the units `docker images` prints: `+12.3 MB`, `-800 kB`, `0 B`. */
export function formatDelta(bytes: number): string {
  if (bytes === 0) return '0 B';
  return `${bytes > 0 ? '+' : '-'}${formatBytes(Math.abs(bytes))}`;
}

const signed = (n: number, digits = 1) => `${n > 0 ? '+' : n < 0 ? '-' : '±'}${Math.abs(n).toFixed(digits)}`;

/** Compares an image with its reference; flags a growth over the threshold. */
export function sizeChange(input: SizeChangeInput): SizeChange {
  const notes: string[] = [...(input.notes ?? [])];
  const image = measure(input.image, input.base);
  const base = input.base ? { ref: input.base.ref, id: input.base.id, size: input.base.size, layers: input.base.layers.length } : undefined;
  if (!input.base) notes.push('base image not available: layers and bytes above the base are unknown');
  else if (image.onBase === false) notes.push(`${input.image.ref} does not start with the layers of ${input.base.ref}: its figures above the base assume a base of the same size`);
  if (!input.reference) {
    return { service: input.service, image, base, noReference: input.noReference ?? 'no reference image', threshold: input.threshold, notes };
  }
  const reference = measure(input.reference, input.base);
  if (reference.onBase === false) notes.push(`the reference ${input.reference.ref} was built on another base than ${input.base!.ref}: its figures above the base assume a base of the same size`);
  const bytes = image.size - reference.size;
  const percent = reference.size > 0 ? (bytes / reference.size) * 100 : 0;
  const delta = {
    bytes,
    percent,
    ...(image.layersAboveBase !== undefined && reference.layersAboveBase !== undefined
      ? { layersAboveBase: image.layersAboveBase - reference.layersAboveBase } : {}),
    ...(image.bytesAboveBase !== undefined && reference.bytesAboveBase !== undefined
      ? { bytesAboveBase: image.bytesAboveBase - reference.bytesAboveBase } : {}),
  };
  const t = input.threshold;
  const over = t !== undefined && (t.bytes !== undefined ? bytes > t.bytes : percent > t.percent);
  const warning = over
    ? `${input.service}: the image grew by ${formatBytes(bytes)} (${signed(percent)}%) against ${input.reference.ref}, over the ${t.text} threshold`
    : undefined;
  return { service: input.service, image, base, reference, delta, threshold: t, warning, notes };
}

function aboveBaseCell(m: MeasuredImage): string {
  if (m.bytesAboveBase === undefined || m.layersAboveBase === undefined) return '?';
  return `${formatBytes(m.bytesAboveBase)} in ${m.layersAboveBase} layer${m.layersAboveBase === 1 ? '' : 's'}${m.onBase === false ? ' (other base)' : ''}`;
}

function changeCell(c: SizeChange): string {
  if (!c.delta) return '-';
  const d = c.delta;
  const parts = [`${formatDelta(d.bytes)} (${signed(d.percent)}%)`];
  if (d.layersAboveBase !== undefined) parts.push(`${signed(d.layersAboveBase, 0)} layers`);
  const text = parts.join(', ');
  return c.warning ? `**${text}** ⚠️ over ${c.threshold!.text}` : text;
}

/** The columns of the size table, in order. */
export const SIZE_COLUMNS = ['service', 'size', 'above base', 'reference', 'reference size', 'reference above base', 'change'] as const;

/** The size table in Markdown (the job summary, and `build:docker`'s report), with the notes below it. */
export function renderSizeMarkdown(changes: readonly SizeChange[]): string {
  const rows = changes.map((c) => [
    c.service,
    formatBytes(c.image.size),
    aboveBaseCell(c.image),
    c.reference ? `\`${c.reference.ref}\`` : `none: ${c.noReference}`,
    c.reference ? formatBytes(c.reference.size) : '-',
    c.reference ? aboveBaseCell(c.reference) : '-',
    changeCell(c),
  ]);
  const lines = [table([...SIZE_COLUMNS], rows)];
  const notes = changes.flatMap((c) => c.notes.map((n) => `- ${c.service}: ${n}`));
  const threshold = changes.find((c) => c.threshold)?.threshold;
  if (threshold) notes.push(`- a change is flagged when the image grows by more than ${threshold.text}`);
  if (notes.length) lines.push('', ...notes);
  return lines.join('\n') + '\n';
}

/** Escapes a GitHub workflow command's message (`%`, CR, LF) or property (also `:` and `,`). */
export function escapeCommand(text: string, property = false): string {
  const s = text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  return property ? s.replace(/:/g, '%3A').replace(/,/g, '%2C') : s;
}

/** One `::warning::` line per service over its threshold, for GitHub's annotations. */
export function warningAnnotations(changes: readonly SizeChange[]): string[] {
  return changes.filter((c) => c.warning).map((c) => `::warning title=${escapeCommand(`Image size: ${c.service}`, true)}::${escapeCommand(c.warning!)}`);
}
