/** The changes the benchmark rebuilds after: a source file edited, a dependency added with npm. */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { resolveDependencyChange, sourceFileToChange } from '../../src/engine/bench-changes';
import { tempOutdir, REPO_ROOT as ROOT } from '../fixtures';

describe('bench:docker\'s changes', () => {
  test('the source-only change edits a TypeScript file the image copies: src/ first, else tests/', () => {
    const dir = tempOutdir();
    try {
      expect(() => sourceFileToChange(dir)).toThrow('No TypeScript file under');
      mkdirSync(path.join(dir, 'tests'));
      writeFileSync(path.join(dir, 'tests', 'a.spec.ts'), '');
      expect(sourceFileToChange(dir)).toBe(path.join(dir, 'tests', 'a.spec.ts'));
      mkdirSync(path.join(dir, 'src', 'app'), { recursive: true });
      writeFileSync(path.join(dir, 'src', 'app', 'page.tsx'), '');
      writeFileSync(path.join(dir, 'src', 'README.md'), '');
      expect(sourceFileToChange(dir)).toBe(path.join(dir, 'src', 'app', 'page.tsx'));
      expect(sourceFileToChange(path.join(ROOT, 'api'))).toMatch(/api\/src\/\w+\.ts$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the dependency change adds the package to package.json and the lockfile, resolved by npm', () => {
    const change = resolveDependencyChange(path.join(ROOT, 'api'), 'is-number@7.0.0');
    const pkg = JSON.parse(change.packageJson);
    expect(pkg.dependencies).toMatchObject({ 'is-number': '7.0.0', 'fastify': expect.any(String) });
    const lock = JSON.parse(change.packageLock);
    expect(lock.packages['node_modules/is-number']).toMatchObject({ version: '7.0.0', integrity: expect.stringMatching(/^sha512-/) });
    expect(lock.packages[''].dependencies['is-number']).toBe('7.0.0');
  }, 120_000);

  test('a dependency npm cannot resolve is an error that quotes npm', () => {
    expect(() => resolveDependencyChange(path.join(ROOT, 'api'), '@qualisys-bench-does-not-exist/nothing@1.0.0')).toThrow(/npm could not add @qualisys-bench-does-not-exist\/nothing@1.0.0 .*(404|E404|Not Found)/);
  }, 120_000);
});
