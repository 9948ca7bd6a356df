/**
 * Helpers of the image tests: build contexts with planted files, real containers on loopback
 * ports (the engine may have no bridge network: containers share the host's), and the exported
 * image filesystem.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { copyContext } from '../../packages/projen-containers/src/engine/build-context';
import { docker, dockerAsync, dockerOk } from '../../packages/projen-containers/src/engine/docker-cli';
import type { ImageManifestEntry } from '../../packages/projen-containers/src/lib/images-manifest';
import { REPO_ROOT } from '../../packages/projen-containers/test/fixtures';

export const ROOT = REPO_ROOT;

/** Files planted in every build context; none may reach an image. */
export const PLANTED: Record<string, () => string> = {
  '.env': () => `DATABASE_PASSWORD=${randomBytes(12).toString('hex')}\n`,
  '.env.production.local': () => `API_TOKEN=${randomBytes(16).toString('hex')}\n`,
  'src/.env': () => 'INSIDE_AN_ALLOWED_FOLDER=1\n',
  'secrets/token.txt': () => `ghp_${randomBytes(18).toString('hex').slice(0, 36)}\n`,
  'credentials/aws.json': () => JSON.stringify({
    aws_access_key_id: `AKIA${randomBytes(8).toString('hex').toUpperCase()}`,
    aws_secret_access_key: randomBytes(30).toString('base64').slice(0, 40),
  }, null, 2),
  'deploy-key.pem': () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
  'coverage/lcov.info': () => 'TN:\nSF:src/server.ts\nend_of_record\n',
  'npm-debug.log': () => 'npm error code E401\n',
  '.git/config': () => '[core]\n\tbare = false\n',
  '.git/HEAD': () => 'ref: refs/heads/main\n',
  'node_modules/planted-module/index.js': () => 'module.exports = "from the host";\n',
};

/** Names that must not appear anywhere in an image's /app. */
export const PLANTED_MARKERS = ['.env', '.env.production.local', 'secrets', 'credentials', 'deploy-key.pem', 'coverage', 'npm-debug.log', '.git', 'planted-module'];

/** A copy of a service folder (what git would check out, plus generated files) with the planted files. */
export function plantedContext(entry: ImageManifestEntry, root = ROOT): string {
  const dir = copyContext(entry, root);
  for (const [file, content] of Object.entries(PLANTED)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content());
  }
  return dir;
}

export { freePort } from '../../packages/projen-containers/src/lib/load';

const started: string[] = [];

/** Starts a container on the host network; returns its id. */
export function runContainer(image: string, opts: { env?: Record<string, string>; args?: string[] } = {}): string {
  const env = Object.entries(opts.env ?? {}).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  const id = dockerOk(['run', '-d', '--network', 'host', ...(opts.args ?? []), ...env, image]).trim();
  started.push(id);
  return id;
}

export function removeContainers(): void {
  if (started.length) docker(['rm', '-f', ...started.splice(0)]);
}

export function inspect(id: string, format: string): string {
  return dockerOk(['inspect', '--format', format, id]).trim();
}

/** Waits until Docker reports the container healthy (its own HEALTHCHECK), or throws with its logs. */
export async function waitHealthy(id: string, timeoutMs = 90_000): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    const status = inspect(id, '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}} {{.State.Running}}');
    if (status.startsWith('healthy')) return Date.now() - t0;
    if (status.endsWith('false') || Date.now() - t0 > timeoutMs) {
      throw new Error(`container ${id.slice(0, 12)} is ${status} after ${Date.now() - t0} ms:\n${docker(['logs', '--tail', '40', id]).stderr}${docker(['logs', '--tail', '40', id]).stdout}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** `docker stop`, timed; returns the exit code and how long the stop took. */
export function stopTimed(id: string): { exitCode: number; ms: number } {
  const t0 = Date.now();
  dockerOk(['stop', '--time', '10', id]);
  return { ms: Date.now() - t0, exitCode: Number(inspect(id, '{{.State.ExitCode}}')) };
}

/**
 * `docker stop` without blocking the event loop (load clients in this process keep running): the
 * container's exit code once it is gone. The 30 s grace exceeds the services' own shutdown timeout,
 * so Docker never has to SIGKILL them.
 */
export async function stopAsync(id: string): Promise<number> {
  const r = await dockerAsync(['stop', '--time', '30', id]);
  if (r.status !== 0) throw new Error(`docker stop ${id.slice(0, 12)} failed (${r.status}): ${r.stderr.trim()}`);
  return Number(inspect(id, '{{.State.ExitCode}}'));
}

/**
 * The image's filesystem, exported from a created container: every path in it, and the folders
 * in `extract` (those that exist) unpacked into a temporary folder.
 */
export function exportFilesystem(image: string, extract: readonly string[] = ['app']): { dir: string; paths: string[] } {
  const id = dockerOk(['create', image]).trim();
  const dir = mkdtempSync(path.join(tmpdir(), 'image-fs-'));
  try {
    const tar = path.join(dir, '..', `${path.basename(dir)}.tar`);
    dockerOk(['export', '-o', tar, id]);
    const paths = execFileSync('tar', ['-tf', tar], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 }).split('\n').filter(Boolean);
    const present = extract.filter((d) => paths.some((p) => p === d || p.startsWith(`${d}/`)));
    if (present.length) execFileSync('tar', ['-xf', tar, '-C', dir, '--no-same-owner', '--exclude=dev/*', ...present]);
    rmSync(tar);
    return { dir, paths };
  } finally {
    docker(['rm', '-f', id]);
  }
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    const st = statSync(p, { throwIfNoEntry: false });
    if (st?.isDirectory()) out.push(...listFiles(p));
    else if (st?.isFile()) out.push(p);
  }
  return out;
}

/**
 * Runs secretlint over every file below `dir` and returns its findings. secretlint skips
 * node_modules folders whatever the path says, so they are renamed first; files go in batches
 * (one call slows sharply with the number of files).
 */
export function secretlint(dir: string): string[] {
  const renameNodeModules = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (!statSync(p, { throwIfNoEntry: false })?.isDirectory()) continue;
      renameNodeModules(p);
      if (name === 'node_modules') renameSync(p, path.join(d, 'node_modules.scanned'));
    }
  };
  renameNodeModules(dir);
  const files = listFiles(dir);
  const findings: string[] = [];
  const report = path.join(mkdtempSync(path.join(tmpdir(), 'secretlint-')), 'report.json');
  for (let i = 0; i < files.length; i += 500) {
    // --output: a large JSON report on stdout can be cut short when secretlint exits.
    const r = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'secretlint'), [
      '--secretlintrc', path.join(ROOT, '.secretlintrc.json'), '--no-glob', '--format', 'json', '--no-color', '--output', report, ...files.slice(i, i + 500),
    ], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (r.status !== 0 && r.status !== 1) throw new Error(`secretlint failed (${r.status}): ${r.stderr}`);
    for (const result of JSON.parse(readFileSync(report, 'utf8') || '[]') as { filePath: string; messages: { ruleId: string; message: string }[] }[]) {
      for (const m of result.messages) findings.push(`${path.relative(dir, result.filePath)}: ${m.ruleId}: ${m.message}`);
    }
  }
  rmSync(path.dirname(report), { recursive: true, force: true });
  return findings;
}

/**
 * Trivy's secret scanner (the one CI runs on GitHub), offline: over an image in the local engine,
 * or over a folder. Returns the findings as `target: rule`.
 */
export function trivySecrets(target: { image: string } | { dir: string }): string[] {
  const args = 'image' in target
    ? ['image', '--image-src', 'docker', target.image]
    : ['fs', target.dir];
  const r = spawnSync('trivy', [...args, '--scanners', 'secret', '--format', 'json', '--quiet', '--skip-db-update', '--skip-java-db-update', '--offline-scan'], {
    encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, TRIVY_NO_PROGRESS: 'true' },
  });
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') throw new Error('trivy is not installed: tools/setup-test-env.sh installs it (go install github.com/aquasecurity/trivy/cmd/trivy).');
  if (r.status !== 0) throw new Error(`trivy failed (${r.status}): ${r.stderr}`);
  const report = JSON.parse(r.stdout) as { Results?: { Target: string; Secrets?: { RuleID: string }[] }[] };
  return (report.Results ?? []).flatMap((res) => (res.Secrets ?? []).map((sec) => `${res.Target}: ${sec.RuleID}`));
}
