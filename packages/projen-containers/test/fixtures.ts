import { spawnSync, SpawnSyncOptions, SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import * as path from 'node:path';
import { Project, Testing } from 'projen';
import { DockerImages } from '../src/docker/docker-images';
import { ImageKind } from '../src/docker/kinds';
import type { BuiltImage } from '../src/lib/build-report';

export const NODE_DIGEST = `sha256:${'a'.repeat(64)}`;

/** A root project with three service subprojects in a fresh temporary folder, as in .projenrc.ts. */
export function monorepo(options: { playwrightVersion?: string; lock?: Record<string, unknown>; outdir?: string } = {}) {
  const outdir = options.outdir ?? mkdtempSync(path.join(tmpdir(), 'qualisys-test-'));
  writeFileSync(path.join(outdir, 'base-images.lock.json'), JSON.stringify(options.lock ?? { 'node:24-alpine': { digest: NODE_DIGEST } }));
  const root = new Project({ name: 'root', outdir });
  const api = new Project({ name: 'api', parent: root, outdir: 'api' });
  const web = new Project({ name: 'web', parent: root, outdir: 'web' });
  const runner = new Project({ name: 'runner', parent: root, outdir: 'playwright-runner' });
  mkdirSync(runner.outdir, { recursive: true });
  writeFileSync(path.join(runner.outdir, 'package-lock.json'), JSON.stringify({
    packages: { 'node_modules/@playwright/test': { version: options.playwrightVersion ?? '1.65.1' } },
  }));
  const images = new DockerImages(root, { namespace: 'qualisys' })
    .addBaseImage('node', { repository: 'node', tag: '24-alpine', buildArg: 'NODE_IMAGE' })
    .addBaseImage('playwright', { repository: 'mcr.microsoft.com/playwright', tag: 'v{version}-noble', buildArg: 'PLAYWRIGHT_IMAGE' });
  return { outdir, root, api, web, runner, images };
}

export function addDefaultServices(m: ReturnType<typeof monorepo>) {
  m.images.addService(m.api, { kind: ImageKind.NODE_SERVICE, port: 3000, healthPath: '/health', sizeBudget: '200MB' });
  m.images.addService(m.web, { kind: ImageKind.NEXTJS_STANDALONE, port: 3000, healthPath: '/api/health', sizeBudget: '300MB' });
  m.images.addService(m.runner, {
    kind: ImageKind.PLAYWRIGHT_RUNNER,
    sizeBudget: '2GB',
    runner: { targets: [{ name: 'web', urlEnv: 'BASE_URL', healthPath: '/api/health' }], runFlags: ['--init', '--ipc=host'] },
  });
}

/** Synthesizes (without installing anything) and returns the files by path. */
export function synth(project: Project): Record<string, any> {
  return Testing.synth(project);
}

/** A hash of every file under `dir` (paths and contents): equal hashes, an unchanged tree. */
export function treeHash(dir: string): string {
  const hash = createHash('sha256');
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else hash.update(`${path.relative(dir, p)}\0${statSync(p).mode}\0`).update(readFileSync(p)).update('\0');
    }
  };
  walk(dir);
  return hash.digest('hex');
}

/** A fresh temporary folder for a test project (never the working directory, even under /tmp). */
export function tempOutdir(): string {
  return mkdtempSync(path.join(tmpdir(), 'projen-test-'));
}

/** The repository's root. */
export const REPO_ROOT = path.join(__dirname, '..', '..', '..');

/** The package's root. */
export const PACKAGE_ROOT = path.join(__dirname, '..');

/** Runs one of the TypeScript tools a task runs (e.g. `packages/projen-containers/src/tools/build-images.ts`) through tsx, from the root. */
export function runTsTool(tool: string, args: string[], env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  return spawnSync(path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), [path.join(REPO_ROOT, tool), ...args], {
    cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, ...env },
  });
}

/**
 * Runs a linter or scanner as the test's check. One that is not installed fails the test with one
 * line saying how to get it (tools/install-linters.sh, which pins each version), instead of a check
 * that fails on empty output. `~/.local/bin`, where pip puts hadolint and zizmor, is searched too.
 */
export function linter(tool: 'actionlint' | 'hadolint' | 'zizmor' | 'trivy', args: string[], options: Omit<SpawnSyncOptions, 'encoding'> = {}): SpawnSyncReturns<string> {
  const env = options.env ?? process.env;
  const PATH = [env.PATH, path.join(homedir(), '.local', 'bin')].filter(Boolean).join(path.delimiter);
  const r = spawnSync(tool, args, { ...options, env: { ...env, PATH }, encoding: 'utf8' });
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new Error(`${tool} is not installed: run \`. tools/install-linters.sh${tool === 'trivy' ? ' --with-trivy' : ''}\` from the repository root (\`npx projen test:all\` does it first).`);
  }
  return r;
}

/** Image IDs of the build-report fixtures. */
export const IMAGE_ID = `sha256:${'1'.repeat(64)}`;
export const OTHER_IMAGE_ID = `sha256:${'2'.repeat(64)}`;

/** One image of a build report (api on main, tagged with its SHA, its build time and latest), with `over` applied. */
export function builtImage(over: Partial<BuiltImage> = {}): BuiltImage {
  return {
    service: 'api',
    image: 'qualisys/api',
    ok: true,
    id: IMAGE_ID,
    refs: ['qualisys/api:abc1234', 'qualisys/api:main-20260123-143022', 'qualisys/api:latest', 'qualisys/api:dev'],
    tags: ['abc1234', 'main-20260123-143022', 'latest'],
    moving: ['latest'],
    baseImage: 'node:24',
    seconds: 10,
    ...over,
  };
}
