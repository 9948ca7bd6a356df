/** One image built with BuildKit (`docker build`) and measured: its size, the base's, the build context, the budget. */
import * as path from 'node:path';
import { dockerStreaming, imageId, imageSize } from './docker-cli';
import { basesOf, ImageManifestEntry } from '../lib/images-manifest';
import { formatBytes, parseDockerSize } from '../lib/sizes';
import { ROOT } from '../lib/source-file';

export interface BuildOptions {
  /** Build context folder. @default the entry's context */
  readonly context?: string;
  /** Tags to apply (full references). */
  readonly refs: string[];
  readonly labels: Record<string, string>;
  readonly version: string;
  readonly noCache?: boolean;
  readonly env?: NodeJS.ProcessEnv;
  readonly root?: string;
  /** Dockerfile to build, absolute or relative to the root. @default the entry's Dockerfile */
  readonly dockerfile?: string;
  /** Keep the build log quiet; on failure print its last lines. @default false (stream it) */
  readonly quiet?: boolean;
}

/** The `docker build` arguments for one image. */
export function buildArgs(entry: ImageManifestEntry, o: BuildOptions): string[] {
  const env = o.env ?? process.env;
  const root = o.root ?? ROOT;
  const label = (k: string) => o.labels[`org.opencontainers.image.${k}`] ?? '';
  const args = ['build', '--progress=plain', '-f', path.resolve(root, o.dockerfile ?? entry.dockerfile)];
  for (const ref of o.refs) args.push('-t', ref);
  args.push('--build-arg', `VERSION=${o.version}`, '--build-arg', `REVISION=${label('revision')}`,
    '--build-arg', `CREATED=${label('created')}`, '--build-arg', `SOURCE=${label('source')}`);
  // Every base image of the Dockerfile (a Go service's toolchain and runtime), each overridden by its own variable.
  for (const arg of new Set(basesOf(entry).map((b) => b.arg))) if (env[arg]) args.push('--build-arg', `${arg}=${env[arg]}`);
  if (env.DOCKER_NETWORK) args.push('--network', env.DOCKER_NETWORK);
  if (o.noCache) args.push('--no-cache');
  if (env.DOCKER_BUILD_ARGS?.trim()) args.push(...env.DOCKER_BUILD_ARGS.trim().split(/\s+/));
  args.push(o.context ?? path.resolve(root, entry.context));
  return args;
}

export interface BuildResult {
  readonly service: string;
  readonly image: string;
  readonly refs: string[];
  readonly ok: boolean;
  /** Image ID of the image built (`sha256:…`), when it built. */
  readonly id?: string;
  readonly seconds: number;
  readonly sizeBytes?: number;
  /** Size of the base image the build used, when it is present locally. */
  readonly baseBytes?: number;
  /** The base was overridden (a mirror, or a local copy of the image): the budget is checked on the layers added. */
  readonly baseOverridden: boolean;
  readonly budgetBytes: number;
  readonly withinBudget: boolean;
  /** Bytes of build context BuildKit received (its "transferring context" line), when it printed one. */
  readonly contextBytes?: number;
}

/**
 * The build context BuildKit received, from its plain progress log: the last size on the
 * `transferring context:` lines of the "load build context" step (another step with the same
 * wording loads the .dockerignore).
 */
export function contextBytesFromLog(lines: readonly string[]): number | undefined {
  const step = lines.map((l) => /^(#\d+) \[internal\] load build context/.exec(l)?.[1]).find(Boolean);
  let bytes: number | undefined;
  for (const line of lines) {
    const m = /^(#\d+) transferring context: (\S+)/.exec(line);
    if (m && (!step || m[1] === step)) bytes = parseDockerSize(m[2]) ?? bytes;
  }
  return bytes;
}

/** Builds one image and measures it. */
export async function buildImage(entry: ImageManifestEntry, o: BuildOptions): Promise<BuildResult> {
  const env = o.env ?? process.env;
  const started = Date.now();
  const transfers: string[] = [];
  const code = await dockerStreaming(buildArgs(entry, o), {
    prefix: `[${entry.service}] `,
    env,
    quiet: o.quiet ? 60 : 0,
    onLine: (line) => { if (/load build context|transferring context:/.test(line)) transfers.push(line); },
  });
  const seconds = (Date.now() - started) / 1000;
  const sizeBytes = code === 0 ? imageSize(o.refs[0]) : undefined;
  const id = code === 0 ? imageId(o.refs[0]) : undefined;
  const base = env[entry.baseArg] || entry.baseImage;
  const baseBytes = imageSize(base);
  const baseOverridden = Boolean(env[entry.baseArg]);
  const measured = sizeBytes === undefined ? undefined : baseOverridden && baseBytes !== undefined ? sizeBytes - baseBytes : sizeBytes;
  return {
    service: entry.service,
    image: entry.image,
    refs: o.refs,
    ok: code === 0,
    id,
    seconds,
    sizeBytes,
    baseBytes,
    baseOverridden,
    budgetBytes: entry.sizeBudgetBytes,
    withinBudget: measured !== undefined && measured <= entry.sizeBudgetBytes,
    contextBytes: contextBytesFromLog(transfers),
  };
}

/** The table of a build: image, tags, size, bytes above the base, build time, budget. */
export function renderTable(results: BuildResult[]): string {
  const rows = results.map((r) => {
    const added = r.sizeBytes !== undefined && r.baseBytes !== undefined ? r.sizeBytes - r.baseBytes : undefined;
    const budget = !r.ok ? 'BUILD FAILED'
      : `${r.withinBudget ? 'ok' : 'OVER'} (${formatBytes(r.budgetBytes)}${r.baseOverridden ? ', on layers added: base overridden' : ''})`;
    return [r.image, r.refs.map((ref) => ref.split(':').pop()).join(', '), formatBytes(r.sizeBytes), formatBytes(added), `${r.seconds.toFixed(1)} s`, budget];
  });
  const header = ['image', 'tags', 'size', 'above base', 'build time', 'budget'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** The base image a build of `entry` uses: the override from the environment, or the pinned default. */
export function baseImageOf(entry: ImageManifestEntry, env: NodeJS.ProcessEnv = process.env): string {
  return env[entry.baseArg] || entry.baseImage;
}
