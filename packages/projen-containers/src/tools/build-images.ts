#!/usr/bin/env node
/**
 * `npx projen build:docker [-- [--no-cache] [--no-sbom] [--json FILE] [--report FILE] [SERVICE...]]`
 *
 * Builds the service images declared in .projenrc.ts (read from .projen/docker-images.json) with
 * BuildKit, tags them with the image tag script, and ends with a table of image, tags, size,
 * build time and budget, and a table of each image's size change against the last default-branch
 * build found locally (`<image>:latest`, or `<registry>/<image>:latest`). Exits 1 when a build
 * fails or an image is over its budget.
 *
 * It records what it built in build/docker/build.json (image ID and tags per service: what
 * `push:docker` pushes, never rebuilding) and, where Trivy is installed, a CycloneDX SBOM per
 * image beside it (build/docker/<service>.cdx.json), made offline.
 *
 * Environment:
 *   NODE_IMAGE, PLAYWRIGHT_IMAGE, ...  base-image overrides (the Dockerfiles' base build arguments)
 *   DOCKER_NETWORK                     `docker build --network` (e.g. host, where there is no bridge)
 *   DOCKER_BUILD_ARGS                  extra `docker build` arguments, split on spaces
 *   IMAGE_REGISTRY                     prefix the tags with a registry host
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { assertEngine, DockerUnavailableError, dockerStreaming, imageFacts, imageId, imageSize } from './docker-cli';
import { BUILD_REPORT, BuildReport, BuiltImage, mergeBuildReport, readBuildReport, sbomFileName, tagOf } from '../lib/build-report';
import { ImageFacts, parseSizeThreshold, renderSizeMarkdown, SizeChange, sizeChange } from '../lib/image-size';
import { basesOf, ImageManifestEntry, ImagesManifest, readImagesManifest } from '../lib/images-manifest';
import { parseRegistry, referenceCandidates, shippingFields } from '../lib/registry-push';
import { sbomImageId } from '../lib/sbom';
import { formatBytes, parseDockerSize } from '../lib/sizes';
import { ROOT } from '../lib/source-file';

export { ROOT };

/** The entries named, in manifest order; all of them when none is named. */
export function selectServices(manifest: ImagesManifest, names: string[]): ImageManifestEntry[] {
  const known = manifest.images.map((i) => i.service);
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length) throw new Error(`Unknown service${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}: choose from ${known.join(', ')}.`);
  return names.length ? manifest.images.filter((i) => names.includes(i.service)) : manifest.images;
}

/** Folders the host builds or writes in a service folder, for a tree that is no git repository. */
const HOST_OUTPUT = new Set(['node_modules', '.next', 'lib', 'test-reports', 'results', 'coverage', 'test-results', 'tsconfig.tsbuildinfo', 'next-env.d.ts']);

/**
 * The files of a service folder as a clone holds them, uncommitted work included: git's tracked
 * and untracked files minus what .gitignore leaves out (node_modules, build output, reports).
 * Outside a git repository, the folder minus the usual host output.
 */
function sourceFiles(src: string): string[] | undefined {
  const r = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', '.'], { cwd: src, encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  return r.stdout.split('\0').filter((f) => f && existsSync(path.join(src, f)));
}

/**
 * A temporary copy of a service's build context without what the host built there, for builds
 * that change the context (the image tests plant files in it, the benchmark edits a source).
 */
export function copyContext(entry: ImageManifestEntry, root = ROOT): string {
  const src = path.join(root, entry.context);
  const dir = mkdtempSync(path.join(tmpdir(), `context-${entry.service}-`));
  const files = sourceFiles(src);
  if (files) {
    for (const f of files) cpSync(path.join(src, f), path.join(dir, f), { recursive: false });
  } else {
    cpSync(src, dir, { recursive: true, filter: (p) => !(path.dirname(p) === src && HOST_OUTPUT.has(path.basename(p))) });
  }
  return dir;
}

/** Tags and labels of one image from the image tag script (the same logic as CI). */
export interface ImageTags { refs: string[]; version: string; labels: Record<string, string>; moving?: string[] }

/** The image tag script the manifest names (DockerImages' `tagScript`), relative to the root. */
export function tagScriptOf(manifest: ImagesManifest): string {
  if (!manifest.tagScript) throw new Error('.projen/docker-images.json names no image tag script: give DockerImages its tagScript in .projenrc.ts and run `npx projen`.');
  return manifest.tagScript;
}

export function tagsFor(image: string, tagScript: string, env: NodeJS.ProcessEnv = process.env, root = ROOT): ImageTags {
  const args = [path.join(root, tagScript), '--image', image, '--format', 'json', '--cwd', root];
  if (env.IMAGE_REGISTRY) args.push('--registry', env.IMAGE_REGISTRY);
  const json = JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8', env })) as ImageTags;
  return { refs: json.refs, version: json.version, labels: json.labels, moving: json.moving ?? [] };
}

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

/** Trivy answers on this machine (it makes the SBOMs). */
export function trivyAvailable(): boolean {
  const r = spawnSync('trivy', ['--version'], { encoding: 'utf8' });
  return !r.error && r.status === 0;
}

/**
 * A CycloneDX SBOM of a local image, made offline by Trivy (no vulnerability database: an SBOM
 * lists packages only), written to `file`; checks that it describes `expectedId`. Returns the seconds it took.
 */
export function generateSbom(ref: string, file: string, expectedId?: string): number {
  const started = Date.now();
  mkdirSync(path.dirname(file), { recursive: true });
  const r = spawnSync('trivy', ['image', '--image-src', 'docker', '--format', 'cyclonedx', '--output', file,
    '--quiet', '--offline-scan', '--skip-db-update', '--skip-java-db-update', ref], {
    encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, TRIVY_NO_PROGRESS: 'true' },
  });
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') throw new Error('trivy is not installed: install it (https://trivy.dev), or build with --no-sbom.');
  if (r.status !== 0) throw new Error(`trivy could not make the SBOM of ${ref} (${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' ')}`);
  const id = sbomImageId(JSON.parse(readFileSync(file, 'utf8')));
  if (expectedId && id !== expectedId) throw new Error(`the SBOM trivy made for ${ref} describes image ${id}, not ${expectedId}: the tag moved during the build; build again.`);
  return (Date.now() - started) / 1000;
}

/** The last default-branch build of an image found locally, or why there is none. */
export function findReference(
  image: string, registry: string | undefined, facts: (ref: string) => ImageFacts | undefined = imageFacts,
): { facts?: ImageFacts; why?: string } {
  const target = registry ? parseRegistry(registry) : undefined;
  const candidates = referenceCandidates(image, target);
  for (const ref of candidates) {
    const f = facts(ref);
    if (f) return { facts: f };
  }
  return { why: `no default-branch build found (no local ${candidates.join(' or ')}; a clean build of the default branch tags one)` };
}

/** The build report entry of one result. */
export function reportEntry(
  result: BuildResult, entry: ImageManifestEntry, tags: ImageTags,
  extra: { baseImage: string; sbom?: string; sbomSeconds?: number; sizeChange?: SizeChange },
): BuiltImage {
  const pushable = tags.refs.map(tagOf).filter((t): t is string => !!t);
  return {
    service: result.service,
    image: entry.image,
    ok: result.ok,
    ...(result.id ? { id: result.id } : {}),
    refs: result.refs,
    tags: pushable,
    moving: (tags.moving ?? []).filter((t) => pushable.includes(t)),
    baseImage: extra.baseImage,
    ...(result.sizeBytes !== undefined ? { sizeBytes: result.sizeBytes } : {}),
    seconds: result.seconds,
    ...(extra.sbom ? { sbom: extra.sbom, sbomSeconds: extra.sbomSeconds } : {}),
    ...(extra.sizeChange ? { sizeChange: extra.sizeChange } : {}),
  };
}

/** Writes the report, keeping the entries of services not built this time. */
export function writeBuildReport(file: string, fresh: BuildReport): BuildReport {
  let previous: BuildReport | undefined;
  try {
    previous = existsSync(file) ? readBuildReport(file) : undefined;
  } catch {
    previous = undefined; // an unreadable old report is replaced
  }
  const merged = mergeBuildReport(previous, fresh);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(merged, null, 2) + '\n');
  return merged;
}

const BUILD_USAGE = 'usage: npx projen build:docker -- [--no-cache] [--no-sbom] [--json FILE] [--report FILE] [SERVICE...]';

async function main(argv: string[]): Promise<number> {
  let noCache = false;
  let noSbom = false;
  let jsonFile: string | undefined;
  let reportFile = path.join(ROOT, BUILD_REPORT);
  const names: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') continue; // projen passes the separator through
    if (a === '--no-cache') noCache = true;
    else if (a === '--no-sbom') noSbom = true;
    else if (a === '--json' && argv[i + 1]) jsonFile = argv[++i];
    else if (a === '--report' && argv[i + 1]) reportFile = path.resolve(argv[++i]);
    else if (a.startsWith('-')) throw new Error(`Unknown option ${a}: ${BUILD_USAGE}`);
    else names.push(a);
  }

  const manifest = readImagesManifest(ROOT);
  const entries = selectServices(manifest, names);
  const tagScript = tagScriptOf(manifest);
  const shipping = shippingFields(manifest);
  const registry = process.env.IMAGE_REGISTRY || shipping.registry;
  const threshold = shipping.sizeDeltaWarning ? parseSizeThreshold(shipping.sizeDeltaWarning) : undefined;
  const engine = assertEngine();
  const sbom = !noSbom && trivyAvailable();
  // One clock for the whole run: every image gets the same timestamp tag.
  const env = { ...process.env, SOURCE_DATE_EPOCH: process.env.SOURCE_DATE_EPOCH || String(Math.floor(Date.now() / 1000)) };
  console.log(`build:docker: Docker ${engine}, BuildKit; building ${entries.map((e) => e.service).join(', ')}`);
  if (!noSbom && !sbom) console.log('build:docker: no SBOM this time: trivy is not installed (https://trivy.dev); push:docker --sign-key needs one.');
  const results: BuildResult[] = [];
  const reported: BuiltImage[] = [];
  const changes: SizeChange[] = [];
  const problems: string[] = [];
  for (const entry of entries) {
    const tags = tagsFor(entry.image, tagScript, env);
    const refs = [...tags.refs, `${entry.image}:dev`];
    // The reference first: a clean build of the default branch moves `latest` onto the new image.
    const reference = findReference(entry.image, registry);
    console.log(`\n=== ${entry.service}: ${refs.join(' ')}`);
    const result = await buildImage(entry, { refs, labels: tags.labels, version: tags.version, noCache });
    results.push(result);
    const baseImage = baseImageOf(entry);
    let sbomFile: string | undefined;
    let sbomSeconds: number | undefined;
    let change: SizeChange | undefined;
    if (result.ok && result.id) {
      const facts = imageFacts(result.id);
      if (facts) {
        change = sizeChange({
          service: entry.service,
          image: { ...facts, ref: refs[0] },
          base: imageFacts(baseImage),
          reference: reference.facts,
          noReference: reference.why,
          threshold,
        });
        changes.push(change);
      }
      if (sbom) {
        try {
          sbomFile = sbomFileName(entry.service);
          console.log(`[${entry.service}] SBOM (trivy, CycloneDX, offline) -> ${path.relative(ROOT, path.join(path.dirname(reportFile), sbomFile))}`);
          sbomSeconds = generateSbom(refs[0], path.join(path.dirname(reportFile), sbomFile), result.id);
        } catch (err) {
          sbomFile = undefined;
          problems.push(`${entry.service}: ${(err as Error).message}`);
        }
      }
    }
    reported.push(reportEntry(result, entry, tags, { baseImage, sbom: sbomFile, sbomSeconds, sizeChange: change }));
  }
  console.log(`\n${renderTable(results)}`);
  if (changes.length) console.log(`\nSize against the last default-branch build:\n\n${renderSizeMarkdown(changes)}`);
  writeBuildReport(reportFile, { schema: 1, createdAt: new Date().toISOString(), engine, images: reported });
  console.log(`build:docker: report in ${path.relative(process.cwd(), reportFile) || reportFile}${sbom ? ', SBOMs beside it' : ''}; \`npx projen push:docker\` pushes these images.`);
  if (jsonFile) writeFileSync(jsonFile, JSON.stringify(results, null, 2));
  const failed = results.filter((r) => !r.ok);
  const over = results.filter((r) => r.ok && !r.withinBudget);
  for (const w of changes.filter((c) => c.warning)) console.warn(`build:docker: warning: ${w.warning}`);
  for (const p of problems) console.error(`build:docker: ${p}`);
  if (failed.length) console.error(`\nbuild:docker: ${failed.map((r) => r.service).join(', ')} failed to build; see the log above.`);
  if (over.length) console.error(`\nbuild:docker: ${over.map((r) => r.service).join(', ')} over budget; see the table.`);
  return failed.length || over.length || problems.length ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (err: Error) => {
    console.error(`build:docker: ${err.message}`);
    process.exit(err instanceof DockerUnavailableError ? 3 : 2);
  });
}
