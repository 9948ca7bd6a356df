import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadBenchManifest, resolveDependencyChange, sourceFileToChange, variantOrder } from '../../src/tools/bench-docker';
import { runTsTool, tempOutdir, REPO_ROOT as ROOT } from '../fixtures';

const runTool = (args: string[], env: NodeJS.ProcessEnv) => runTsTool('packages/projen-containers/src/tools/bench-docker.ts', args, env);

describe('bench:docker', () => {
  test('this repository benchmarks every service, web also against the Next.js example, with the targets of the issue', () => {
    const bench = loadBenchManifest(ROOT);
    expect(bench.runs).toBeGreaterThanOrEqual(3);
    expect(bench.services.map((s) => [s.service, s.references.map((r) => r.name)])).toEqual([
      ['api', ['naive']], ['web', ['naive', 'nextjs-example']], ['playwright-runner', ['naive']],
    ]);
    expect(bench.targets).toEqual({
      coldBuildSeconds: { 'api': 60, 'web': 180, 'playwright-runner': 60 },
      sourceRebuildFraction: 0.15,
      aboveBaseAtMostOf: { web: 'nextjs-example' },
    });
  });

  test('the variants take turns: as given in odd runs, reversed in even ones (neither always goes first)', () => {
    expect([1, 2, 3].map((run) => variantOrder(['ours', 'naive', 'nextjs-example'], run))).toEqual([
      ['ours', 'naive', 'nextjs-example'], ['nextjs-example', 'naive', 'ours'], ['ours', 'naive', 'nextjs-example'],
    ]);
  });

  test('the servers are loaded where .projenrc.ts says: api\'s list, web\'s page', () => {
    expect(loadBenchManifest().load).toEqual({ connections: 32, seconds: 5, paths: { api: '/api/test-runs', web: '/' } });
  });

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

  test('without a Docker engine it says so and how to start one (exit 3), before resolving anything', () => {
    const r = runTool(['api'], { DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('bench:docker: No Docker engine is reachable at DOCKER_HOST=unix:///nonexistent/docker.sock.');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test.each<[string[], string]>([
    [['--runs', '0'], '--runs 0: give a whole number of 1 or more.'],
    [['--runs'], '--runs needs a value'],
    [['--fast'], 'Unknown option --fast: usage: npx projen bench:docker -- [--runs N]'],
    [['wbe'], 'Unknown service wbe: choose from api, web, playwright-runner.'],
  ])('refuses %j before building anything (exit 2)', (args, message) => {
    const r = runTool(args, { DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`bench:docker: ${message}`);
  });
});
