import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { hostCompileProblem, measureHostCompile } from '../../src/engine/host-compile';
import type { ImageManifestEntry } from '../../src/lib/images-manifest';

/** The repository's own node_modules, which has TypeScript. */
const NODE_MODULES = path.resolve(__dirname, '..', '..', '..', '..', 'node_modules');

describe('host compile: the incremental tsc --build a developer runs, after the same one-file change', () => {
  let root: string;
  const entry = (kind = 'node-service') => ({ service: 'svc', context: 'svc', kind } as unknown as ImageManifestEntry);
  const source = () => path.join(root, 'svc', 'src', 'index.ts');

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'host-compile-test-'));
    mkdirSync(path.join(root, 'svc', 'src'), { recursive: true });
    writeFileSync(path.join(root, 'svc', 'tsconfig.json'), JSON.stringify({ compilerOptions: { rootDir: 'src', outDir: 'lib', strict: true, types: [] }, include: ['src/**/*.ts'] }));
    writeFileSync(source(), 'export const answer: number = 42;\n');
    symlinkSync(NODE_MODULES, path.join(root, 'svc', 'node_modules'), 'dir');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test('measures seconds in a copy: the service folder is left as it was', () => {
    expect(hostCompileProblem(entry(), root)).toBeUndefined();
    const seconds = measureHostCompile(entry(), root);
    expect(seconds).toBeGreaterThan(0);
    expect(readFileSync(source(), 'utf8')).toBe('export const answer: number = 42;\n');
    expect(existsSync(path.join(root, 'svc', 'lib'))).toBe(false);
  });

  test('a type error fails the measure with tsc\'s own lines', () => {
    writeFileSync(source(), 'export const answer: number = "42";\n');
    expect(() => measureHostCompile(entry(), root)).toThrow(/tsc --build failed in a copy of svc \(exit 1\): .*TS2322/);
  });

  test('no figure for a kind tsc does not compile, without a tsconfig.json, or without TypeScript installed', () => {
    expect(hostCompileProblem(entry('nextjs-standalone'), root)).toBe('a nextjs-standalone is not compiled by tsc');
    rmSync(path.join(root, 'svc', 'node_modules'));
    expect(hostCompileProblem(entry(), root)).toBe('TypeScript is not installed in svc (npm ci there first)');
    rmSync(path.join(root, 'svc', 'tsconfig.json'));
    expect(hostCompileProblem(entry(), root)).toBe('svc/tsconfig.json is missing');
  });
});
