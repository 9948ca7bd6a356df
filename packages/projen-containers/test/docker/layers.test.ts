/**
 * The layers of the package's src/ as the Docker side uses them, checked on the import statements:
 * - lib/: pure helpers and the manifests' shapes, importing only Node.js and each other;
 * - engine/: what the command-line tools do (build, push, benchmark, pins), reading the generated
 *   manifests, never loading a component or projen (the pure tag logic of image-tags/ is theirs to use);
 * - tools/: the command-line tools, thin entry points over engine/;
 * - docker/kinds/: one module per kind, importing the Dockerfile model and helpers below them only;
 * - docker/: the components, importing kinds and lib, never a tool or the docs.
 * And what the tasks run and what the generated files name as their source exists.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { PACKAGE_ROOT, REPO_ROOT } from '../fixtures';

const PROJENRC = path.join(PACKAGE_ROOT, 'src');

/** The modules a file imports at run time (`import type` and `export type` are left out), as paths relative to projenrc/, or package names. */
function runtimeImports(file: string): string[] {
  const text = readFileSync(path.join(PROJENRC, file), 'utf8');
  const specs = [...text.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+'([^']+)'|^import\s+'([^']+)'/gm)].map((m) => m[1] ?? m[2]);
  return specs.map((s) => (s.startsWith('.') ? path.relative(PROJENRC, path.resolve(path.dirname(path.join(PROJENRC, file)), s)).split(path.sep).join('/') : s));
}

/** Every module reached from `file` at run time, following relative imports. */
function closure(file: string): Set<string> {
  const seen = new Set<string>();
  const visit = (f: string) => {
    for (const dep of runtimeImports(f)) {
      if (seen.has(dep)) continue;
      seen.add(dep);
      const ts = [`${dep}.ts`, `${dep}/index.ts`].find((c) => existsSync(path.join(PROJENRC, c)));
      if (ts) visit(ts);
    }
  };
  visit(file);
  return seen;
}

const filesIn = (dir: string) => readdirSync(path.join(PROJENRC, dir)).filter((f) => f.endsWith('.ts')).map((f) => `${dir}/${f}`);

/** Left in docker/ for now: the benchmark tool and its report (moved later), and re-exports of moved modules kept for their importers. */
const NOT_COMPONENTS: string[] = [];

describe('layers: imports point down only', () => {
  test.each(filesIn('lib'))('%s imports only Node.js, lib/ and the pure reference checks of image-tags/', (file) => {
    for (const dep of runtimeImports(file)) expect(dep).toMatch(/^(node:|lib\/|image-tags\/docker-reference$)/);
  });

  test.each(filesIn('tools'))('%s never loads projen or a component', (file) => {
    for (const dep of closure(file)) {
      expect(dep).not.toBe('projen');
      expect(dep).not.toMatch(/^(docker|docs|github)\//);
    }
  });

  test.each(filesIn('docker/kinds'))('%s imports only the model, names, lib and validation below it', (file) => {
    for (const dep of runtimeImports(file)) expect(dep).toMatch(/^(node:|projen$|docker\/kinds\/|docker\/dockerfile-model$|docker\/names$|lib\/|validate$|marker$)/);
  });

  test.each(filesIn('docker').filter((f) => !NOT_COMPONENTS.includes(f)))('%s imports no tool and no docs', (file) => {
    for (const dep of closure(file)) expect(dep).not.toMatch(/^(tools|docs)\//);
  });

  test.each(filesIn('github'))('%s imports no tool and no docs (the workflows sit beside the Docker components)', (file) => {
    for (const dep of closure(file)) expect(dep).not.toMatch(/^(tools|docs)\//);
  });

  test.each(filesIn('image-tags'))('%s is pure tag logic: Node.js and its own folder only', (file) => {
    for (const dep of runtimeImports(file)) expect(dep).toMatch(/^(node:|image-tags\/)/);
  });

  test('the docs are the top layer: no module below imports them', () => {
    const below = ['lib', 'tools', 'docker', 'docker/kinds', 'github', 'image-tags'].flatMap(filesIn);
    for (const file of below) expect([file, [...closure(file)].filter((d) => d.startsWith('docs/'))]).toEqual([file, []]);
  });
});

describe('what the tasks run and what the files name exists', () => {
  const tasks = JSON.parse(readFileSync(path.join(REPO_ROOT, '.projen', 'tasks.json'), 'utf8')).tasks as Record<string, { steps?: { exec?: string }[] }>;

  test('every command of the package a task runs is a bin of its package.json, and its module exists', () => {
    const bins = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')).bin as Record<string, string>;
    const run = Object.values(tasks).flatMap((t) => t.steps ?? []).map((s) => /^(projen-containers-\S+)/.exec(s.exec ?? '')?.[1]).filter((f): f is string => !!f);
    expect(run).toEqual(expect.arrayContaining(['projen-containers-build-images', 'projen-containers-update-base-images', 'projen-containers-push-images']));
    for (const bin of run) {
      expect([bin, bins[bin]]).toEqual([bin, expect.stringMatching(/^lib\/tools\/[a-z-]+\.js$/)]);
      expect([bin, existsSync(path.join(PACKAGE_ROOT, bins[bin].replace(/^lib\//, 'src/').replace(/\.js$/, '.ts')))]).toEqual([bin, true]);
    }
  });

  const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, '.projen', 'docker-images.json'), 'utf8'));
  const generated = [
    ...manifest.images.flatMap((i: { dockerfile: string; context: string }) => [i.dockerfile, `${i.context}/.dockerignore`]),
    'playwright-runner/docker-entrypoint.sh',
    ...readdirSync(path.join(REPO_ROOT, 'bench'), { recursive: true }).map(String).filter((f) => f.includes('Dockerfile')).map((f) => `bench/${f}`),
  ];
  test.each(generated)('%s names the exact module that generated it, in its first lines', (file) => {
    const head = readFileSync(path.join(REPO_ROOT, file), 'utf8').split('\n').slice(0, 4).join('\n');
    const source = /generated (?:from \.projenrc\.ts )?by projen-containers\/(\S+?)[,.]?(?:\s|$)/i.exec(head)?.[1];
    expect(source).toBeDefined();
    expect(existsSync(path.join(PROJENRC, `${source!}.ts`))).toBe(true);
  });

  test('the manifest names the tag script and the lock file the tools use', () => {
    expect(manifest.tagScript).toBe('scripts/image-tags.mjs');
    expect(manifest.lockFile).toBe('base-images.lock.json');
    for (const f of [manifest.tagScript, manifest.lockFile]) expect(existsSync(path.join(REPO_ROOT, f))).toBe(true);
  });
});
