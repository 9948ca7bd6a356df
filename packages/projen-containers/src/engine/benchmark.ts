/**
 * The run of `bench:docker`: our images against the reference Dockerfiles of
 * .projen/docker-bench.json, on the local engine, with the same base images and the same source
 * tree; cold builds, rebuilds after a source and a dependency change, and the servers under load.
 */
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { DependencyChange, resolveDependencyChange, sourceFileToChange } from './bench-changes';
import { copyContext } from './build-context';
import { assertEngine, docker, DockerUnavailableError, dockerOk } from './docker-cli';
import { compiledByTsc, HOST_COMPILE_COMMAND, hostCompileProblem, sampleHostCompile } from './host-compile';
import { buildImage } from './image-build';
import { selectServices } from './services';
import { BENCH_MANIFEST, BenchmarkLoad, BenchmarkManifest } from '../lib/bench-manifest';
import { BenchReport, BenchSample, evaluateTargets, serviceResult } from '../lib/bench-report';
import { ImageManifestEntry, readImagesManifest } from '../lib/images-manifest';
import { freePort, LoadFigures, measureLoad, testRunsApi } from '../lib/load';
import { formatBytes } from '../lib/sizes';
import { ROOT } from '../lib/source-file';

export function loadBenchManifest(root = ROOT): BenchmarkManifest {
  const file = path.join(root, BENCH_MANIFEST);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as BenchmarkManifest;
  } catch (err) {
    throw new Error(`Unable to read ${path.relative(root, file)} (${(err as Error).message}): add a DockerBenchmark to .projenrc.ts and run \`npx projen\`.`);
  }
}

/** A variant measured: ours (the service's Dockerfile and .dockerignore) or a reference. */
interface Variant {
  readonly name: string;
  readonly description: string;
  readonly dockerfile: string;
}

/** The test runs the stand-in api serves to web under load. */
const LOAD_RUNS = Array.from({ length: 20 }, (_, i) => ({
  id: `tr-${5000 + i}`,
  name: `Benchmark run ${i}`,
  suite: 'bench/load',
  status: i % 4 ? 'passed' : 'failed',
  startedAt: '2026-11-20T09:12:00.000Z',
  finishedAt: '2026-11-20T09:18:31.000Z',
  durationMs: 391_000,
  totals: { passed: 48, failed: i % 4 ? 0 : 1, skipped: 2 },
}));

/**
 * Starts the image's server on the host network (loopback only), waits for its health path, and
 * measures requests per second and p99 latency under keep-alive load. Removes the container.
 */
async function measureServerLoad(entry: ImageManifestEntry, ref: string, apiUrl: string, load: Required<BenchmarkLoad>): Promise<LoadFigures> {
  const port = await freePort();
  const env = { PORT: String(port), HOST: '127.0.0.1', HOSTNAME: '127.0.0.1', API_URL: apiUrl, LOG_LEVEL: 'warn' };
  const id = dockerOk(['run', '-d', '--network', 'host', ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]), ref]).trim();
  try {
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        if ((await fetch(`${base}${entry.healthPath ?? '/'}`)).ok) break;
      } catch { /* starting */ }
      if (Date.now() > deadline || docker(['inspect', '--format', '{{.State.Running}}', id]).stdout.trim() !== 'true') {
        throw new Error(`the server did not become healthy: ${docker(['logs', '--tail', '5', id]).stderr.trim()}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    return await measureLoad(`${base}${load.paths[entry.service]}`, { connections: load.connections, durationMs: load.seconds * 1000, warmupMs: 1000 });
  } finally {
    docker(['rm', '-f', id]);
  }
}

/** One variant within a run: its own copy of the sources, its image, and its figures so far. */
interface Slot {
  readonly variant: Variant;
  readonly context: string;
  readonly ref: string;
  readonly label: string;
  sample: Partial<Mutable<BenchSample>>;
  failed: boolean;
}
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * One run of one service: every step for all its variants before the next step, so that the
 * figures compared were measured seconds apart, under the same load of the machine:
 *   1. cold builds, each on an emptied build cache;
 *   2. rebuilds after a source change (a variant whose cache a later cold build emptied is built
 *      once more first, not measured);
 *   3. rebuilds after the dependency change;
 *   4. load on the server of each image (servers only).
 * The variants take turns in the order given. Records the ids of the images made, for removal.
 */
async function measureRun(
  entry: ImageManifestEntry, variants: readonly Variant[], change: DependencyChange, prefix: string,
  imageIds: Set<string>, failures: string[], apiUrl: string, loadSettings: Required<BenchmarkLoad>, root: string,
): Promise<Map<Variant, BenchSample>> {
  // A reference's own ignore file sits beside its Dockerfile (<name>.Dockerfile.dockerignore), where
  // BuildKit takes it instead of the context's .dockerignore: the context is the service's, unchanged.
  const slots: Slot[] = variants.map((variant) => ({
    variant,
    context: copyContext(entry, root),
    ref: `${entry.image}:bench-${variant.name}`,
    label: `${prefix} ${entry.service} ${variant.name}`,
    sample: {},
    failed: false,
  }));
  const build = async (slot: Slot, what: string) => {
    const r = await buildImage(entry, { context: slot.context, dockerfile: slot.variant.dockerfile, refs: [slot.ref], labels: {}, version: 'bench', quiet: true, root });
    const id = docker(['image', 'inspect', '--format', '{{.Id}}', slot.ref]).stdout.trim();
    if (id) imageIds.add(id);
    if (!r.ok) throw new Error(`${slot.label}: the ${what} build failed; its last lines are above.`);
    return r;
  };
  const step = async (slot: Slot, what: string, fn: () => Promise<string>) => {
    if (slot.failed) return;
    try {
      console.log(`${slot.label}: ${what} ${await fn()}`);
    } catch (err) {
      if (err instanceof DockerUnavailableError) throw err;
      slot.failed = true;
      failures.push((err as Error).message);
      console.error(`bench:docker: ${(err as Error).message}`);
    }
  };
  try {
    for (const slot of slots) {
      await step(slot, 'cold build', async () => {
        dockerOk(['builder', 'prune', '--all', '--force']);
        const cold = await build(slot, 'cold');
        const { seconds: coldSeconds, contextBytes, sizeBytes, baseBytes } = cold;
        Object.assign(slot.sample, { coldSeconds, contextBytes, sizeBytes, baseBytes });
        if (cold.contextBytes === undefined) console.warn(`bench:docker: ${slot.label}: BuildKit printed no "transferring context" size; the report shows "?"`);
        return `${seconds(cold.seconds)}, context ${formatBytes(cold.contextBytes)}, image ${formatBytes(cold.sizeBytes)}`;
      });
    }
    for (const [i, slot] of slots.entries()) {
      await step(slot, 'rebuild after a source change', async () => {
        if (i < slots.length - 1) await build(slot, 'warm-up');
        appendFileSync(sourceFileToChange(slot.context), `\n// bench:docker source change ${Date.now()}\n`);
        slot.sample.sourceRebuildSeconds = (await build(slot, 'source-change')).seconds;
        return seconds(slot.sample.sourceRebuildSeconds);
      });
    }
    for (const slot of slots) {
      await step(slot, 'rebuild after a dependency change', async () => {
        writeFileSync(path.join(slot.context, 'package.json'), change.packageJson);
        writeFileSync(path.join(slot.context, 'package-lock.json'), change.packageLock);
        slot.sample.dependencyRebuildSeconds = (await build(slot, 'dependency-change')).seconds;
        return seconds(slot.sample.dependencyRebuildSeconds);
      });
    }
    if (loadSettings.paths[entry.service] && entry.healthPath) {
      for (const slot of slots) {
        await step(slot, `load (${loadSettings.connections} connections, ${loadSettings.seconds} s)`, async () => {
          let load: LoadFigures;
          try {
            load = await measureServerLoad(entry, slot.ref, apiUrl, loadSettings);
          } catch (err) {
            throw new Error(`${slot.label}: the load step failed: ${(err as Error).message}`);
          }
          if (load.failed) console.warn(`bench:docker: ${slot.label}: ${load.failed} requests failed under load`);
          Object.assign(slot.sample, { requestsPerSecond: load.requestsPerSecond, p99Ms: load.p99Ms });
          return `${load.requestsPerSecond.toFixed(0)} requests/s, p99 ${load.p99Ms?.toFixed(1) ?? '?'} ms`;
        });
      }
    }
  } finally {
    for (const slot of slots) rmSync(slot.context, { recursive: true, force: true });
  }
  const complete = (s: Slot['sample']): s is BenchSample =>
    s.coldSeconds !== undefined && s.sourceRebuildSeconds !== undefined && s.dependencyRebuildSeconds !== undefined;
  return new Map(slots.filter((s) => !s.failed && complete(s.sample)).map((s) => [s.variant, s.sample as BenchSample]));
}

const seconds = (v: number) => `${v.toFixed(1)} s`;

/** The order of the variants in run `run` (1-based): as given in odd runs, reversed in even ones. */
export function variantOrder<T>(variants: readonly T[], run: number): T[] {
  return run % 2 === 1 ? [...variants] : [...variants].reverse();
}

/** What to measure. */
export interface BenchmarkOptions {
  /** Services to measure; all of them when empty. */
  readonly services: readonly string[];
  /** Runs of every service. @default the DockerBenchmark's `runs` */
  readonly runs?: number;
  /** The project's root. @default the working directory */
  readonly root?: string;
}

/** What a benchmark measured, and what failed (one message each). */
export interface BenchmarkRun {
  readonly report: BenchReport;
  readonly failures: string[];
}

/**
 * Measures the services' images against the reference Dockerfiles of .projen/docker-bench.json on
 * the local engine (see the bench:docker command), printing its progress; removes the images it made.
 */
export async function runBenchmark(options: BenchmarkOptions): Promise<BenchmarkRun> {
  const root = options.root ?? ROOT;
  const bench = loadBenchManifest(root);
  const entries = selectServices(readImagesManifest(root), [...options.services]);
  const runs = options.runs ?? bench.runs;
  const engine = assertEngine();
  const cpus = Number(docker(['info', '--format', '{{.NCPU}}']).stdout.trim()) || 0;
  const env = process.env;
  const baseImages = Object.fromEntries([...new Set(entries.map((e) => e.baseArg))].filter((a) => env[a]).map((a) => [a, env[a]!]));
  console.log(`bench:docker: Docker ${engine}, ${cpus} CPUs; ${runs} run${runs > 1 ? 's' : ''} of ${entries.map((e) => e.service).join(', ')}`);

  const plans = entries.map((entry) => {
    const references = bench.services.find((s) => s.service === entry.service)?.references ?? [];
    const variants: Variant[] = [
      { name: 'ours', description: `${entry.dockerfile} and its .dockerignore`, dockerfile: entry.dockerfile },
      ...references,
    ];
    const change = resolveDependencyChange(path.join(root, entry.context), bench.dependencyChange);
    const hostProblem = hostCompileProblem(entry, root);
    if (hostProblem && compiledByTsc(entry)) console.log(`bench:docker: ${entry.service}: no host compile figure: ${hostProblem}`);
    const samples = new Map(variants.map((v): [Variant, BenchSample[]] => [v, []]));
    return { entry, variants, change, hostCompile: !hostProblem, hostSamples: [] as number[], samples };
  });

  const imageIds = new Set<string>();
  const failures: string[] = [];
  const api = await testRunsApi(LOAD_RUNS);
  try {
    for (let run = 1; run <= runs; run++) {
      for (const plan of plans) {
        const order = variantOrder(plan.variants, run);
        const measured = await measureRun(plan.entry, order, plan.change, `[run ${run}/${runs}]`, imageIds, failures, api.url, bench.load, root);
        for (const [variant, sample] of measured) plan.samples.get(variant)!.push(sample);
        // A host compile that fails is a warning and no sample, never a failure of the bench.
        const host = plan.hostCompile ? sampleHostCompile(plan.entry, root) : undefined;
        if (host !== undefined) {
          plan.hostSamples.push(host);
          console.log(`[run ${run}/${runs}] ${plan.entry.service} host: ${HOST_COMPILE_COMMAND} after a source change ${seconds(host)}`);
        }
      }
    }
  } finally {
    api.close();
    // Without --force: an image that something else also tags stays.
    if (imageIds.size) docker(['image', 'rm', ...imageIds]);
  }

  const services = plans.map((p) => serviceResult(
    p.entry.service,
    p.variants.map((v) => ({ name: v.name, description: v.description, samples: p.samples.get(v)! })),
    p.hostCompile ? { command: HOST_COMPILE_COMMAND, samples: p.hostSamples } : undefined,
  ));
  const loaded = plans.filter((p) => bench.load.paths[p.entry.service] && p.entry.healthPath).map((p) => p.entry.service);
  const report: BenchReport = {
    generatedAt: new Date().toISOString(),
    engine,
    cpus,
    runs,
    baseImages,
    dependencyChange: bench.dependencyChange,
    load: loaded.length
      ? { connections: bench.load.connections, seconds: bench.load.seconds, paths: Object.fromEntries(loaded.map((s) => [s, bench.load.paths[s]])) }
      : undefined,
    services,
    targets: evaluateTargets(services, bench.targets),
  };
  return { report, failures };
}
