/** Thin I/O layer over the docker CLI, shared by the build, the push, the size comparison, the image tests and the benchmark. */
import { spawn, spawnSync } from 'node:child_process';

export class DockerUnavailableError extends Error {
  constructor(detail: string) {
    super([
      'No Docker engine is reachable' + (process.env.DOCKER_HOST ? ` at DOCKER_HOST=${process.env.DOCKER_HOST}` : '') + '.',
      `  docker said: ${detail.trim().split('\n').slice(-1)[0] || 'nothing'}`,
      'Start one and try again:',
      '  - Docker Desktop: start the app; Linux: `sudo systemctl start docker`;',
      '  - or point DOCKER_HOST at an engine that runs (e.g. DOCKER_HOST=ssh://user@host).',
      'BuildKit is required (Docker 20.10 or later; set DOCKER_BUILDKIT=1 on older clients).',
    ].join('\n'));
    this.name = 'DockerUnavailableError';
  }
}

export interface RunResult { status: number; stdout: string; stderr: string }

/** Runs `docker ...` and returns its output; never throws for a non-zero exit. */
export function docker(args: string[], options: { input?: string; timeoutMs?: number } = {}): RunResult {
  const r = spawnSync('docker', args, { encoding: 'utf8', input: options.input, timeout: options.timeoutMs, maxBuffer: 256 * 1024 * 1024, env: { ...process.env, DOCKER_BUILDKIT: '1' } });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new DockerUnavailableError('the docker command is not installed');
  }
  return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Like docker(), without blocking the event loop (servers in the same process keep answering). */
export function dockerAsync(args: string[]): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn('docker', args, { env: { ...process.env, DOCKER_BUILDKIT: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d) => (stdout += d));
    proc.stderr.on('data', (d) => (stderr += d));
    proc.on('error', reject);
    proc.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
  });
}

/** Like docker(), but throws with docker's own message on failure. */
export function dockerOk(args: string[], options: { input?: string; timeoutMs?: number } = {}): string {
  const r = docker(args, options);
  if (r.status !== 0) throw new Error(`docker ${args.slice(0, 3).join(' ')} failed (${r.status}): ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}

/** Throws DockerUnavailableError (with what to do) unless an engine answers. */
export function assertEngine(): string {
  const r = docker(['version', '--format', '{{.Server.Version}}'], { timeoutMs: 20_000 });
  if (r.status !== 0 || !r.stdout.trim()) throw new DockerUnavailableError(r.stderr || 'no answer');
  return r.stdout.trim();
}

/** Options of {@link dockerStreaming}. */
export interface StreamingOptions {
  /** Prefix of each printed line. @default '' */
  readonly prefix?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Called with every output line (stdout and stderr), printed or not. @default none */
  readonly onLine?: (line: string) => void;
  /** Print nothing while it runs; on failure, print the last `quiet` lines. @default 0 (print everything) */
  readonly quiet?: number;
}

/** Runs docker with live output, each line prefixed; resolves with the exit code. */
export function dockerStreaming(args: string[], options: StreamingOptions = {}): Promise<number> {
  const prefix = options.prefix ?? '';
  const tail: string[] = [];
  return new Promise((resolve, reject) => {
    const proc = spawn('docker', args, { env: { ...(options.env ?? process.env), DOCKER_BUILDKIT: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const emit = (line: string, out: NodeJS.WriteStream) => {
      options.onLine?.(line);
      if (!options.quiet) out.write(`${prefix}${line}\n`);
      else if (tail.push(`${prefix}${line}`) > options.quiet) tail.shift();
    };
    const pipe = (stream: NodeJS.ReadableStream, out: NodeJS.WriteStream) => {
      let buf = '';
      stream.on('data', (d: Buffer) => {
        buf += d.toString();
        const lines = buf.split('\n');
        buf = lines.pop()!;
        for (const l of lines) emit(l, out);
      });
      stream.on('end', () => { if (buf) emit(buf, out); });
    };
    pipe(proc.stdout, process.stdout);
    pipe(proc.stderr, process.stderr);
    proc.on('error', (err) => reject((err as NodeJS.ErrnoException).code === 'ENOENT' ? new DockerUnavailableError('the docker command is not installed') : err));
    proc.on('close', (code) => {
      if (code !== 0 && tail.length) process.stderr.write(`${tail.join('\n')}\n`);
      resolve(code ?? 1);
    });
  });
}

/** Size in bytes of a local image, or undefined when it is not there. */
export function imageSize(ref: string): number | undefined {
  const r = docker(['image', 'inspect', '--format', '{{.Size}}', ref]);
  return r.status === 0 ? Number(r.stdout.trim()) : undefined;
}

/** What `docker image inspect` says of a local image (the facts of lib/image-size.ts), or undefined when it is not there. */
export function imageFacts(ref: string): { ref: string; id: string; size: number; layers: string[] } | undefined {
  const r = docker(['image', 'inspect', '--format', '{{json .}}', ref]);
  if (r.status !== 0) {
    if (/no such image/i.test(r.stderr)) return undefined;
    if (/cannot connect to the docker daemon|error during connect/i.test(r.stderr)) throw new DockerUnavailableError(r.stderr);
    throw new Error(`docker image inspect ${ref} failed (${r.status}): ${r.stderr.trim()}`);
  }
  const j = JSON.parse(r.stdout) as { Id: string; Size: number; RootFS?: { Layers?: string[] } };
  return { ref, id: j.Id, size: Number(j.Size), layers: j.RootFS?.Layers ?? [] };
}

/** The image ID a local reference points to, or undefined when there is no such image. */
export function imageId(ref: string): string | undefined {
  const r = docker(['image', 'inspect', '--format', '{{.Id}}', ref]);
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** The outcome of `docker pull`: pulled, absent from the registry, or refused (docker's message). */
export type PullResult = { readonly status: 'pulled' } | { readonly status: 'missing' | 'failed'; readonly detail: string };

/** `docker pull --quiet REF`; tells an image the registry does not have from any other failure. */
export function pullImage(ref: string): PullResult {
  const r = docker(['pull', '--quiet', ref]);
  if (r.status === 0) return { status: 'pulled' };
  const detail = (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-1)[0] ?? '';
  return { status: /manifest unknown|not found|no such manifest|manifest for .* not found/i.test(detail) ? 'missing' : 'failed', detail };
}
