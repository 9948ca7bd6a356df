/**
 * Whatever a string option of the Docker components holds, synth either stops with a ConfigError
 * that names the option and says what is allowed, or writes files that their own tools accept:
 * the Dockerfile passes hadolint, the HEALTHCHECK's `node -e` program parses as JavaScript, the
 * entrypoint and the run task pass `sh -n`, and the .dockerignore has one pattern a line.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as fc from 'fast-check';
import { Project } from 'projen';
import { readDependencyPins } from '../../src/dependency-pins';
import { DockerBenchmark } from '../../src/docker/docker-benchmark';
import { DockerImages } from '../../src/docker/docker-images';
import { DockerIgnore } from '../../src/docker/dockerignore';
import { ImageKind } from '../../src/docker/kinds';
import { naiveReference } from '../../src/docker/reference-recipes';
import { ImageTagScript } from '../../src/image-tag-script';
import { ConfigError } from '../../src/validate';
import { addDefaultServices, linter, monorepo, synth, tempOutdir } from '../fixtures';

type M = ReturnType<typeof monorepo>;
const NODE = { kind: ImageKind.NODE_SERVICE, port: 3000, healthPath: '/health', sizeBudget: '200MB' };
const NEXT = { kind: ImageKind.NEXTJS_STANDALONE, port: 3000, healthPath: '/api/health', sizeBudget: '300MB' };
const TARGET = { name: 'web', urlEnv: 'BASE_URL', healthPath: '/api/health' };
const RUNNER = { kind: ImageKind.PLAYWRIGHT_RUNNER, sizeBudget: '2GB', runner: { targets: [TARGET], runFlags: ['--init'] } };
const runnerWith = (o: object) => ({ ...RUNNER, runner: { ...RUNNER.runner, ...o } });

/** Each file checked once per content: the same accepted value gives the same file. */
const checked = new Set<string>();
const once = (kind: string, text: string, check: () => void) => {
  const key = `${kind}:${createHash('sha256').update(text).digest('hex')}`;
  if (checked.has(key)) return;
  check();
  checked.add(key);
};
const scratch = tempOutdir();

function hadolint(dockerfile: string): void {
  once('hadolint', dockerfile, () => {
    const file = path.join(scratch, 'Dockerfile');
    writeFileSync(file, dockerfile);
    const r = linter('hadolint', ['--no-color', file]);
    expect(r.stdout + r.stderr).toBe('');
  });
}

function shellSyntax(script: string): void {
  once('sh', script, () => {
    const r = spawnSync('sh', ['-n'], { input: script, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
}

/** The program of `HEALTHCHECK ... CMD ["node","-e","<program>"]` parses as JavaScript. */
function healthCheckParses(dockerfile: string): void {
  const line = /^\s+CMD (\[.*\])$/m.exec(dockerfile.slice(dockerfile.indexOf('HEALTHCHECK')));
  const [node, flag, program] = JSON.parse(line![1]) as string[];
  expect([node, flag]).toEqual(['node', '-e']);
  expect(() => new Function(program)).not.toThrow();
}

/** Every Docker file a valid declaration writes passes its checks. */
function filesPass(out: Record<string, any>): void {
  for (const [file, text] of Object.entries(out)) {
    // The images' Dockerfiles; the benchmark's references (`bench/<service>/<name>.Dockerfile`) are naive on purpose.
    if (path.basename(file) === 'Dockerfile') {
      hadolint(text);
      if (text.includes('HEALTHCHECK --')) healthCheckParses(text);
    }
    // One pattern a line: no value brought a line break or a control character in.
    if (file.endsWith('.dockerignore')) expect(text.split('\n').every((l: string) => !/[\u0000-\u001f]/.test(l))).toBe(true);
    if (file.endsWith('docker-entrypoint.sh')) shellSyntax(text);
  }
  for (const [name, task] of Object.entries(out['.projen/tasks.json'].tasks as Record<string, { steps?: { exec?: string }[] }>)) {
    if (name.startsWith('docker:run:')) for (const step of task.steps ?? []) shellSyntax(step.exec ?? '');
  }
}

/** Declares with `value` and synthesizes: a ConfigError with a clear message, or files that pass their checks. */
function attempt<V>(declare: (m: M, value: V) => void, value: V): void {
  const m = monorepo();
  try {
    let out: Record<string, any>;
    try {
      declare(m, value);
      out = synth(m.root);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      // "Component: option of service <value> is not allowed: <what is>." and the like: one sentence saying what to do.
      expect((err as Error).message).toMatch(/^[\w.]+: .+ (is not allowed|is missing|is not declared|does not apply|follows .+, which is not installed)\b.*: .+\.$/s);
      return;
    }
    filesPass(out);
  } finally {
    rmSync(m.outdir, { recursive: true, force: true });
  }
}

/** Arbitrary strings, and the values that break shell, JavaScript, Dockerfiles and paths. */
const strings = fc.oneof(
  fc.string({ maxLength: 24 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom(
    '', ' ', 'ok', 'ok-1', 'UPPER', 'Upper', 'a b', "a'b", 'a"b', 'a\\b', '$(id)', '`id`', '${X}', 'a;b', 'a\nb', '../x', 'x/../y', '/abs',
    '/health', '/api/health', "/h'+process.exit()+'", '/h"', '/h}x', '/h?x=1', '/h#x', '/ü', 'BASE_URL', 'base-url', '-x', '--init', '--memory=2g', '#x', '!x', '*.log', 'qualisys/api',
    'node', '24-alpine', 'v{version}-noble', 'mcr.microsoft.com/playwright', 'localhost:5000/x', 'a:b', 'x@sha256:00', 'a_b', 'a.b', 'a-', '-a',
  ),
);

/** Numbers, and the ones that break bounds: zero, negative, fractions, huge, Infinity, NaN. */
const numbers = fc.oneof(
  fc.integer({ min: -10, max: 100_000 }),
  fc.double(),
  fc.constantFrom(0, -1, 0.5, 1, 7, 60, 3000, 65535, 65536, 2 ** 31, 1e12, Number.MAX_SAFE_INTEGER, Infinity, -Infinity, NaN, -0),
);

/** Any value at all, for options typed as booleans or objects: wrong types included. */
const anything = fc.oneof(strings, numbers, fc.boolean(), fc.constantFrom(null, [], {}, ['x'], { a: 1 }));

/** File contents for the lock and pins files: JSON of any shape, broken JSON, and the near misses. */
const lockTexts = fc.oneof(
  fc.json(),
  strings,
  fc.constantFrom('[1,2]', 'null', '{}', '{oops', '{"node:24-alpine":"sha256:x"}', '{"node:24-alpine":{"digest":5}}', '{"node:24-alpine":{"digest":null}}',
    `{"node:24-alpine":{"digest":"sha256:${'a'.repeat(64)}","extra":1}}`, '{"playwright-runner":"1.65.1"}', '{"playwright-runner":{"@playwright/test":1}}',
    '{"playwright-runner":{"@playwright/test":"^1.0.0"}}', '{"playwright-runner":{"@playwright/test":"1.65.1"}}'),
);

const RUNS = { numRuns: 40 };
const FEWER = { numRuns: 20 };

describe.each<[string, (m: M, v: string) => void]>([
  ['node-service healthPath', (m, v) => m.images.addService(m.api, { ...NODE, healthPath: v })],
  ['imageName', (m, v) => m.images.addService(m.api, { ...NODE, imageName: v })],
  ['service folder', (m, v) => {
    let s: Project;
    try {
      s = new Project({ name: 'svc', parent: m.root, outdir: v });
    } catch {
      return; // projen's own refusal of the folder, before ours
    }
    m.images.addService(s, NODE);
  }],
  ['base repository', (m, v) => { m.images.addBaseImage('custom', { repository: v, tag: '1', buildArg: 'CUSTOM_IMAGE' }); m.images.addService(m.api, { ...NODE, base: 'custom' }); }],
  ['base tag', (m, v) => { m.images.addBaseImage('custom', { repository: 'custom', tag: v, buildArg: 'CUSTOM_IMAGE' }); m.images.addService(m.api, { ...NODE, base: 'custom' }); }],
  ['env value', (m, v) => m.images.addService(m.api, { ...NODE, env: { LOG_LEVEL: v } })],
  ['env name', (m, v) => m.images.addService(m.api, { ...NODE, env: { [v]: 'info' } })],
  ['extraAllow', (m, v) => m.images.addService(m.api, { ...NODE, extraAllow: [v] })],
  ['extraIgnores', (m, v) => m.images.addService(m.api, { ...NODE, extraIgnores: [v] })],
  ['user', (m, v) => m.images.addService(m.api, { ...NODE, user: v, uid: '1000:1000' })],
  ['runner urlEnv', (m, v) => m.images.addService(m.runner, runnerWith({ targets: [{ ...TARGET, urlEnv: v }] }))],
  ['runner healthPath', (m, v) => m.images.addService(m.runner, runnerWith({ targets: [{ ...TARGET, healthPath: v }] }))],
  ['runner target name', (m, v) => m.images.addService(m.runner, runnerWith({ targets: [{ ...TARGET, name: v }] }))],
  ['runner defaultProject', (m, v) => m.images.addService(m.runner, runnerWith({ defaultProject: v }))],
  ['runner runFlags', (m, v) => m.images.addService(m.runner, runnerWith({ runFlags: [v] }))],
  ['runner runFlags, two of them', (m, v) => m.images.addService(m.runner, runnerWith({ runFlags: ['--init', v] }))],
])('%s: a clear error, or files that pass hadolint, sh -n and a JavaScript parse', (_option, declare) => {
  // hadolint runs once per new accepted file: seconds, more on a busy machine.
  test('for any string', () => {
    fc.assert(fc.property(strings, (v) => attempt(declare, v)), RUNS);
  }, 60_000);
});

/** A new root project in the monorepo's folder, for the options of DockerImages itself. */
const images = (m: M, options: object) => new DockerImages(new Project({ name: 'x', outdir: m.outdir }), { namespace: 'x', ...options });
const benchmark = (m: M, options: object) => { addDefaultServices(m); return new DockerBenchmark(m.root, { images: m.images, ...options }); };

/** Every other option of every Docker component, with values of its type and hostile ones. */
describe.each<[string, fc.Arbitrary<any>, (m: M, v: any) => void]>([
  // DockerImages
  ['DockerImages namespace', strings, (m, v) => images(m, { namespace: v })],
  ['DockerImages baseImages.lockFile', strings, (m, v) => images(m, { baseImages: { lockFile: v } })],
  ['DockerImages tagScript.path', strings, (m, v) => images(m, { tagScript: { path: v } })],
  ['DockerImages registry', strings, (m, v) => images(m, { registry: v })],
  ['DockerImages sizeDeltaWarning', strings, (m, v) => images(m, { sizeDeltaWarning: v })],
  // addBaseImage
  ['addBaseImage name', strings, (m, v) => { m.images.addBaseImage(v, { repository: 'python', tag: '3.12-slim', buildArg: 'PY_IMAGE' }); m.images.addService(m.api, { ...NODE, base: v }); }],
  ['addBaseImage buildArg', strings, (m, v) => { m.images.addBaseImage('py', { repository: 'python', tag: '3.12-slim', buildArg: v }); m.images.addService(m.api, { ...NODE, base: 'py' }); }],
  ['addBaseImage versionOf', strings, (m, v) => { m.images.addBaseImage('pw2', { repository: 'mcr.microsoft.com/playwright', tag: 'v{version}-jammy', buildArg: 'PW2_IMAGE', versionOf: v }); m.images.addService(m.runner, { ...RUNNER, base: 'pw2' }); }],
  // addService, every kind
  ['sizeBudget', strings, (m, v) => m.images.addService(m.api, { ...NODE, sizeBudget: v })],
  ['base', strings, (m, v) => m.images.addService(m.api, { ...NODE, base: v })],
  ['kind by name', strings, (m, v) => m.images.addService(m.api, { ...NODE, kind: v as never })],
  ['port', numbers, (m, v) => m.images.addService(m.api, { ...NODE, port: v })],
  ['entrypoint', strings, (m, v) => m.images.addService(m.api, { ...NODE, entrypoint: v })],
  ['uid', strings, (m, v) => m.images.addService(m.api, { ...NODE, uid: v })],
  ['healthInterval', strings, (m, v) => m.images.addService(m.api, { ...NODE, healthInterval: v })],
  ['env of a Next.js image', strings, (m, v) => m.images.addService(m.web, { ...NEXT, env: { [v]: '1' } })],
  ['env of a runner image', strings, (m, v) => m.images.addService(m.runner, { ...RUNNER, env: { [v]: '1' } })],
  ['nextjs healthPath', strings, (m, v) => m.images.addService(m.web, { ...NEXT, healthPath: v })],
  ['nextjs startScript', strings, (m, v) => m.images.addService(m.web, { ...NEXT, startScript: v })],
  ['nextjs port', numbers, (m, v) => m.images.addService(m.web, { ...NEXT, port: v })],
  ['runner waitTimeoutSeconds', numbers, (m, v) => m.images.addService(m.runner, runnerWith({ waitTimeoutSeconds: v }))],
  ['runner defaultWorkers', numbers, (m, v) => m.images.addService(m.runner, runnerWith({ defaultWorkers: v }))],
  ['runner suiteFiles', strings, (m, v) => m.images.addService(m.runner, runnerWith({ suiteFiles: [v] }))],
  ['runner user', strings, (m, v) => m.images.addService(m.runner, { ...RUNNER, user: v, uid: '1001:1001' })],
  // DockerBenchmark
  ['DockerBenchmark runs', numbers, (m, v) => benchmark(m, { runs: v })],
  ['DockerBenchmark dependencyChange', strings, (m, v) => benchmark(m, { dependencyChange: v })],
  ['DockerBenchmark naiveReferences', anything, (m, v) => benchmark(m, { naiveReferences: v })],
  ['DockerBenchmark referencesDir', strings, (m, v) => benchmark(m, { referencesDir: v })],
  ['DockerBenchmark targets.coldBuildSeconds', numbers, (m, v) => benchmark(m, { targets: { coldBuildSeconds: { api: v } } })],
  ['DockerBenchmark targets.coldBuildSeconds service', strings, (m, v) => benchmark(m, { targets: { coldBuildSeconds: { [v]: 60 } } })],
  ['DockerBenchmark targets.sourceRebuildFraction', numbers, (m, v) => benchmark(m, { targets: { sourceRebuildFraction: v } })],
  ['DockerBenchmark targets.aboveBaseAtMostOf', strings, (m, v) => benchmark(m, { targets: { aboveBaseAtMostOf: { api: v } } })],
  ['DockerBenchmark load.connections', numbers, (m, v) => benchmark(m, { load: { connections: v } })],
  ['DockerBenchmark load.seconds', numbers, (m, v) => benchmark(m, { load: { seconds: v } })],
  ['DockerBenchmark load.paths', strings, (m, v) => benchmark(m, { load: { paths: { api: v } } })],
  ['DockerBenchmark addReference name', strings, (m, v) => benchmark(m, { naiveReferences: false }).addReference('api', { ...naiveReference(ImageKind.NODE_SERVICE), name: v })],
  ['DockerBenchmark addReference description', strings, (m, v) => benchmark(m, { naiveReferences: false }).addReference('api', { ...naiveReference(ImageKind.NODE_SERVICE), description: v })],
  // DockerIgnore
  ['DockerIgnore path', strings, (m, v) => new DockerIgnore(m.api, { path: v })],
  ['DockerIgnore usage', strings, (m, v) => new DockerIgnore(m.api, { usage: v })],
  ['DockerIgnore allow', strings, (m, v) => new DockerIgnore(m.api, { allow: ['src', v] })],
  ['DockerIgnore deny', strings, (m, v) => new DockerIgnore(m.api, { deny: [v] })],
  ['DockerIgnore denyAtRoot', strings, (m, v) => new DockerIgnore(m.api, { denyAtRoot: [v] })],
  // ImageTagScript
  ['ImageTagScript path', strings, (m, v) => new ImageTagScript(m.root, { path: v })],
  ['ImageTagScript taskName', strings, (m, v) => new ImageTagScript(m.root, { taskName: v })],
  ['ImageTagScript shaLength', numbers, (m, v) => new ImageTagScript(m.root, { shaLength: v })],
  ['ImageTagScript defaultBranch', strings, (m, v) => new ImageTagScript(m.root, { defaultBranch: v })],
  ['ImageTagScript stagingBranch', strings, (m, v) => new ImageTagScript(m.root, { stagingBranch: v })],
  ['ImageTagScript fullShaTag', anything, (m, v) => new ImageTagScript(m.root, { fullShaTag: v })],
  // The lock and pins files
  ['base-images.lock.json', lockTexts, (m, v) => { writeFileSync(path.join(m.outdir, 'base-images.lock.json'), v); addDefaultServices(m); }],
  ['package-lock.json the Playwright base follows', lockTexts, (m, v) => { writeFileSync(path.join(m.runner.outdir, 'package-lock.json'), v); addDefaultServices(m); }],
  ['dependency-pins.json', lockTexts, (m, v) => { writeFileSync(path.join(m.outdir, 'dependency-pins.json'), v); readDependencyPins(m.outdir); }],
])('%s: a clear error, or files that pass their checks', (_option, values, declare) => {
  test('for any value', () => {
    fc.assert(fc.property(values, (v) => attempt(declare, v)), FEWER);
  }, 60_000);
});
