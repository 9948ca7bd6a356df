/**
 * A real, throw-away container registry for tests: Debian's `docker-registry` (the CNCF
 * distribution registry) on 127.0.0.1, no Docker engine needed, and images made by hand as OCI
 * layouts and pushed to it with skopeo.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { freePort } from '../src/lib/load';

const MISSING_TOOLS = "install Debian's docker-registry and skopeo packages: tools/setup-test-env.sh does it";

export const MEDIA_TYPES = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  inToto: 'application/vnd.in-toto+json',
} as const;

/** A registry started by {@link startRegistry}. */
export interface TestRegistry {
  /** `127.0.0.1:PORT`, to put before a repository name. */
  readonly host: string;
  /** Kills the registry and removes its storage. */
  stop(): Promise<void>;
}

function requireTools(): void {
  for (const [tool, args] of [['docker-registry', ['--version']], ['skopeo', ['--version']]] as const) {
    const r = spawnSync(tool, args, { encoding: 'utf8' });
    if (r.error || r.status !== 0) {
      throw new Error(`${tool} is missing or does not run (${r.error?.message ?? r.stderr.trim()}): ${MISSING_TOOLS}`);
    }
  }
}

export { freePort };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts `docker-registry serve` on 127.0.0.1 on a free port, with its storage in a fresh temporary
 * folder, deletes enabled and no authentication, and resolves once `GET /v2/` answers 200.
 */
export async function startRegistry(options: { timeoutMs?: number } = {}): Promise<TestRegistry> {
  requireTools();
  const dir = mkdtempSync(path.join(tmpdir(), 'qualisys-registry-'));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const config = path.join(dir, 'config.yml');
  writeFileSync(config, [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${JSON.stringify(path.join(dir, 'storage'))}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: ${host}`,
    '',
  ].join('\n'));

  // The registry reads REGISTRY_* variables as configuration: keep ours (REGISTRY_TLS_VERIFY...) away.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('REGISTRY_')));
  // Its log goes to a file, not a pipe: the tests call skopeo synchronously, and a registry that
  // logs (a warning per unknown tag or repository) into a full pipe nobody reads while node waits
  // for skopeo would block, and skopeo with it.
  const logFile = path.join(dir, 'registry.log');
  const log = openSync(logFile, 'a');
  const child: ChildProcess = spawn('docker-registry', ['serve', config], { env, stdio: ['ignore', 'ignore', log] });
  closeSync(log);
  const logTail = () => { try { return readFileSync(logFile, 'utf8').slice(-8000); } catch { return ''; } };
  let exited: string | undefined;
  const exit = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => { exited = `exited with ${signal ?? code}`; resolve(); });
    child.on('error', (e) => { exited = e.message; resolve(); });
  });

  const stop = async () => {
    if (exited === undefined) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exit;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  for (;;) {
    if (exited !== undefined) {
      const stderr = logTail();
      await stop();
      throw new Error(`docker-registry ${exited} before answering on ${host}:\n${stderr}`);
    }
    try {
      const res = await fetch(`http://${host}/v2/`);
      if (res.status === 200) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      const stderr = logTail();
      await stop();
      throw new Error(`docker-registry did not answer GET http://${host}/v2/ with 200 in time:\n${stderr}`);
    }
    await sleep(50);
  }
  return { host, stop };
}

// --- Images, made by hand as OCI layouts

const sha256 = (data: Buffer | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

/** A ustar archive holding one regular file (512-byte header, content padded to 512, two zero blocks). */
export function tarOneFile(name: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512);
  const field = (offset: number, length: number, value: string) => header.write(value, offset, length, 'ascii');
  const octal = (value: number, length: number) => value.toString(8).padStart(length - 1, '0') + '\0';
  field(0, 100, name);
  field(100, 8, octal(0o644, 8));
  field(108, 8, octal(0, 8));
  field(116, 8, octal(0, 8));
  field(124, 12, octal(content.length, 12));
  field(136, 12, octal(0, 12));
  field(148, 8, ' '.repeat(8)); // counted as spaces while summing
  field(156, 1, '0');
  field(257, 6, 'ustar\0');
  field(263, 2, '00');
  field(265, 32, 'root');
  field(297, 32, 'root');
  let sum = 0;
  for (const byte of header) sum += byte;
  field(148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  const padding = Buffer.alloc((512 - (content.length % 512)) % 512);
  return Buffer.concat([header, content, padding, Buffer.alloc(1024)]);
}

interface Descriptor { mediaType: string; digest: string; size: number; [key: string]: unknown }

/** An OCI image layout being written in a temporary folder. */
class OciLayout {
  public readonly dir = mkdtempSync(path.join(tmpdir(), 'qualisys-oci-'));
  constructor() {
    mkdirSync(path.join(this.dir, 'blobs', 'sha256'), { recursive: true });
    writeFileSync(path.join(this.dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  }

  blob(mediaType: string, data: Buffer | string, extra: Record<string, unknown> = {}): Descriptor {
    const bytes = Buffer.from(data);
    const digest = sha256(bytes);
    writeFileSync(path.join(this.dir, 'blobs', 'sha256', digest.slice('sha256:'.length)), bytes);
    return { mediaType, digest, size: bytes.length, ...extra };
  }

  /** A single-platform image manifest: one layer (a tar with `file` holding `content`) and its config. */
  image(content: string, platform: { os: string; architecture: string }, file = 'hello.txt', layerType: string = MEDIA_TYPES.layer, suffix = ''): Descriptor {
    const uncompressed = layerType === MEDIA_TYPES.layer ? tarOneFile(file, Buffer.from(content)) : Buffer.from(content);
    const layer = this.blob(layerType, layerType === MEDIA_TYPES.layer ? gzipSync(uncompressed) : uncompressed);
    const config = this.blob(MEDIA_TYPES.config, JSON.stringify({
      ...platform,
      config: {},
      rootfs: { type: 'layers', diff_ids: [sha256(uncompressed)] },
    }));
    const manifest = { schemaVersion: 2, mediaType: MEDIA_TYPES.manifest, config, layers: [layer] };
    return this.blob(MEDIA_TYPES.manifest, JSON.stringify(manifest, null, 2) + suffix);
  }

  /** Writes index.json, with `top` named `tag`. */
  finish(top: Descriptor, tag: string): void {
    writeFileSync(path.join(this.dir, 'index.json'), JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.index,
      manifests: [{ ...top, annotations: { 'org.opencontainers.image.ref.name': tag } }],
    }));
  }

  remove(): void { rmSync(this.dir, { recursive: true, force: true }); }
}

function skopeo(args: string[]): Buffer {
  const r = spawnSync('skopeo', args, { maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new Error(`skopeo: ${r.error.message}: ${MISSING_TOOLS}`);
  if (r.status !== 0) throw new Error(`skopeo ${args.join(' ')} failed (${r.status}):\n${r.stderr.toString()}`);
  return r.stdout;
}

/** The digest of `REF`'s manifest in a plain-HTTP registry (sha256 of its exact bytes), or undefined when there is none. */
export function registryDigest(ref: string): string | undefined {
  const r = spawnSync('skopeo', ['inspect', '--tls-verify=false', '--raw', `docker://${ref}`], { maxBuffer: 64 * 1024 * 1024 });
  if (r.status === 0) return sha256(r.stdout);
  if (/manifest unknown|name unknown/i.test(r.stderr.toString())) return undefined;
  throw new Error(`skopeo inspect ${ref} failed (${r.status}):\n${r.stderr.toString()}`);
}

function push(layout: OciLayout, top: Descriptor, host: string, repo: string, tag: string): string {
  try {
    layout.finish(top, tag);
    skopeo(['copy', '--quiet', '--all', '--preserve-digests', '--dest-tls-verify=false', `oci:${layout.dir}:${tag}`, `docker://${host}/${repo}:${tag}`]);
    const pushed = registryDigest(`${host}/${repo}:${tag}`);
    if (pushed !== top.digest) throw new Error(`pushed ${host}/${repo}:${tag} as ${pushed}, not as the layout's ${top.digest}`);
    return pushed;
  } finally {
    layout.remove();
  }
}

/** Options of {@link pushImage} and {@link pushIndex}. */
export interface PushOptions {
  /** Appended to the (pretty-printed) manifest's bytes, e.g. the '\n' some tools end their JSON with. */
  readonly manifestSuffix?: string;
}

/**
 * Pushes a tiny, valid linux/amd64 OCI image (one layer holding a file with `content`) as
 * `HOST/REPO:TAG` and returns its manifest digest as the registry has it.
 */
export function pushImage(host: string, repo: string, tag: string, content: string, options: PushOptions = {}): string {
  const layout = new OciLayout();
  const manifest = layout.image(content, { os: 'linux', architecture: 'amd64' }, 'hello.txt', MEDIA_TYPES.layer, options.manifestSuffix);
  return push(layout, manifest, host, repo, tag);
}

/**
 * Pushes an OCI image index as BuildKit does with provenance or SBOM: one linux/amd64 image and an
 * attestation manifest (platform unknown/unknown, an in-toto statement as its layer) that refers to
 * it. Returns the index's digest as the registry has it.
 */
export function pushIndex(host: string, repo: string, tag: string, content: string, options: PushOptions = {}): string {
  const layout = new OciLayout();
  const platform = { os: 'linux', architecture: 'amd64' };
  const image = layout.image(content, platform);
  const statement = JSON.stringify({
    _type: 'https://in-toto.io/Statement/v0.1',
    predicateType: 'https://slsa.dev/provenance/v0.2',
    subject: [{ name: `pkg:docker/${repo}@${tag}?platform=linux%2Famd64`, digest: { sha256: image.digest.slice('sha256:'.length) } }],
    predicate: { builder: { id: 'qualisys-test' }, buildType: 'https://mobyproject.org/buildkit@v1', metadata: { content } },
  });
  const attestation = layout.image(statement, { os: 'unknown', architecture: 'unknown' }, '', MEDIA_TYPES.inToto);
  const index = layout.blob(MEDIA_TYPES.index, JSON.stringify({
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.index,
    manifests: [
      { ...image, platform },
      {
        ...attestation,
        annotations: { 'vnd.docker.reference.digest': image.digest, 'vnd.docker.reference.type': 'attestation-manifest' },
        platform: { architecture: 'unknown', os: 'unknown' },
      },
    ],
  }, null, 2) + (options.manifestSuffix ?? ''));
  return push(layout, index, host, repo, tag);
}
