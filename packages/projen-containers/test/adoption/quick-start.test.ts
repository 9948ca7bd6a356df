/**
 * The README's quick start, as a new user follows it: `npm pack` of this package, a fresh
 * `projen new typescript` project, `npm install` of the tarball, the README's `.projenrc.ts`
 * pasted in, `npx projen`. Slow (it installs from the npm registry): `npx projen test:adoption`.
 */
import { execFileSync, spawnSync, SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { linter, PACKAGE_ROOT, REPO_ROOT } from '../fixtures';

/** The one `ts` code block of the README. */
export function quickStart(readme: string): string {
  const blocks = [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
  if (blocks.length !== 1) throw new Error(`README.md has ${blocks.length} ts code blocks, not 1: the quick start is the only one`);
  return blocks[0];
}

/**
 * Runs a command as a user at a terminal would: without CI in the environment (with CI set,
 * projen installs with `npm ci`, which a new project without a lock file cannot).
 */
function run(cmd: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  const env = { ...process.env };
  delete env.CI;
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env, timeout: 600_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}) in ${cwd}:\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** Every copy of a package under node_modules, by its real path. */
function copiesOf(dir: string, name: string): string[] {
  const found = new Set<string>();
  const walk = (d: string, depth: number) => {
    if (depth > 6 || !existsSync(d)) return;
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      if (!entry.isDirectory() && !entry.isSymbolicLink()) continue;
      const p = path.join(d, entry.name);
      if (entry.name === name && existsSync(path.join(p, 'package.json'))) found.add(realpathSync(p));
      if (entry.name === 'node_modules' || d.endsWith('node_modules') || entry.name.startsWith('@')) walk(entry.name === 'node_modules' ? p : path.join(p, 'node_modules'), depth + 1);
    }
  };
  walk(path.join(dir, 'node_modules'), 0);
  return [...found];
}

describe('the README\'s quick start in a fresh projen project', () => {
  jest.setTimeout(900_000);
  const work = mkdtempSync(path.join(tmpdir(), 'adoption-'));
  const project = path.join(work, 'acme');
  let tarball = '';
  let synth: SpawnSyncReturns<string>;

  beforeAll(() => {
    // What a user installs: the package as npm pack makes it (its prepack builds it).
    run('npm', ['pack', '--pack-destination', work], PACKAGE_ROOT);
    const packed = readdirSync(work).filter((f) => f.endsWith('.tgz'));
    expect(packed).toHaveLength(1);
    tarball = path.join(work, packed[0]);
    execFileSync('mkdir', ['-p', project]);
    run(path.join(REPO_ROOT, 'node_modules', '.bin', 'projen'), ['new', 'typescript', '--package-manager', 'npm', '--no-git', '--projenrc-ts'], project);
    run('npm', ['install', '--save-dev', tarball], project);
    writeFileSync(path.join(project, '.projenrc.ts'), quickStart(readFileSync(path.join(PACKAGE_ROOT, 'README.md'), 'utf8')));
    synth = run('npx', ['projen'], project);
  });

  test('the package holds its build and no source, test or build leftovers', () => {
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n');
    expect(files).toEqual(expect.arrayContaining(['package/lib/index.js', 'package/lib/index.d.ts', 'package/lib/bundles/image-tags.mjs', 'package/README.md', 'package/API.md']));
    expect(files.filter((f) => /^package\/(src|test|scripts)\/|\.tsbuildinfo$/.test(f))).toEqual([]);
  });

  test('the package holds its API reference, generated from the JSDoc of what it exports', () => {
    const api = execFileSync('tar', ['-xzOf', tarball, 'package/API.md'], { encoding: 'utf8' });
    expect(api).toContain('### ContainerBuild');
    expect(api).toContain('### ContainerBuildOptions');
    // Every option with its default, as the JSDoc says it.
    expect(api).toMatch(/#### deployedScan\?[\s\S]*?Scan the deployed images every day[\s\S]*?true/);
  });

  test('synthesizes the Dockerfile, the .dockerignore, the image workflows and the tag script', () => {
    expect(synth.status).toBe(0);
    for (const file of ['services/orders/Dockerfile', 'services/orders/.dockerignore', '.github/workflows/images.yml', 'scripts/image-tags.mjs', 'docs/docker-build-guide.md']) {
      expect([file, existsSync(path.join(project, file))]).toEqual([file, true]);
    }
    const dockerfile = readFileSync(path.join(project, 'services/orders/Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:\S+@sha256:[0-9a-f]{64} AS node-base$/m);
    expect(dockerfile).toContain('CMD ["node","lib/index.js"]');
    expect(dockerfile).toContain('EXPOSE 8080');
  });

  test('one copy of projen: the package uses the project\'s', () => {
    expect(copiesOf(project, 'projen')).toHaveLength(1);
  });

  test('the tag script runs with a bare node in the new project', () => {
    const r = spawnSync('node', ['scripts/image-tags.mjs', '--image', 'acme/orders', '--sha', 'a'.repeat(40), '--ref-name', 'main', '--dirty', 'false', '--timestamp', '2026-01-23T14:30:22Z'], { cwd: project, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split('\n')).toEqual(expect.arrayContaining(['acme/orders:aaaaaaa', 'acme/orders:latest']));
  });

  // The package's workflows (projen's own build and release workflows are projen's).
  const OURS = ['.github/workflows/images.yml', '.github/workflows/reusable-build.yml', '.github/workflows/scan-deployed.yml'];

  test('the package\'s workflows pass actionlint, with shellcheck, and zizmor', () => {
    const lint = linter('actionlint', ['-no-color', '-shellcheck', 'shellcheck', ...OURS], { cwd: project });
    expect(lint.stdout + lint.stderr).toBe('');
    expect(lint.status).toBe(0);
    const audit = linter('zizmor', ['--offline', '--min-severity', 'low', '--format', 'plain', ...OURS], { cwd: project });
    expect(audit.stdout).toContain('No findings to report');
  });

  test('the Dockerfile passes hadolint', () => {
    const r = linter('hadolint', ['--no-color', 'services/orders/Dockerfile'], { cwd: project });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
