/** The benchmark's engine: this repository's DockerBenchmark as the engine reads it, and the order of the variants. */
import { loadBenchManifest, variantOrder } from '../../src/engine/benchmark';
import { REPO_ROOT as ROOT } from '../fixtures';

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
      sourceRebuildAtMostHostCompile: true,
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
});
