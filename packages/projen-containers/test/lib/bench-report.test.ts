import { best, BenchReport, BenchSample, evaluateTargets, median, ratioIsNoise, renderMarkdown, serviceResult, spread, summarize } from '../../src/lib/bench-report';

const sample = (cold: number, source: number, dependency: number, extra: Partial<BenchSample> = {}): BenchSample => ({
  coldSeconds: cold, sourceRebuildSeconds: source, dependencyRebuildSeconds: dependency, ...extra,
});

describe('bench report', () => {
  test('median: the middle value, the mean of the two middles, nothing for no values', () => {
    expect(median([9, 1, 5])).toBe(5);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7, undefined, 3, NaN, 5])).toBe(5);
    expect(median([])).toBeUndefined();
    expect(median([undefined])).toBeUndefined();
  });

  test('a variant is summarized by the median of each figure, and its layers above the base', () => {
    const figures = summarize([
      sample(12, 2, 5, { sizeBytes: 300e6, baseBytes: 280e6, contextBytes: 40e3 }),
      sample(10, 1, 4, { sizeBytes: 300e6, baseBytes: 280e6, contextBytes: 40e3 }),
      sample(30, 9, 6, { sizeBytes: 300e6, baseBytes: 280e6, contextBytes: 40e3 }),
    ]);
    expect(figures).toEqual({
      coldSeconds: 12, sourceRebuildSeconds: 2, dependencyRebuildSeconds: 5, contextBytes: 40e3, sizeBytes: 300e6, aboveBaseBytes: 20e6,
    });
  });

  test('ratios are ours / reference, per figure, and skip what either side lacks', () => {
    const s = serviceResult('api', [
      { name: 'ours', description: 'ours', samples: [sample(10, 1, 4, { sizeBytes: 100e6, baseBytes: 90e6 })] },
      { name: 'naive', description: 'naive', samples: [sample(20, 8, 8, { sizeBytes: 250e6, baseBytes: 90e6, contextBytes: 1e6 })] },
    ]);
    expect(s.variants.map((v) => v.name)).toEqual(['ours', 'naive']);
    expect(s.ratios.naive).toEqual({
      coldSeconds: 0.5, sourceRebuildSeconds: 0.125, dependencyRebuildSeconds: 0.5, sizeBytes: 0.4, aboveBaseBytes: 10e6 / 160e6,
    });
    expect(s.ratios.naive.contextBytes).toBeUndefined();
  });

  test('best run and spread: the minimum (the maximum for requests per second), and (largest - smallest) / median', () => {
    const samples = [
      sample(16.3, 2, 5, { requestsPerSecond: 900, p99Ms: 40 }),
      sample(9.9, 1, 4, { requestsPerSecond: 1200, p99Ms: 30 }),
      sample(5.0, 3, 6, { requestsPerSecond: 1000, p99Ms: 35 }),
    ];
    expect(best(samples)).toMatchObject({ coldSeconds: 5.0, sourceRebuildSeconds: 1, requestsPerSecond: 1200, p99Ms: 30 });
    expect(spread(samples.map((s) => s.coldSeconds))).toBeCloseTo((16.3 - 5.0) / 9.9);
    expect(spread([7])).toBeUndefined();
    expect(spread([4, 4, 4])).toBe(0);
  });

  test('a ratio within the spread of the runs is noise: the issue\'s api cold builds (ours 16.3, 9.9, 5.0 s; naive 11.1, 6.3, 5.9 s)', () => {
    const s = serviceResult('api', [
      { name: 'ours', description: '', samples: [sample(16.3, 1.8, 6, { sizeBytes: 300e6 }), sample(9.9, 1.9, 6, { sizeBytes: 300e6 + 100 }), sample(5.0, 2.0, 6, { sizeBytes: 300e6 })] },
      { name: 'naive', description: '', samples: [sample(11.1, 7.9, 8, { sizeBytes: 430e6 }), sample(6.3, 8.1, 8, { sizeBytes: 430e6 }), sample(5.9, 8.0, 8, { sizeBytes: 430e6 })] },
    ]);
    expect(s.ratios.naive.coldSeconds).toBeCloseTo(9.9 / 6.3);
    // cold: spread 114% > |1.57 - 1|; source: 1.9 vs 8.0, spreads about 10%: a real difference; sizes do not vary
    expect(s.noise.naive).toEqual(['coldSeconds']);
    expect(ratioIsNoise(0.5, 0.2, 0.3)).toBe(false);
    expect(ratioIsNoise(1.2, 0.25, 0.1)).toBe(true);
    expect(ratioIsNoise(1.2, undefined, undefined)).toBe(false); // one run: nothing to judge by
    const md = renderMarkdown({
      generatedAt: 'now', engine: '20.10', cpus: 2, runs: 3, baseImages: {}, dependencyChange: 'is-number@7.0.0', services: [s], targets: [],
    });
    expect(md).toContain('| cold build (empty cache) | 9.9 s (best 5.0 s, spread 114%) | 6.3 s (best 5.9 s, spread 83%) | 1.57 (noise) |');
    expect(md).toContain('| rebuild after a source change | 1.9 s (best 1.8 s, spread 11%) | 8.0 s (best 7.9 s, spread 2%) | 0.24 |');
    expect(md).toContain('| image size | 300.0 MB | 430.0 MB | 0.70 |'); // 100 bytes apart: no spread shown
    expect(md).toContain('- Too noisy to compare with naive: cold build (empty cache). The runs disagree more than the variants differ');
    expect(md).not.toContain('| requests per second'); // no server was loaded
  });

  test('servers get a load figure: requests per second and p99 latency at the fixed concurrency', () => {
    const s = serviceResult('web', [
      { name: 'ours', description: '', samples: [sample(1, 1, 1, { requestsPerSecond: 420, p99Ms: 180 })] },
      { name: 'nextjs-example', description: '', samples: [sample(1, 1, 1, { requestsPerSecond: 400, p99Ms: 200 })] },
    ]);
    const md = renderMarkdown({
      generatedAt: 'now',
      engine: '20.10',
      cpus: 2,
      runs: 1,
      baseImages: {},
      dependencyChange: 'x@1.0.0',
      load: { connections: 32, seconds: 5, paths: { web: '/' } },
      services: [s],
      targets: [],
    });
    expect(md).toContain('loaded by 32 keep-alive connections for 5 s (web /)');
    expect(md).toContain('| requests per second, 32 connections | 420 | 400 | 1.05 |');
    expect(md).toContain('| p99 latency, 32 connections | 180.0 ms | 200.0 ms | 0.90 |');
  });

  const services = [
    serviceResult('api', [
      { name: 'ours', description: 'api/Dockerfile', samples: [sample(9.6, 1.8, 6.1, { sizeBytes: 292.7e6, baseBytes: 287.9e6, contextBytes: 168e3 })] },
      { name: 'naive', description: 'one stage', samples: [sample(8.9, 7.9, 8.0, { sizeBytes: 433.2e6, baseBytes: 287.9e6, contextBytes: 183e3 })] },
    ]),
    serviceResult('web', [
      { name: 'ours', description: 'web/Dockerfile', samples: [sample(16.9, 2.2, 9, { sizeBytes: 305e6, baseBytes: 287.9e6 })] },
      { name: 'nextjs-example', description: 'with-docker', samples: [sample(19.6, 8.3, 21.8, { sizeBytes: 325.2e6, baseBytes: 287.9e6 })] },
    ]),
  ];

  test('targets are met or missed from our medians, and say so when a figure is missing', () => {
    const targets = evaluateTargets(services, { coldBuildSeconds: { api: 60, web: 10 }, sourceRebuildFraction: 0.15, aboveBaseAtMostOf: { web: 'nextjs-example' } });
    expect(targets).toEqual([
      { target: 'api: cold build under 60 s', figure: '9.6 s', met: true },
      { target: 'api: source-only rebuild under 15% of the cold build', figure: '19% (1.8 s of 9.6 s)', met: false },
      { target: 'web: cold build under 10 s', figure: '16.9 s', met: false },
      { target: 'web: source-only rebuild under 15% of the cold build', figure: '13% (2.2 s of 16.9 s)', met: true },
      { target: "web: layers above the base no larger than nextjs-example's", figure: '17.1 MB (nextjs-example: 37.3 MB)', met: true },
    ]);
    const unmeasured = serviceResult('web', [{ name: 'ours', description: '', samples: [] }, { name: 'nextjs-example', description: '', samples: [] }]);
    expect(evaluateTargets([unmeasured], { coldBuildSeconds: { web: 1 }, aboveBaseAtMostOf: { web: 'nextjs-example' } }).map((t) => [t.figure, t.met]))
      .toEqual([['?', undefined], ['? (nextjs-example: ?)', undefined]]);
  });

  test('the host compile: its median beside the source-only rebuild, a line under the table and a target when asked', () => {
    const api = serviceResult('api', [
      { name: 'ours', description: 'api/Dockerfile', samples: [sample(9, 1.2, 6), sample(9, 1.4, 6), sample(9, 1.3, 6)] },
      { name: 'naive', description: 'one stage', samples: [sample(9, 8, 8), sample(9, 8, 8), sample(9, 8, 8)] },
    ], { command: 'tsc --build', samples: [5.9, 5.6, 6.1] });
    expect(api.hostCompile).toMatchObject({ command: 'tsc --build', median: 5.9, best: 5.6 });
    expect(evaluateTargets([api], {})).toEqual([]);
    expect(evaluateTargets([api], { sourceRebuildAtMostHostCompile: false })).toEqual([]);
    const asked = { sourceRebuildAtMostHostCompile: true };
    expect(evaluateTargets([api], asked)).toEqual([
      { target: 'api: source-only rebuild of the image no slower than the host\'s `tsc --build` after the same change', figure: '1.3 s (host: 5.9 s)', met: true },
    ]);
    const slower = serviceResult('api', [{ name: 'ours', description: '', samples: [sample(9, 7, 6)] }], { command: 'tsc --build', samples: [5.9] });
    expect(evaluateTargets([slower], asked)[0].met).toBe(false);
    // No host figure (a kind tsc does not compile, or every host compile failed): no target.
    const web = serviceResult('web', [{ name: 'ours', description: '', samples: [sample(1, 1, 1)] }], { command: 'tsc --build', samples: [] });
    expect(evaluateTargets([web], asked)).toEqual([]);
    const md = renderMarkdown({ generatedAt: 'x', engine: 'x', cpus: 2, runs: 3, baseImages: {}, dependencyChange: 'x', services: [api], targets: [] });
    expect(md).toContain('- On the host, `tsc --build` after the same source change (incremental, in a copy of the folder): 5.9 s (best 5.6 s, spread 8%).');
    expect(serviceResult('web', [{ name: 'ours', description: '', samples: [sample(1, 1, 1)] }]).hostCompile).toBeUndefined();
  });

  test('equal sizes meet a "no larger than" target', () => {
    const same = serviceResult('web', [
      { name: 'ours', description: '', samples: [sample(1, 1, 1, { sizeBytes: 5, baseBytes: 1 })] },
      { name: 'ref', description: '', samples: [sample(1, 1, 1, { sizeBytes: 5, baseBytes: 1 })] },
    ]);
    expect(evaluateTargets([same], { aboveBaseAtMostOf: { web: 'ref' } })[0].met).toBe(true);
  });

  test('the markdown has one table a service with every figure and ratio, the variants, and the targets', () => {
    const report: BenchReport = {
      generatedAt: '2026-11-27T16:00:00.000Z',
      engine: '20.10.24',
      cpus: 2,
      runs: 3,
      baseImages: { NODE_IMAGE: 'stand-in/node:24' },
      dependencyChange: 'is-number@7.0.0',
      services,
      targets: evaluateTargets(services, { sourceRebuildFraction: 0.15 }),
    };
    const md = renderMarkdown(report);
    const lines = [
      'Median of 3 runs, 2026-11-27T16:00:00.000Z, Docker 20.10.24, 2 CPUs, base images NODE_IMAGE=stand-in/node:24.',
      'is-number@7.0.0 added to package.json and the lockfile',
      '### api\n\n|  | ours | naive | ours / naive |\n| --- | ---: | ---: | ---: |',
      '| cold build (empty cache) | 9.6 s | 8.9 s | 1.08 |',
      '| rebuild after a source change | 1.8 s | 7.9 s | 0.23 |',
      '| rebuild after a dependency change | 6.1 s | 8.0 s | 0.76 |',
      '| build context sent | 168 kB | 183 kB | 0.92 |',
      '| image size | 292.7 MB | 433.2 MB | 0.68 |',
      '| layers above the base | 4.8 MB | 145.3 MB | 0.03 |',
      // web has no context figure: shown as "?", never left out
      '| build context sent | ? | ? | ? |',
      '- naive: one stage',
      '| api: source-only rebuild under 15% of the cold build | 19% (1.8 s of 9.6 s) | MISSED |',
      '| web: source-only rebuild under 15% of the cold build | 13% (2.2 s of 16.9 s) | met |',
    ];
    for (const line of lines) expect(md).toContain(line);
    expect(renderMarkdown({ ...report, runs: 1, targets: [] })).toContain('One run (no median, no spread)');
    expect(renderMarkdown({ ...report, runs: 1, targets: [] })).not.toContain('### Targets');
  });
});
