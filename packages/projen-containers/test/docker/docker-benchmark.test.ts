import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { DockerBenchmark, DockerBenchmarkOptions } from '../../src/docker/docker-benchmark';
import { ImageKind } from '../../src/docker/kinds';
import { naiveReference, nextjsWithDockerReference } from '../../src/docker/reference-recipes';
import { addDefaultServices, monorepo, NODE_DIGEST, synth } from '../fixtures';

function withBenchmark(options: Partial<DockerBenchmarkOptions> = {}) {
  const m = monorepo();
  addDefaultServices(m);
  const bench = new DockerBenchmark(m.root, { images: m.images, ...options });
  return { ...m, bench };
}

describe('DockerBenchmark', () => {
  test('snapshot of the reference Dockerfiles, their .dockerignore and the manifest', () => {
    const m = withBenchmark({ targets: { coldBuildSeconds: { api: 60 }, sourceRebuildFraction: 0.15, aboveBaseAtMostOf: { web: 'nextjs-example' } } });
    m.bench.addReference('web', nextjsWithDockerReference());
    const out = synth(m.root);
    const generated = Object.fromEntries(Object.entries(out).filter(([k]) => k.startsWith('bench/') || k === '.projen/docker-bench.json'));
    expect(Object.keys(generated).sort()).toEqual([
      '.projen/docker-bench.json',
      'bench/api/naive.Dockerfile', 'bench/api/naive.Dockerfile.dockerignore',
      'bench/playwright-runner/naive.Dockerfile', 'bench/playwright-runner/naive.Dockerfile.dockerignore',
      'bench/web/naive.Dockerfile', 'bench/web/naive.Dockerfile.dockerignore',
      'bench/web/nextjs-example.Dockerfile', 'bench/web/nextjs-example.Dockerfile.dockerignore',
    ]);
    expect(generated).toMatchSnapshot();
  });

  test('a naive reference is one stage on the same pinned base: everything copied, npm install, run as root', () => {
    const out = synth(withBenchmark().root);
    for (const service of ['api', 'web', 'playwright-runner']) {
      const df = out[`bench/${service}/naive.Dockerfile`] as string;
      // One stage on the base, after the literal, pinned base stage.
      expect(df.match(/^FROM /gm)).toHaveLength(2);
      expect(df).toMatch(/^FROM \$\{[A-Z_]+\} AS app$/m);
      expect(df).toContain('COPY . .');
      expect(df).toContain('RUN npm install');
      expect(df).not.toMatch(/^USER /m);
      expect(df).not.toContain('--mount=type=cache');
      expect(df).toContain('Built on a copy of');
    }
    expect(out['bench/api/naive.Dockerfile']).toContain(`ARG NODE_IMAGE=node-base\nFROM node:24-alpine@${NODE_DIGEST} AS node-base\n`);
    expect(out['bench/api/naive.Dockerfile']).toContain('RUN node_modules/.bin/tsc --build');
    expect(out['bench/web/naive.Dockerfile']).toContain('CMD ["node_modules/.bin/next","start"]');
    // Its own ignore file (BuildKit takes <Dockerfile>.dockerignore over the context's) leaves nothing out.
    const ignore = (out['bench/api/naive.Dockerfile.dockerignore'] as string).split('\n').filter((l) => l && !l.startsWith('#'));
    expect(ignore).toEqual([]);
    expect(out['bench/api/naive.Dockerfile']).toContain('`docker build -f bench/api/naive.Dockerfile api` builds it the same way');
  });

  test('the Next.js example reference keeps its three stages, its .dockerignore and its non-root runner', () => {
    const m = withBenchmark();
    m.bench.addReference('web', nextjsWithDockerReference());
    const out = synth(m.root);
    const df = out['bench/web/nextjs-example.Dockerfile'] as string;
    expect(df.match(/^FROM \S+ AS (\S+)$/gm)).toEqual([`FROM node:24-alpine@${NODE_DIGEST} AS node-base`, 'FROM ${NODE_IMAGE} AS dependencies', 'FROM ${NODE_IMAGE} AS builder', 'FROM ${NODE_IMAGE} AS runner']);
    expect(df).toContain('COPY --from=builder --chown=node:node /app/.next/standalone ./');
    expect(df).toContain('USER node');
    expect(df).toContain('CMD ["node","server.js"]');
    const ignore = (out['bench/web/nextjs-example.Dockerfile.dockerignore'] as string).split('\n').filter((l) => l && !l.startsWith('#'));
    expect(ignore).toEqual(['Dockerfile', '.dockerignore', 'node_modules', 'npm-debug.log', 'README.md', '.next', '.git']);
  });

  test('the manifest lists every service with its references, and the task reads it', () => {
    const m = withBenchmark({ runs: 5, dependencyChange: '@scope/pkg@1.2.3' });
    m.bench.addReference('web', nextjsWithDockerReference());
    const out = synth(m.root);
    const manifest = out['.projen/docker-bench.json'];
    expect(manifest).toMatchObject({ runs: 5, dependencyChange: '@scope/pkg@1.2.3' });
    expect(manifest.services.map((s: { service: string; references: { name: string }[] }) => [s.service, s.references.map((r) => r.name)])).toEqual([
      ['api', ['naive']], ['web', ['naive', 'nextjs-example']], ['playwright-runner', ['naive']],
    ]);
    expect(manifest.services[1].references[1]).toEqual({
      name: 'nextjs-example',
      description: expect.stringContaining('with-docker'),
      dockerfile: 'bench/web/nextjs-example.Dockerfile',
      dockerignore: 'bench/web/nextjs-example.Dockerfile.dockerignore',
    });
    expect(out['.projen/tasks.json'].tasks['bench:docker'].steps).toEqual([{ exec: 'projen-containers-bench-docker', receiveArgs: true }]);
    // Each generated reference names the module that wrote it.
    expect(out['bench/api/naive.Dockerfile']).toContain('generated by projen-containers/docker/kinds/node-service, never shipped');
    expect(out['bench/web/nextjs-example.Dockerfile']).toContain('generated by projen-containers/docker/reference-recipes, never shipped');
  });

  test('references are read-only and say that they are generated and never shipped', () => {
    const m = withBenchmark();
    m.root.synth();
    const file = path.join(m.outdir, 'bench/api/naive.Dockerfile');
    expect((statSync(file).mode % 0o1000).toString(8)).toMatch(/^[0145][0145][0145]$/);
    expect(readFileSync(file, 'utf8')).toMatch(/Generated by projen[\s\S]*never shipped/);
  });

  test('naiveReferences: false leaves only the references added', () => {
    const m = withBenchmark({ naiveReferences: false });
    m.bench.addReference('api', { ...naiveReference(ImageKind.NODE_SERVICE), name: 'single-stage' });
    const out = synth(m.root);
    expect(Object.keys(out).filter((k) => k.startsWith('bench/'))).toEqual(['bench/api/single-stage.Dockerfile', 'bench/api/single-stage.Dockerfile.dockerignore']);
  });

  test.each<[string, Partial<DockerBenchmarkOptions>, string]>([
    ['runs of 0', { runs: 0 }, 'DockerBenchmark: runs 0 is not allowed: a whole number from 1 to 100.'],
    ['a dependency without an exact version', { dependencyChange: 'is-number' }, 'DockerBenchmark: dependencyChange "is-number" is not allowed: a package at an exact version'],
    ['a dependency range', { dependencyChange: 'is-number@^7' }, 'is not allowed: a package at an exact version'],
    ['a references folder outside the repository', { referencesDir: '../bench' }, 'DockerBenchmark: referencesDir "../bench" is not allowed: a relative path inside the repository'],
    ['a load path for no service', { load: { paths: { worker: '/' } } }, 'DockerBenchmark: load.paths "worker" is not allowed: a service of the images (api, web, playwright-runner).'],
    ['a load path with a quote', { load: { paths: { api: "/x'" } } }, 'DockerBenchmark: load.paths of api "/x\'" is not allowed: a path starting with "/"'],
    ['no connection', { load: { connections: 0 } }, 'DockerBenchmark: load.connections 0 is not allowed: a whole number from 1 to 1000.'],
    // Every number is finite and in bounds: Infinity or NaN would print as null in the manifest.
    ['a negative cold-build target', { targets: { coldBuildSeconds: { api: -1 } } }, 'DockerBenchmark: targets.coldBuildSeconds of api -1 is not allowed: a number of seconds above 0 and at most 86400'],
    ['an infinite cold-build target', { targets: { coldBuildSeconds: { api: Infinity } } }, 'DockerBenchmark: targets.coldBuildSeconds of api Infinity is not allowed: a number of seconds above 0'],
    ['a cold-build target that is no number', { targets: { coldBuildSeconds: { api: NaN } } }, 'DockerBenchmark: targets.coldBuildSeconds of api NaN is not allowed'],
    ['a rebuild fraction given as a percentage', { targets: { sourceRebuildFraction: 15 } }, 'DockerBenchmark: targets.sourceRebuildFraction 15 is not allowed: a fraction between 0 and 1, such as 0.15 for 15%.'],
    ['an infinite number of runs', { runs: Infinity }, 'DockerBenchmark: runs Infinity is not allowed: a whole number from 1 to 100.'],
    ['a misspelt target', { targets: { coldBuildSecs: { api: 60 } } as object }, 'DockerBenchmark: targets.coldBuildSecs {"api":60} is not allowed: not an option'],
    ['a host-compile target that is no boolean', { targets: { sourceRebuildAtMostHostCompile: 'yes' } as object },
      'DockerBenchmark: targets.sourceRebuildAtMostHostCompile "yes" is not allowed: true or false.'],
    ['a misspelt host-compile target', { targets: { sourceRebuildAtMostHostCompiler: true } as object },
      'DockerBenchmark: targets.sourceRebuildAtMostHostCompiler true is not allowed: not an option; targets takes coldBuildSeconds, sourceRebuildFraction, aboveBaseAtMostOf, sourceRebuildAtMostHostCompile.'],
  ])('refuses %s, saying what to write', (_name, options, message) => {
    expect(() => withBenchmark(options)).toThrow(message);
  });

  test('refuses a reference for an unknown service, a duplicate, or the name "ours"', () => {
    const m = withBenchmark();
    expect(() => m.bench.addReference('wbe', nextjsWithDockerReference())).toThrow('DockerBenchmark.addReference: service "wbe" is not allowed: a service of the images (api, web, playwright-runner).');
    expect(() => m.bench.addReference('api', naiveReference(ImageKind.NODE_SERVICE))).toThrow('name of the reference of api "naive" is not allowed: a name of its own: api has a reference named so already.');
    expect(() => m.bench.addReference('api', { ...naiveReference(ImageKind.NODE_SERVICE), name: 'ours' })).toThrow('not "ours"');
    expect(() => m.bench.addReference('api', { ...naiveReference(ImageKind.NODE_SERVICE), name: 'Big One' })).toThrow('name of the reference of api "Big One" is not allowed: lowercase letters');
    expect(() => m.bench.addReference('api', nextjsWithDockerReference())).toThrow('kind of reference nextjs-example of api "nextjs-standalone" is not allowed: the kind of api, node-service.');
    expect(() => m.bench.addReference('api', { ...naiveReference(ImageKind.NODE_SERVICE), name: 'two', description: 'line\nFROM evil' })).toThrow('description of reference two of api "line\\nFROM evil" is not allowed: one line of text');
  });

  test('refuses to be created before any service image', () => {
    const m = monorepo();
    expect(() => new DockerBenchmark(m.root, { images: m.images })).toThrow('create the benchmark after images.addService(...)');
  });

  test.each<[string, DockerBenchmarkOptions['targets'], string]>([
    ['a cold-build target for an unknown service', { coldBuildSeconds: { wbe: 60 } }, 'DockerBenchmark: targets.coldBuildSeconds "wbe" is not allowed: a service of the images (api, web, playwright-runner).'],
    ['a size comparison with a reference the service lacks', { aboveBaseAtMostOf: { web: 'nextjs-example' } }, 'DockerBenchmark: targets.aboveBaseAtMostOf of web "nextjs-example" is not allowed: a reference of web (naive); add it with addReference().'],
  ])('fails synth on %s, naming the fix', (_name, targets, message) => {
    const m = withBenchmark({ targets });
    expect(() => synth(m.root)).toThrow(message);
  });
});
