/**
 * `.projen/docker-bench.json`: what `DockerBenchmark` declares, for the benchmark tool
 * (`bench-docker.ts`) and its report. No projen import.
 */

/** Where `DockerBenchmark` writes the manifest, relative to the root. */
export const BENCH_MANIFEST = '.projen/docker-bench.json';

/** Figures the report marks as met or missed. They are never enforced: the benchmark is a report. */
export interface BenchmarkTargets {
  /** Longest acceptable cold build of our image, per service, in seconds, e.g. `{ api: 60 }`. @default {} */
  readonly coldBuildSeconds?: Record<string, number>;
  /** Longest acceptable rebuild after a source-only change, as a fraction of our cold build, e.g. 0.15. @default no target */
  readonly sourceRebuildFraction?: number;
  /** Per service, a reference whose layers above the base ours must not exceed, e.g. `{ web: 'nextjs-example' }`. @default {} */
  readonly aboveBaseAtMostOf?: Record<string, string>;
  /**
   * For every service the host compile is measured for (a `node-service` or `node-worker` with a
   * tsconfig.json and TypeScript installed), a target: the image's source-only rebuild no slower
   * than the host's incremental `tsc --build` after the same one-file change. It suits images
   * built with `compiler: 'esbuild'`, which skip the type check the host compile does; the host's
   * figure is reported under the service's table either way.
   * @default false
   */
  readonly sourceRebuildAtMostHostCompile?: boolean;
}

/** One reference build, as the benchmark tool reads it. */
export interface ReferenceManifestEntry {
  readonly name: string;
  readonly description: string;
  /** Relative to the root. */
  readonly dockerfile: string;
  /** Its .dockerignore, relative to the root; absent when the reference has none. */
  readonly dockerignore?: string;
}

/** The load figure of the servers: requests per second and p99 latency at a fixed concurrency. */
export interface BenchmarkLoad {
  /** Keep-alive connections sending at once. @default 32 */
  readonly connections?: number;
  /** How long each measurement lasts, in seconds (after 1 s of warm-up). @default 5 */
  readonly seconds?: number;
  /** The path each server is loaded on, per service; a service without one gets no load figure. @default {} */
  readonly paths?: Record<string, string>;
}

/** What `.projen/docker-bench.json` holds. */
export interface BenchmarkManifest {
  readonly runs: number;
  readonly load: Required<BenchmarkLoad>;
  readonly dependencyChange: string;
  readonly targets: BenchmarkTargets;
  readonly services: { readonly service: string; readonly references: ReferenceManifestEntry[] }[];
}
