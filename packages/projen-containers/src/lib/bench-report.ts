/**
 * The build benchmark's figures and report, without I/O: medians, best runs and spreads of the
 * runs, ratios of ours to each reference (and whether the noise of the runs leaves them any
 * meaning), targets met or missed, and the markdown table. `bench-docker.ts` measures.
 */
import type { BenchmarkTargets } from '../lib/bench-manifest';
import { table } from '../lib/markdown';
import { formatBytes } from '../lib/sizes';

/** One run of one variant: a cold build, then a rebuild after each change, then load on its server. */
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
  /** Requests per second the image's server answered under keep-alive load at a fixed concurrency (servers only). */
  readonly requestsPerSecond?: number;
  /** 99th percentile latency under that load, in ms. */
  readonly p99Ms?: number;
}

/** One figure per metric, e.g. the medians of a variant's runs. */
export interface VariantFigures {
  readonly coldSeconds?: number;
  readonly sourceRebuildSeconds?: number;
  readonly dependencyRebuildSeconds?: number;
  readonly contextBytes?: number;
  readonly sizeBytes?: number;
  readonly aboveBaseBytes?: number;
  readonly requestsPerSecond?: number;
  readonly p99Ms?: number;
}

export type Metric = keyof VariantFigures;

export interface VariantResult {
  /** `ours`, or the reference's name. */
  readonly name: string;
  readonly description: string;
  readonly samples: readonly BenchSample[];
  readonly median: VariantFigures;
  /** The run least disturbed by other work: the minimum of each figure (the maximum of requests per second). */
  readonly best: VariantFigures;
  /** (largest - smallest) / median of each figure, from two runs on. */
  readonly spread: Partial<Record<Metric, number>>;
}

export interface ServiceResult {
  readonly service: string;
  /** Ours first, then the references. */
  readonly variants: readonly VariantResult[];
  /** Per reference: ours / reference of the medians, for every figure both have. */
  readonly ratios: Readonly<Record<string, Partial<Record<Metric, number>>>>;
  /** Per reference: the figures whose ratio is within the noise of the runs (see {@link ratioIsNoise}). */
  readonly noise: Readonly<Record<string, Metric[]>>;
  /** The compile a developer runs on the host after the same source change, when the service has one. */
  readonly hostCompile?: HostCompileResult;
}

/** The host's incremental compile after the source change of each run (e.g. `tsc --build`). */
export interface HostCompileResult {
  readonly command: string;
  readonly samples: readonly number[];
  readonly median?: number;
  readonly best?: number;
  readonly spread?: number;
}

export interface TargetResult {
  readonly target: string;
  readonly figure: string;
  /** Undefined when a figure is missing. */
  readonly met?: boolean;
}

/** How the servers were loaded for the requests-per-second and latency figures. */
export interface LoadSettings {
  /** Keep-alive connections, each sending one request after another. */
  readonly connections: number;
  /** Measured seconds, after a warm-up. */
  readonly seconds: number;
  /** What the load asks each service for, e.g. `{ api: '/api/test-runs' }`. */
  readonly paths: Readonly<Record<string, string>>;
}

export interface BenchReport {
  readonly generatedAt: string;
  readonly engine: string;
  readonly cpus: number;
  readonly runs: number;
  /** Base-image build arguments given to every build (stand-ins or mirrors); the Dockerfiles' defaults otherwise. */
  readonly baseImages: Readonly<Record<string, string>>;
  readonly dependencyChange: string;
  /** Absent when no server was loaded. */
  readonly load?: LoadSettings;
  readonly services: readonly ServiceResult[];
  readonly targets: readonly TargetResult[];
}

const numbers = (values: readonly (number | undefined)[]) =>
  values.filter((x): x is number => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);

/** The median; the mean of the two middle values for an even count; undefined for none. */
export function median(values: readonly (number | undefined)[]): number | undefined {
  const v = numbers(values);
  if (v.length === 0) return undefined;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** (largest - smallest) / median: how far the runs disagree. Undefined below two values or for a zero median. */
export function spread(values: readonly (number | undefined)[]): number | undefined {
  const v = numbers(values);
  const m = median(v);
  if (v.length < 2 || !m) return undefined;
  return (v[v.length - 1] - v[0]) / m;
}

/** For requests per second more is better; for every other figure less is. */
const HIGHER_IS_BETTER: ReadonlySet<Metric> = new Set<Metric>(['requestsPerSecond']);

const FIGURES: Record<Metric, (s: BenchSample) => number | undefined> = {
  coldSeconds: (s) => s.coldSeconds,
  sourceRebuildSeconds: (s) => s.sourceRebuildSeconds,
  dependencyRebuildSeconds: (s) => s.dependencyRebuildSeconds,
  contextBytes: (s) => s.contextBytes,
  sizeBytes: (s) => s.sizeBytes,
  aboveBaseBytes: (s) => (s.sizeBytes !== undefined && s.baseBytes !== undefined ? s.sizeBytes - s.baseBytes : undefined),
  requestsPerSecond: (s) => s.requestsPerSecond,
  p99Ms: (s) => s.p99Ms,
};
const ALL_METRICS = Object.keys(FIGURES) as Metric[];

function figures(f: (values: (number | undefined)[], metric: Metric) => number | undefined, samples: readonly BenchSample[]): VariantFigures {
  return Object.fromEntries(ALL_METRICS.map((m) => [m, f(samples.map(FIGURES[m]), m)])) as VariantFigures;
}

/** The medians of a variant's runs. */
export function summarize(samples: readonly BenchSample[]): VariantFigures {
  return figures(median, samples);
}

/** The best of a variant's runs, figure by figure. */
export function best(samples: readonly BenchSample[]): VariantFigures {
  return figures((values, m) => {
    const v = numbers(values);
    return HIGHER_IS_BETTER.has(m) ? v[v.length - 1] : v[0];
  }, samples);
}

const METRICS: readonly { key: Metric; label: (load?: LoadSettings) => string; format: (v: number) => string }[] = [
  { key: 'coldSeconds', label: () => 'cold build (empty cache)', format: (v) => `${v.toFixed(1)} s` },
  { key: 'sourceRebuildSeconds', label: () => 'rebuild after a source change', format: (v) => `${v.toFixed(1)} s` },
  { key: 'dependencyRebuildSeconds', label: () => 'rebuild after a dependency change', format: (v) => `${v.toFixed(1)} s` },
  { key: 'contextBytes', label: () => 'build context sent', format: formatBytes },
  { key: 'sizeBytes', label: () => 'image size', format: formatBytes },
  { key: 'aboveBaseBytes', label: () => 'layers above the base', format: formatBytes },
  { key: 'requestsPerSecond', label: (l) => `requests per second, ${l?.connections ?? '?'} connections`, format: (v) => v.toFixed(0) },
  { key: 'p99Ms', label: (l) => `p99 latency, ${l?.connections ?? '?'} connections`, format: (v) => `${v.toFixed(1)} ms` },
];

/** ours / reference for every figure both have (a zero reference gives no ratio). */
export function ratios(ours: VariantFigures, reference: VariantFigures): Partial<Record<Metric, number>> {
  const out: Partial<Record<Metric, number>> = {};
  for (const key of ALL_METRICS) {
    const a = ours[key];
    const b = reference[key];
    if (a !== undefined && b !== undefined && b > 0) out[key] = a / b;
  }
  return out;
}

/**
 * A ratio means nothing when the two variants differ by less than their runs disagree: when the
 * wider of the two spreads is at least |ratio - 1|. (Three runs of api's cold build gave ours 16.3,
 * 9.9 and 5.0 s, the naive Dockerfile 11.1, 6.3 and 5.9 s: a ratio of medians of 1.57, a spread of
 * 114%, and the quietest run showed ours faster.) Without two runs there is no spread to judge by.
 */
export function ratioIsNoise(ratio: number, oursSpread: number | undefined, referenceSpread: number | undefined): boolean {
  const widest = Math.max(oursSpread ?? 0, referenceSpread ?? 0);
  return widest > 0 && widest >= Math.abs(ratio - 1);
}

/** One service's result from its variants' samples (ours first). */
export function serviceResult(
  service: string, variants: { name: string; description: string; samples: BenchSample[] }[], hostCompile?: { command: string; samples: number[] },
): ServiceResult {
  const summarized: VariantResult[] = variants.map((v) => ({
    ...v,
    median: summarize(v.samples),
    best: best(v.samples),
    spread: Object.fromEntries(ALL_METRICS.map((m) => [m, spread(v.samples.map(FIGURES[m]))]).filter(([, s]) => s !== undefined)),
  }));
  const [ours, ...references] = summarized;
  const r = Object.fromEntries(references.map((ref) => [ref.name, ratios(ours.median, ref.median)]));
  const noise = Object.fromEntries(references.map((ref) => [
    ref.name,
    (Object.entries(r[ref.name]) as [Metric, number][]).filter(([m, ratio]) => ratioIsNoise(ratio, ours.spread[m], ref.spread[m])).map(([m]) => m),
  ]));
  const host = hostCompile && hostCompile.samples.length
    ? { ...hostCompile, median: median(hostCompile.samples), best: numbers(hostCompile.samples)[0], spread: spread(hostCompile.samples) }
    : undefined;
  return { service, variants: summarized, ratios: r, noise, ...(host ? { hostCompile: host } : {}) };
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
    if (targets.sourceRebuildAtMostHostCompile && s.hostCompile?.median !== undefined) {
      const r = ours(s).sourceRebuildSeconds;
      results.push({
        target: `${s.service}: source-only rebuild of the image no slower than the host's \`${s.hostCompile.command}\` after the same change`,
        figure: `${r === undefined ? '?' : seconds(r)} (host: ${seconds(s.hostCompile.median)})`,
        met: r === undefined ? undefined : r <= s.hostCompile.median,
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

/** A cell: the median, and beside it the best run and the spread when the runs differ. */
function cell(v: VariantResult, m: (typeof METRICS)[number]): string {
  const mid = v.median[m.key];
  if (mid === undefined) return '?';
  const s = v.spread[m.key];
  if (s === undefined || s < 0.005) return m.format(mid); // one run, or runs that agree (sizes)
  return `${m.format(mid)} (best ${m.format(v.best[m.key]!)}, spread ${percent(s)})`;
}

const describePaths = (load: LoadSettings) => Object.entries(load.paths).map(([service, p]) => `${service} ${p}`).join(', ');

/** The report as markdown: one table a service (figures and ratios), then the targets. */
export function renderMarkdown(report: BenchReport): string {
  const out: string[] = [];
  const bases = Object.entries(report.baseImages).map(([k, v]) => `${k}=${v}`).join(', ');
  const load = report.load;
  out.push(
    '## Docker build benchmark: ours against reference Dockerfiles',
    '',
    `${report.runs === 1 ? 'One run (no median, no spread)' : `Median of ${report.runs} runs`}, ${report.generatedAt}, Docker ${report.engine}, ${report.cpus} CPUs, ` +
      `base images ${bases || 'as the Dockerfiles pin them'}. Every variant is built from the same source tree on the same base. ` +
      'A run, one step for every variant before the next step (the order of the variants alternates from run to run): build cache emptied, cold build; ' +
      `a comment appended to a source file, rebuild; ${report.dependencyChange} added to package.json and the lockfile, rebuild` +
      (load ? `; the image's server started and loaded by ${load.connections} keep-alive connections for ${load.seconds} s (${describePaths(load)})` : '') +
      '. Beside each median: the best run (the least disturbed by other work: the minimum, the maximum for requests per second) and the spread ' +
      '((largest - smallest) / median). A ratio below 1 means ours is smaller or faster, except requests per second, where above 1 means ours serves more. ' +
      'A ratio marked (noise) is smaller than the spread of the runs: it does not tell which variant is better.',
  );
  for (const s of report.services) {
    const refs = s.variants.slice(1);
    const metrics = METRICS.filter((m) => s.variants.some((v) => v.median[m.key] !== undefined) || !['requestsPerSecond', 'p99Ms'].includes(m.key));
    const header = ['', ...s.variants.map((v) => v.name), ...refs.map((r) => `ours / ${r.name}`)];
    const rows = metrics.map((m) => [
      m.label(load),
      ...s.variants.map((v) => cell(v, m)),
      ...refs.map((r) => {
        const ratio = s.ratios[r.name]?.[m.key];
        if (ratio === undefined) return '?';
        return s.noise[r.name]?.includes(m.key) ? `${ratio.toFixed(2)} (noise)` : ratio.toFixed(2);
      }),
    ]);
    out.push('', `### ${s.service}`, '', table(header, rows, ['left', ...header.slice(1).map(() => 'right' as const)]));
    out.push('', ...s.variants.map((v) => `- ${v.name}: ${v.description}`));
    const host = s.hostCompile;
    if (host?.median !== undefined) {
      const detail = host.spread !== undefined && host.spread >= 0.005 ? ` (best ${seconds(host.best!)}, spread ${percent(host.spread)})` : '';
      out.push(`- On the host, \`${host.command}\` after the same source change (incremental, in a copy of the folder): ${seconds(host.median)}${detail}.`);
    }
    for (const r of refs) {
      const noisy = s.noise[r.name] ?? [];
      if (noisy.length) {
        out.push(`- Too noisy to compare with ${r.name}: ${noisy.map((k) => METRICS.find((m) => m.key === k)!.label(load)).join('; ')}. ` +
          'The runs disagree more than the variants differ: measure again on a quieter machine, or with more runs.');
      }
    }
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
