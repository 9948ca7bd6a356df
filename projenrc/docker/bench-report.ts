/**
 * The build benchmark's figures and report, without I/O: medians of the runs, ratios of ours to
 * each reference, targets met or missed, and the markdown table. `bench-docker.ts` measures.
 */
import type { BenchmarkTargets } from './docker-benchmark';
import { formatBytes } from './docker-cli';
import { table } from '../docs/markdown-file';

/** One run of one variant: a cold build, then a rebuild after each change. */
export interface BenchSample {
  readonly coldSeconds: number;
  readonly sourceRebuildSeconds: number;
  readonly dependencyRebuildSeconds: number;
  /** Build context BuildKit received in the cold build. */
  readonly contextBytes?: number;
  /** Image size after the cold build (before any change). */
  readonly sizeBytes?: number;
  /** Size of the base image it was built on. */
  readonly baseBytes?: number;
}

/** The figures of one variant: medians over its runs. */
export interface VariantFigures {
  readonly coldSeconds?: number;
  readonly sourceRebuildSeconds?: number;
  readonly dependencyRebuildSeconds?: number;
  readonly contextBytes?: number;
  readonly sizeBytes?: number;
  readonly aboveBaseBytes?: number;
}

export interface VariantResult {
  /** `ours`, or the reference's name. */
  readonly name: string;
  readonly description: string;
  readonly samples: readonly BenchSample[];
  readonly median: VariantFigures;
}

export interface ServiceResult {
  readonly service: string;
  /** Ours first, then the references. */
  readonly variants: readonly VariantResult[];
  /** Per reference: ours / reference, for every figure both have. */
  readonly ratios: Readonly<Record<string, Partial<Record<keyof VariantFigures, number>>>>;
}

export interface TargetResult {
  readonly target: string;
  readonly figure: string;
  /** Undefined when a figure is missing. */
  readonly met?: boolean;
}

export interface BenchReport {
  readonly generatedAt: string;
  readonly engine: string;
  readonly cpus: number;
  readonly runs: number;
  /** Base-image build arguments given to every build (stand-ins or mirrors); the Dockerfiles' defaults otherwise. */
  readonly baseImages: Readonly<Record<string, string>>;
  readonly dependencyChange: string;
  readonly services: readonly ServiceResult[];
  readonly targets: readonly TargetResult[];
}

/** The median; the mean of the two middle values for an even count; undefined for none. */
export function median(values: readonly (number | undefined)[]): number | undefined {
  const v = values.filter((x): x is number => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return undefined;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

export function summarize(samples: readonly BenchSample[]): VariantFigures {
  const m = (f: (s: BenchSample) => number | undefined) => median(samples.map(f));
  return {
    coldSeconds: m((s) => s.coldSeconds),
    sourceRebuildSeconds: m((s) => s.sourceRebuildSeconds),
    dependencyRebuildSeconds: m((s) => s.dependencyRebuildSeconds),
    contextBytes: m((s) => s.contextBytes),
    sizeBytes: m((s) => s.sizeBytes),
    aboveBaseBytes: m((s) => (s.sizeBytes !== undefined && s.baseBytes !== undefined ? s.sizeBytes - s.baseBytes : undefined)),
  };
}

const METRICS: readonly { key: keyof VariantFigures; label: string; format: (v: number) => string }[] = [
  { key: 'coldSeconds', label: 'cold build (empty cache)', format: (v) => `${v.toFixed(1)} s` },
  { key: 'sourceRebuildSeconds', label: 'rebuild after a source change', format: (v) => `${v.toFixed(1)} s` },
  { key: 'dependencyRebuildSeconds', label: 'rebuild after a dependency change', format: (v) => `${v.toFixed(1)} s` },
  { key: 'contextBytes', label: 'build context sent', format: formatBytes },
  { key: 'sizeBytes', label: 'image size', format: formatBytes },
  { key: 'aboveBaseBytes', label: 'layers above the base', format: formatBytes },
];

/** ours / reference for every figure both have (a zero reference gives no ratio). */
export function ratios(ours: VariantFigures, reference: VariantFigures): Partial<Record<keyof VariantFigures, number>> {
  const out: Partial<Record<keyof VariantFigures, number>> = {};
  for (const { key } of METRICS) {
    const a = ours[key];
    const b = reference[key];
    if (a !== undefined && b !== undefined && b > 0) out[key] = a / b;
  }
  return out;
}

/** One service's result from its variants' samples (ours first). */
export function serviceResult(service: string, variants: { name: string; description: string; samples: BenchSample[] }[]): ServiceResult {
  const summarized = variants.map((v) => ({ ...v, median: summarize(v.samples) }));
  const [ours, ...references] = summarized;
  return { service, variants: summarized, ratios: Object.fromEntries(references.map((r) => [r.name, ratios(ours.median, r.median)])) };
}

const seconds = (v: number) => `${v.toFixed(1)} s`;
const percent = (v: number) => `${(v * 100).toFixed(0)}%`;

/** The targets, each marked met or missed from our medians. */
export function evaluateTargets(services: readonly ServiceResult[], targets: BenchmarkTargets): TargetResult[] {
  const results: TargetResult[] = [];
  const ours = (s: ServiceResult) => s.variants[0].median;
  for (const s of services) {
    const limit = targets.coldBuildSeconds?.[s.service];
    if (limit !== undefined) {
      const v = ours(s).coldSeconds;
      results.push({ target: `${s.service}: cold build under ${limit} s`, figure: v === undefined ? '?' : seconds(v), met: v === undefined ? undefined : v < limit });
    }
    if (targets.sourceRebuildFraction !== undefined) {
      const { sourceRebuildSeconds: r, coldSeconds: c } = ours(s);
      const f = r !== undefined && c ? r / c : undefined;
      results.push({
        target: `${s.service}: source-only rebuild under ${percent(targets.sourceRebuildFraction)} of the cold build`,
        figure: f === undefined ? '?' : `${percent(f)} (${seconds(r!)} of ${seconds(c!)})`,
        met: f === undefined ? undefined : f < targets.sourceRebuildFraction,
      });
    }
    const refName = targets.aboveBaseAtMostOf?.[s.service];
    if (refName !== undefined) {
      const mine = ours(s).aboveBaseBytes;
      const theirs = s.variants.find((v) => v.name === refName)?.median.aboveBaseBytes;
      results.push({
        target: `${s.service}: layers above the base no larger than ${refName}'s`,
        figure: `${formatBytes(mine)} (${refName}: ${formatBytes(theirs)})`,
        met: mine === undefined || theirs === undefined ? undefined : mine <= theirs,
      });
    }
  }
  return results;
}

/** The report as markdown: one table a service (figures and ratios), then the targets. */
export function renderMarkdown(report: BenchReport): string {
  const out: string[] = [];
  const bases = Object.entries(report.baseImages).map(([k, v]) => `${k}=${v}`).join(', ');
  out.push(
    '## Docker build benchmark: ours against reference Dockerfiles',
    '',
    `${report.runs === 1 ? 'One run (no median)' : `Median of ${report.runs} runs`}, ${report.generatedAt}, Docker ${report.engine}, ${report.cpus} CPUs, ` +
      `base images ${bases || 'as the Dockerfiles pin them'}. Every variant is built from the same source tree on the same base. ` +
      `A run: build cache emptied, cold build; a comment appended to a source file, rebuild; ${report.dependencyChange} added to package.json and the lockfile, rebuild. ` +
      'A ratio below 1 means ours is smaller or faster.',
  );
  for (const s of report.services) {
    const refs = s.variants.slice(1);
    const header = ['', ...s.variants.map((v) => v.name), ...refs.map((r) => `ours / ${r.name}`)];
    const rows = METRICS.map((m) => [
      m.label,
      ...s.variants.map((v) => (v.median[m.key] === undefined ? '?' : m.format(v.median[m.key]!))),
      ...refs.map((r) => (s.ratios[r.name]?.[m.key] === undefined ? '?' : s.ratios[r.name][m.key]!.toFixed(2))),
    ]);
    out.push('', `### ${s.service}`, '', table(header, rows, ['left', ...header.slice(1).map(() => 'right' as const)]));
    out.push('', ...s.variants.map((v) => `- ${v.name}: ${v.description}`));
  }
  if (report.targets.length) {
    out.push('', '### Targets (reported, not enforced)', '', table(
      ['target', 'figure', ''],
      report.targets.map((t) => [t.target, t.figure, t.met === undefined ? 'no figure' : t.met ? 'met' : 'MISSED']),
      ['left', 'right', 'left'],
    ));
  }
  return out.join('\n') + '\n';
}
