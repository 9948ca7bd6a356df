/**
 * Every option of the Docker components is checked where it is declared, with a message naming
 * the option and the service and saying what is allowed; what is only known at synth (the lock
 * file, the installed version a base follows, the rendered Dockerfiles, the benchmark's targets)
 * is checked in a root component's preSynthesize(). Either way, a failed synth leaves the work
 * tree exactly as it was.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Project } from 'projen';
import { readDependencyPins } from '../../src/dependency-pins';
import { RESERVED_BUILD_ARGS } from '../../src/docker/base-images';
import { DockerBenchmark } from '../../src/docker/docker-benchmark';
import { DockerImages } from '../../src/docker/docker-images';
import { DockerIgnore } from '../../src/docker/dockerignore';
import { defineImageKind, ImageKind } from '../../src/docker/kinds';
import { ALLOWED_RUN_FLAGS, explainRunFlag } from '../../src/docker/kinds/run-flags';
import { addBase, fromBase } from '../../src/docker/kinds/stages';
import { nextjsWithDockerReference } from '../../src/docker/reference-recipes';
import { ImageTagScript } from '../../src/image-tag-script';
import { ConfigError } from '../../src/validate';
import { addDefaultServices, monorepo, REPO_ROOT, synth, tempOutdir, treeHash } from '../fixtures';

type M = ReturnType<typeof monorepo>;
const NODE = { kind: ImageKind.NODE_SERVICE, port: 3000, healthPath: '/health', sizeBudget: '200MB' };
const NEXT = { kind: ImageKind.NEXTJS_STANDALONE, port: 3000, healthPath: '/api/health', sizeBudget: '300MB' };
const TARGET = { name: 'web', urlEnv: 'BASE_URL', healthPath: '/api/health' };
const RUNNER = { kind: ImageKind.PLAYWRIGHT_RUNNER, sizeBudget: '2GB', runner: { targets: [TARGET] } };
const runnerWith = (o: object) => ({ ...RUNNER, runner: { ...RUNNER.runner, ...o } });
const service = (m: M, outdir: string) => new Project({ name: outdir, parent: m.root, outdir });

describe('each bad option is a ConfigError where it is declared, naming the option and the service', () => {
  test.each<[string, (m: M) => unknown, string]>([
    // What the issue lists.
    ['an image name with uppercase letters', (m) => m.images.addService(m.api, { ...NODE, imageName: 'Qualisys/API' }), 'DockerImages: imageName of api "Qualisys/API" is not allowed: a lowercase image repository such as qualisys/api'],
    ['an image name with a space', (m) => m.images.addService(m.api, { ...NODE, imageName: 'qualisys/my api' }), 'DockerImages: imageName of api "qualisys/my api" is not allowed'],
    ['a service folder with uppercase letters', (m) => m.images.addService(service(m, 'Api'), NODE), 'DockerImages: service folder "Api" is not allowed: lowercase letters and digits in words joined by single "-"'],
    ['a service folder with a space', (m) => m.images.addService(service(m, 'my api'), NODE), 'DockerImages: service folder "my api" is not allowed'],
    ['a service folder outside the repository', (m) => m.images.addService(service(m, '../elsewhere'), NODE), 'DockerImages: service folder of elsewhere "../elsewhere" is not allowed: a relative path inside the repository'],
    ['an empty base repository', (m) => m.images.addBaseImage('py', { repository: '', tag: '3.12', buildArg: 'PY_IMAGE' }), 'DockerImages.addBaseImage: repository of base image py "" is not allowed: an image repository such as node or mcr.microsoft.com/playwright'],
    ['a base repository with a tag in it', (m) => m.images.addBaseImage('py', { repository: 'python:3.12', tag: 'slim', buildArg: 'PY_IMAGE' }), 'DockerImages.addBaseImage: repository of base image py "python:3.12" is not allowed'],
    ['a base repository with uppercase letters', (m) => m.images.addBaseImage('py', { repository: 'Python', tag: '3.12', buildArg: 'PY_IMAGE' }), 'repository of base image py "Python" is not allowed'],
    ['an empty base tag', (m) => m.images.addBaseImage('py', { repository: 'python', tag: '', buildArg: 'PY_IMAGE' }), 'DockerImages.addBaseImage: tag of base image py "" is not allowed: a Docker tag such as 24-alpine'],
    ['a base tag with a space', (m) => m.images.addBaseImage('py', { repository: 'python', tag: '3.12 slim', buildArg: 'PY_IMAGE' }), 'tag of base image py "3.12 slim" is not allowed'],
    ['a health path with a quote (a JavaScript syntax error in the HEALTHCHECK)', (m) => m.images.addService(m.api, { ...NODE, healthPath: "/health'" }), 'DockerImages: healthPath of api "/health\'" is not allowed: a path starting with "/" of letters, digits and . _ ~ - /'],
    ['a lower-case runner URL variable (${base-url:?...} in shell)', (m) => m.images.addService(m.runner, runnerWith({ targets: [{ ...TARGET, urlEnv: 'base-url' }] })), 'DockerImages: runner.targets[0].urlEnv of playwright-runner "base-url" is not allowed: UPPER_SNAKE_CASE'],
    ['a runner health path that injects a shell command', (m) => m.images.addService(m.runner, runnerWith({ targets: [{ ...TARGET, healthPath: '/h"; rm -rf / #' }] })), 'DockerImages: runner.targets[0].healthPath of playwright-runner "/h\\"; rm -rf / #" is not allowed'],
    ['a references folder with ..', (m) => { addDefaultServices(m); new DockerBenchmark(m.root, { images: m.images, referencesDir: '../../tmp' }); }, 'DockerBenchmark: referencesDir "../../tmp" is not allowed: a relative path inside the repository'],
    ['a lock file with ..', (m) => new DockerImages(new Project({ name: 'x', outdir: m.outdir }), { namespace: 'x', baseImages: { lockFile: '../pins.json' } }), 'BaseImages: lockFile "../pins.json" is not allowed: a relative path inside the repository'],
    ['a tag script path with ..', (m) => new DockerImages(new Project({ name: 'x', outdir: m.outdir }), { namespace: 'x', tagScript: { path: '../tags.mjs' } }), 'DockerImages: tagScript "../tags.mjs" is not allowed'],
    // The other options.
    ['a namespace with uppercase letters', (m) => new DockerImages(new Project({ name: 'x', outdir: m.outdir }), { namespace: 'Acme' }), 'DockerImages: namespace "Acme" is not allowed'],
    ['a base name that is no kebab-case', (m) => m.images.addBaseImage('Py Image', { repository: 'python', tag: '3', buildArg: 'PY_IMAGE' }), 'DockerImages.addBaseImage: name "Py Image" is not allowed'],
    ['a lower-case build argument', (m) => m.images.addBaseImage('py', { repository: 'python', tag: '3', buildArg: 'py_image' }), 'DockerImages.addBaseImage: buildArg of base image py "py_image" is not allowed: UPPER_SNAKE_CASE'],
    ['a build argument used twice', (m) => m.images.addBaseImage('py', { repository: 'python', tag: '3', buildArg: 'NODE_IMAGE' }), 'DockerImages.addBaseImage: buildArg of base image py "NODE_IMAGE" is not allowed: a build argument of its own: base image node uses NODE_IMAGE already.'],
    ['versionOf that is no package name', (m) => m.images.addBaseImage('py', { repository: 'python', tag: 'v{version}', buildArg: 'PY_IMAGE', versionOf: 'Not A Package' }), 'versionOf of base image py "Not A Package" is not allowed: an npm package name'],
    ['versionOf with a fixed tag', (m) => m.images.addBaseImage('py', { repository: 'python', tag: '3', buildArg: 'PY_IMAGE', versionOf: 'pkg' }), 'only with a tag that has {version} in it'],
    ['a port out of range', (m) => m.images.addService(m.api, { ...NODE, port: 70000 }), 'DockerImages: port of api 70000 is not allowed: a whole number from 1 to 65535.'],
    ['an entrypoint outside the service', (m) => m.images.addService(m.api, { ...NODE, entrypoint: '../lib/x.js' }), 'DockerImages: entrypoint of api "../lib/x.js" is not allowed: a relative path inside the service folder'],
    ['a start script in a subfolder', (m) => m.images.addService(m.web, { ...NEXT, startScript: 'bin/start.cjs' }), 'DockerImages: startScript of web "bin/start.cjs" is not allowed: a file at the root of the service folder'],
    ['a user with a shell character', (m) => m.images.addService(m.api, { ...NODE, user: 'app;id', uid: '1:1' }), 'DockerImages: user of api "app;id" is not allowed'],
    ['an unknown user without a uid', (m) => m.images.addService(m.api, { ...NODE, user: 'app' }), 'DockerImages: uid of api is missing: the numeric uid:gid of user app in the base image'],
    ['root as the uid', (m) => m.images.addService(m.api, { ...NODE, uid: '0:0' }), 'DockerImages: uid of api "0:0" is not allowed: the numeric uid:gid of a non-root user'],
    ['a lower-case env name', (m) => m.images.addService(m.api, { ...NODE, env: { log_level: 'x' } }), 'DockerImages: env of api "log_level" is not allowed: UPPER_SNAKE_CASE'],
    ['an env value with $', (m) => m.images.addService(m.api, { ...NODE, env: { LEVEL: '$HOME' } }), 'DockerImages: env.LEVEL of api "$HOME" is not allowed: printable ASCII'],
    ['an env value with a newline', (m) => m.images.addService(m.api, { ...NODE, env: { LEVEL: 'a\nRUN id' } }), 'env.LEVEL of api "a\\nRUN id" is not allowed'],
    ['a health interval that is no duration', (m) => m.images.addService(m.api, { ...NODE, healthInterval: '10 seconds' }), 'DockerImages: healthInterval of api "10 seconds" is not allowed: a Docker duration from 1s to 1h, such as 10s'],
    ['an extra allowed path with ..', (m) => m.images.addService(m.api, { ...NODE, extraAllow: ['../secrets'] }), 'DockerImages: extraAllow of api "../secrets" is not allowed: a path inside the build context'],
    ['an extra ignore that lets files back in', (m) => m.images.addService(m.api, { ...NODE, extraIgnores: ['!.env'] }), 'DockerImages: extraIgnores of api "!.env" is not allowed: a .dockerignore pattern'],
    ['an extra ignore of two lines', (m) => m.images.addService(m.api, { ...NODE, extraIgnores: ['*.log\n!.env'] }), 'extraIgnores of api "*.log\\n!.env" is not allowed: one line of text'],
    ['a runner target named with a shell character', (m) => m.images.addService(m.runner, runnerWith({ targets: [{ ...TARGET, name: 'web;id' }] })), 'DockerImages: runner.targets[0].name of playwright-runner "web;id" is not allowed'],
    ['two runner targets with one variable', (m) => m.images.addService(m.runner, runnerWith({ targets: [TARGET, { ...TARGET, name: 'api' }] })), 'DockerImages: runner.targets[].urlEnv of playwright-runner "BASE_URL" is not allowed: a different one for each target'],
    ['a runner default project that breaks the shell', (m) => m.images.addService(m.runner, runnerWith({ defaultProject: 'chromium}$(id)' })), 'DockerImages: runner.defaultProject of playwright-runner "chromium}$(id)" is not allowed'],
    ['a runner flag with a shell character', (m) => m.images.addService(m.runner, runnerWith({ runFlags: ['--init;id'] })), 'DockerImages: runner.runFlags of playwright-runner "--init;id" is not allowed: --init;id is not on the allow-list; only flags that keep the container unprivileged are allowed'],
    ['a runner suite file outside the service', (m) => m.images.addService(m.runner, runnerWith({ suiteFiles: ['../tests/'] })), 'DockerImages: runner.suiteFiles of playwright-runner "../tests" is not allowed'],
    ['zero runner workers', (m) => m.images.addService(m.runner, runnerWith({ defaultWorkers: 0 })), 'DockerImages: runner.defaultWorkers of playwright-runner 0 is not allowed: a whole number from 1 to 256.'],
    ['a .dockerignore path outside the project', (m) => new DockerIgnore(m.api, { path: '../.dockerignore' }), 'DockerIgnore: path "../.dockerignore" is not allowed'],
  ])('%s', (_name, act, message) => {
    expect(() => act(monorepo())).toThrow(ConfigError);
    expect(() => act(monorepo())).toThrow(message);
  });
});

describe('a failed synth leaves the work tree as it was', () => {
  /** The system of .projenrc.ts in `outdir`, with one more thing declared by `bad`. */
  function system(outdir: string, bad?: (m: M, bench: DockerBenchmark) => void, lock?: Record<string, unknown>) {
    const m = monorepo({ outdir, lock });
    addDefaultServices(m);
    const bench = new DockerBenchmark(m.root, { images: m.images, targets: { aboveBaseAtMostOf: { web: 'nextjs-example' } } });
    bench.addReference('web', nextjsWithDockerReference());
    bad?.(m, bench);
    return m;
  }

  /** A kind whose Dockerfile is only found wrong when it is rendered: its last stage runs as root. */
  const ROOT_KIND = defineImageKind<object, object>({
    name: 'root-tool',
    description: 'a tool run as root',
    source: 'test/docker/validation.test.ts',
    options: [],
    bases: { runtime: { name: 'node' } },
    resolve: () => ({}),
    contextFiles: () => ['src'],
    facts: () => ({ user: 'root', uid: '0:0' }),
    render: (model, ctx) => {
      addBase(model, ctx, 'The base.');
      model.addStage('tool', { from: fromBase(ctx) }).cmd(['true']);
    },
  });

  /** A runner whose installed @playwright/test is 1.2.3+build: "+" is no tag character. */
  const plusVersion = (dir: string) => {
    mkdirSync(path.join(dir, 'e2e'), { recursive: true });
    writeFileSync(path.join(dir, 'e2e', 'package-lock.json'), JSON.stringify({ packages: { 'node_modules/@playwright/test': { version: '1.2.3+build' } } }));
  };

  test.each<[string, (m: M, bench: DockerBenchmark) => void, string, ((dir: string) => void) | undefined]>([
    ['a health path with a quote, declared when the service is added', (m) => m.images.addService(service(m, 'worker'), { ...NODE, healthPath: "/h'" }), 'healthPath of worker "/h\'" is not allowed', undefined],
    ['a runner health path injecting a command', (m) => m.images.addService(service(m, 'e2e'), runnerWith({ targets: [{ ...TARGET, healthPath: '/$(reboot)' }] })), 'runner.targets[0].healthPath of e2e "/$(reboot)" is not allowed', undefined],
    ['a benchmark reference whose Dockerfile is invalid, found when it is rendered at synth', (_m, bench) => {
      bench.addReference('api', { name: 'broken', description: 'starts from nothing', source: 'test/docker/validation.test.ts', render: (model) => model.addStage('app', { from: 'nowhere' }).cmd(['true']), runsAsRoot: true });
    }, 'bench/api/broken.Dockerfile: stage "app" starts FROM "nowhere", which is neither an earlier stage', undefined],
    ['a kind whose Dockerfile is invalid, found when it is rendered at synth', (m) => { m.images.registerKind(ROOT_KIND).addService(service(m, 'tool'), { kind: ROOT_KIND, sizeBudget: '1MB' }); }, 'tool/Dockerfile: The final stage "tool" runs as root', undefined],
    ['a base whose followed version makes an invalid tag, known only at synth', (m) => {
      m.images.addBaseImage('pw2', { repository: 'mcr.microsoft.com/playwright', tag: 'v{version}-jammy', buildArg: 'PW2_IMAGE' });
      m.images.addService(service(m, 'e2e'), { ...RUNNER, base: 'pw2' });
    }, 'tag of base pw2 (with @playwright/test\'s installed version) of e2e "v1.2.3+build-jammy" is not allowed', plusVersion],
  ])('%s: a clear error, and no file written, changed or deleted', (_name, bad, message, prepare) => {
    const dir = tempOutdir();
    system(dir).root.synth();
    prepare?.(dir);
    const before = treeHash(dir);
    const run = () => system(dir, bad).root.synth();
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(message);
    expect(treeHash(dir)).toBe(before);
  });

  test('a lock file with a broken digest fails synth before any file is written', () => {
    const dir = tempOutdir();
    system(dir).root.synth();
    const lock = { 'node:24-alpine': { digest: 'sha256:short' } };
    writeFileSync(path.join(dir, 'base-images.lock.json'), JSON.stringify(lock));
    const before = treeHash(dir);
    const run = () => system(dir, undefined, lock).root.synth();
    expect(run).toThrow('BaseImages: lock file base-images.lock.json "sha256:short" is not allowed: for node:24-alpine, a digest "sha256:<64 hex digits>" or null; fix or delete base-images.lock.json and run `npx projen` again.');
    expect(treeHash(dir)).toBe(before);
  });

  test('the good system synthesizes again to the same tree', () => {
    const dir = tempOutdir();
    system(dir).root.synth();
    const before = treeHash(dir);
    system(dir).root.synth();
    expect(treeHash(dir)).toBe(before);
    expect(synth(system(tempOutdir()).root)['api/Dockerfile']).toContain('FROM ${NODE_IMAGE} AS runtime');
  });
});

/**
 * Hostile values, one class at a time: each class has one validator at its root, and each value
 * of it is a ConfigError of one shape ("Component: option of service "value" is not allowed: what
 * is."), thrown before any file is written.
 */
describe('hostile values: a ConfigError of one shape, from the one validator of their class', () => {
  const SHAPE = /^[\w.]+: .+ is not allowed: .+\.$/s;
  const rejects = (act: (m: M) => unknown, message: string | RegExp) => {
    let error: unknown;
    const m = monorepo();
    try {
      act(m);
      synth(m.root);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(SHAPE);
    if (typeof message === 'string') expect((error as Error).message).toContain(message);
    else expect((error as Error).message).toMatch(message);
  };
  const flags = (...runFlags: string[]) => (m: M) => m.images.addService(m.runner, runnerWith({ runFlags }));

  describe('runner flags: only those that keep the container unprivileged, each refusal saying why', () => {
    test.each<[string, string]>([
      ['--privileged', 'gives the container every capability'],
      ['--volume=/:/host', 'mounts host files'],
      ['-v=/:/host', 'mounts host files'],
      ['--mount=type=bind,source=/,target=/host', 'mounts host files'],
      ['--pid=host', 'shares a host or container namespace'],
      ['--userns=host', 'shares the host\'s user namespace'],
      ['--user=0', 'changes the user: the image runs as its own non-root user'],
      ['--cap-add=ALL', 'adds kernel capabilities'],
      ['--security-opt=seccomp=unconfined', '--security-opt takes no-new-privileges (any other weakens the container\'s confinement)'],
      ['--ipc=container:db', '--ipc takes host|private (any other joins another container\'s IPC namespace)'],
      ['--env-file=/etc/shadow', 'reads a host file into the container'],
      ['--entrypoint=/bin/sh', 'replaces the runner\'s entrypoint'],
      ['--device=/dev/sda', 'gives the container a host device'],
      ['--network=container:db', 'the run task sets the network itself'],
      ['--pids-limit=-1', '--pids-limit takes <n> (above zero: never unlimited)'],
      ['--memory=0', '--memory takes <size>'],
      ['--init=yes', '--init takes no value'],
      ['--ipc', '--ipc takes host|private'],
      ['--tmpfs=/tmp/../etc', '--tmpfs takes <path>[:options]'],
      ['--log-driver=none', '--log-driver is not on the allow-list'],
    ])('%s', (flag, why) => rejects(flags(flag), `DockerImages: runner.runFlags of playwright-runner ${JSON.stringify(flag)} is not allowed: ${why}`));

    test('a flag given twice is refused; a repeatable one is not', () => {
      rejects(flags('--memory=1g', '--memory=2g'), 'runner.runFlags of playwright-runner "--memory=2g" is not allowed: --memory once only.');
      const m = monorepo();
      m.images.addService(m.runner, runnerWith({ runFlags: ['--read-only', '--tmpfs=/tmp', '--tmpfs=/home/pwuser:rw,size=64m', '--cap-drop=ALL', '--security-opt=no-new-privileges', '--pids-limit=512', '--shm-size=1g', '--memory-swap=3g', '--cpus=1.5'] }));
      expect(synth(m.root)['.projen/tasks.json'].tasks['docker:run:playwright-runner'].steps[1].exec).toContain('--read-only --tmpfs=/tmp --tmpfs=/home/pwuser:rw,size=64m --cap-drop=ALL');
    });

    test('the flags of .projenrc.ts are allowed, and every allowed flag has its line for the guide', () => {
      const m = monorepo();
      m.images.addService(m.runner, runnerWith({ runFlags: ['--init', '--ipc=host', '--memory=2g', '--cpus=2'] }));
      expect(synth(m.root)['.projen/tasks.json'].tasks['docker:run:playwright-runner'].steps[1].exec).toMatch(/^docker run --rm --init --ipc=host --memory=2g --cpus=2 --network/);
      for (const rule of ALLOWED_RUN_FLAGS) expect(explainRunFlag(rule.form ? `${rule.name}=x` : rule.name)).toMatch(/^[a-z].{10,}[^.]$/);
      expect(() => explainRunFlag('--privileged')).toThrow('not an allowed flag');
    });

    test('the build guide explains exactly the flags that are set, from the allow-list', () => {
      const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, '.projen', 'docker-images.json'), 'utf8')) as { images: { runFlags?: string[] }[] };
      const set = manifest.images.flatMap((i) => i.runFlags ?? []);
      const guide = readFileSync(path.join(REPO_ROOT, 'docs', 'docker-build-guide.md'), 'utf8');
      const bullets = guide.split('\n').filter((l) => /^- `--/.test(l));
      expect(set.length).toBeGreaterThan(0);
      expect(bullets).toEqual(set.map((f) => `- \`${f}\`: ${explainRunFlag(f)}`));
    });
  });

  describe('base-image build arguments: never one BuildKit, Docker or the Dockerfiles use already', () => {
    const arg = (buildArg: string) => (m: M) => m.images.addBaseImage('py', { repository: 'python', tag: '3.12-slim', buildArg });
    test.each(['VERSION', 'REVISION', 'CREATED', 'SOURCE', 'PATH', 'HOME', 'TARGETPLATFORM', 'TARGETARCH', 'BUILDPLATFORM', 'BUILDVARIANT', 'BUILDKIT_SYNTAX', 'BUILDKIT_INLINE_CACHE', 'HTTP_PROXY', 'https_proxy', 'NO_PROXY', 'all_proxy'])('%s', (name) => {
      rejects(arg(name), `DockerImages.addBaseImage: buildArg of base image py ${JSON.stringify(name)} is not allowed: a name of its own, such as NODE_IMAGE: not one BuildKit, Docker or the generated Dockerfiles use already`);
    });

    test('the arguments every Dockerfile declares are derived from the Dockerfile, and reserved', () => {
      const dockerfile = synth((() => { const m = monorepo(); addDefaultServices(m); return m.root; })())['api/Dockerfile'] as string;
      const declared = [...dockerfile.matchAll(/^ARG (\w+)=/gm)].map((a) => a[1]).filter((a) => a !== 'NODE_IMAGE');
      expect(declared.length).toBeGreaterThan(0);
      for (const name of declared) expect(RESERVED_BUILD_ARGS).toContain(name);
      rejects(arg('NODE_IMAGE'), 'buildArg of base image py "NODE_IMAGE" is not allowed: a build argument of its own: base image node uses NODE_IMAGE already.');
    });
  });

  test.each<[string, (m: M) => unknown, string]>([
    // Registry hosts in names.
    ['a namespace with a registry host', (m) => new DockerImages(new Project({ name: 'x', outdir: m.outdir }), { namespace: 'ghcr.io/acme' }), 'DockerImages: namespace "ghcr.io/acme" is not allowed: a lowercase image repository such as qualisys/api'],
    ['a namespace of localhost', (m) => new DockerImages(new Project({ name: 'x', outdir: m.outdir }), { namespace: 'localhost/acme' }), 'no registry host'],
    ['an image name with a registry host', (m) => m.images.addService(m.api, { ...NODE, imageName: 'ghcr.io/evil/api' }), 'DockerImages: imageName of api "ghcr.io/evil/api" is not allowed'],
    // Health paths.
    ['a health path climbing out', (m) => m.images.addService(m.api, { ...NODE, healthPath: '/../../etc/passwd' }), 'DockerImages: healthPath of api "/../../etc/passwd" is not allowed: a path starting with "/"'],
    ['a runner health path with a . segment', (m) => m.images.addService(m.runner, runnerWith({ targets: [{ ...TARGET, healthPath: '/./health' }] })), 'no "." or ".." segment'],
    // Size budgets.
    ['a tiny size budget', (m) => m.images.addService(m.api, { ...NODE, sizeBudget: '0.0000001MB' }), 'DockerImages: sizeBudget of api "0.0000001MB" is not allowed: a size from 1MB to 100GB'],
    ['a huge size budget', (m) => m.images.addService(m.api, { ...NODE, sizeBudget: '99999999999999999999TB' }), 'a size from 1MB to 100GB'],
    // Floating base tags.
    ['a base tag latest', (m) => m.images.addBaseImage('py', { repository: 'python', tag: 'latest', buildArg: 'PY_IMAGE' }), 'DockerImages.addBaseImage: tag of base image py "latest" is not allowed: a tag that names a version'],
    ['a base tag lts-alpine', (m) => m.images.addBaseImage('py', { repository: 'node', tag: 'lts-alpine', buildArg: 'PY_IMAGE' }), 'a tag that names a version'],
    // Runner URL variables and image environments.
    ['a runner URL variable PATH', (m) => m.images.addService(m.runner, runnerWith({ targets: [{ ...TARGET, urlEnv: 'PATH' }] })), 'DockerImages: runner.targets[0].urlEnv of playwright-runner "PATH" is not allowed: a variable of its own, such as BASE_URL: not PATH, HOME'],
    ['a runner URL variable the entrypoint reads', (m) => m.images.addService(m.runner, runnerWith({ targets: [{ ...TARGET, urlEnv: 'PW_WORKERS' }] })), 'not a name the runner, its image or its run task reads or sets'],
    ['a runner URL variable the run task reads', (m) => m.images.addService(m.runner, runnerWith({ targets: [{ ...TARGET, urlEnv: 'DOCKER_NETWORK' }] })), 'not a name the runner'],
    ['env PATH', (m) => m.images.addService(m.api, { ...NODE, env: { PATH: '/tmp' } }), 'DockerImages: env of api "PATH" is not allowed: not PATH, HOME'],
    ['env NODE_OPTIONS', (m) => m.images.addService(m.api, { ...NODE, env: { NODE_OPTIONS: '--require=/tmp/x.js' } }), 'env of api "NODE_OPTIONS" is not allowed'],
    ['env PORT beside EXPOSE 3000', (m) => m.images.addService(m.api, { ...NODE, env: { PORT: '9999' } }), 'DockerImages: env of api "PORT" is not allowed: not PORT: the image sets it from the port option'],
    ['env the node-service image sets', (m) => m.images.addService(m.api, { ...NODE, env: { HOST: '127.0.0.1' } }), 'env of api "HOST" is not allowed: not a name the image sets itself (NODE_ENV, HOST, PORT, APP_VERSION)'],
    ['env the Next.js image sets', (m) => m.images.addService(m.web, { ...NEXT, env: { NEXT_TELEMETRY_DISABLED: '0' } }), 'env of web "NEXT_TELEMETRY_DISABLED" is not allowed: not a name the image sets itself'],
    ['env the runner image sets', (m) => m.images.addService(m.runner, { ...RUNNER, env: { RESULTS_DIR: '/' } }), 'env of playwright-runner "RESULTS_DIR" is not allowed'],
    // uid:gid and the health interval.
    ['root\'s group as the gid', (m) => m.images.addService(m.api, { ...NODE, uid: '1000:0' }), 'DockerImages: uid of api "1000:0" is not allowed: the numeric uid:gid of a non-root user, such as 1000:1000: each a whole number from 1 to 2147483647'],
    ['a uid beyond 2^31-1', (m) => m.images.addService(m.api, { ...NODE, uid: '4294967296:1' }), 'uid of api "4294967296:1" is not allowed'],
    ['a health interval of 999999h', (m) => m.images.addService(m.api, { ...NODE, healthInterval: '999999h' }), 'DockerImages: healthInterval of api "999999h" is not allowed: a Docker duration from 1s to 1h'],
    ['a health interval under a second', (m) => m.images.addService(m.api, { ...NODE, healthInterval: '500ms' }), 'healthInterval of api "500ms" is not allowed'],
    // Paths let into the build context.
    ['extraAllow *', (m) => m.images.addService(m.api, { ...NODE, extraAllow: ['*'] }), 'DockerImages: extraAllow of api "*" is not allowed: a path that names what the build needs'],
    ['extraAllow **/*', (m) => m.images.addService(m.api, { ...NODE, extraAllow: ['**/*'] }), 'not wildcards alone at the root'],
    ['extraAllow .env.production', (m) => m.images.addService(m.api, { ...NODE, extraAllow: ['.env.production'] }), 'DockerImages: extraAllow of api ".env.production" is not allowed: a path the build needs, never a secret or a file that stays out of every image (it matches ".env.*"'],
    ['extraAllow config/*.pem', (m) => m.images.addService(m.api, { ...NODE, extraAllow: ['config/*.pem'] }), 'it matches "*.pem"'],
    ['extraAllow node_modules', (m) => m.images.addService(m.api, { ...NODE, extraAllow: ['node_modules'] }), 'it matches "node_modules"'],
    ['extraAllow lib (build output at the root)', (m) => m.images.addService(m.api, { ...NODE, extraAllow: ['lib'] }), 'it matches "lib"'],
    // Benchmark numbers.
    ['an infinite cold-build target', (m) => { addDefaultServices(m); new DockerBenchmark(m.root, { images: m.images, targets: { coldBuildSeconds: { api: Infinity } } }); }, 'DockerBenchmark: targets.coldBuildSeconds of api Infinity is not allowed: a number of seconds above 0 and at most 86400'],
    ['a rebuild fraction of NaN', (m) => { addDefaultServices(m); new DockerBenchmark(m.root, { images: m.images, targets: { sourceRebuildFraction: NaN } }); }, 'DockerBenchmark: targets.sourceRebuildFraction NaN is not allowed'],
    // Task names and the tag script's options.
    ['a task name with a shell command', (m) => new ImageTagScript(m.root, { taskName: 'a b; rm' }), 'ImageTagScript: taskName "a b; rm" is not allowed: a task name of lowercase letters, digits and : . _ -'],
    ['a task name the project has', (m) => new ImageTagScript(m.root, { taskName: 'build' }), 'ImageTagScript: taskName "build" is not allowed: a task name of its own: the project has a task named so already'],
    ['a SHA tag of 5 characters', (m) => new ImageTagScript(m.root, { shaLength: 5 }), 'ImageTagScript: shaLength 5 is not allowed: a whole number from 7 to 40.'],
  ])('%s', (_name, act, message) => rejects(act, message));

  describe('lock and pins files: read with a schema check, a ConfigError naming the file and what to do', () => {
    const FIX = (file: string) => `; fix or delete ${file} and run \`npx projen\` again.`;
    const withLock = (text: string) => (m: M) => { writeFileSync(path.join(m.outdir, 'base-images.lock.json'), text); addDefaultServices(m); };
    test.each<[string, string, string]>([
      ['an array', '[1,2]', 'BaseImages: lock file base-images.lock.json [1,2] is not allowed: an object of "repository:tag" to'],
      ['null', 'null', 'lock file base-images.lock.json null is not allowed'],
      ['an entry that is a string', '{"node:24-alpine":"sha256:x"}', 'lock file base-images.lock.json "sha256:x" is not allowed: for node:24-alpine,'],
      ['a digest that is a number', '{"node:24-alpine":{"digest":5}}', 'lock file base-images.lock.json 5 is not allowed: for node:24-alpine, a digest "sha256:<64 hex digits>" or null'],
      ['no JSON', '{oops', 'BaseImages: lock file base-images.lock.json "{oops" is not allowed: JSON ('],
    ])('base-images.lock.json holding %s', (_name, text, message) => rejects(withLock(text), new RegExp(`${escape(message)}.*${escape(FIX('base-images.lock.json'))}$`, 's')));

    test('a package-lock.json the base image follows that is no object', () => {
      rejects((m) => { writeFileSync(path.join(m.runner.outdir, 'package-lock.json'), '[1,2]'); addDefaultServices(m); }, `DockerImages: lock file playwright-runner/package-lock.json [1,2] is not allowed: an npm package-lock.json: a JSON object${FIX('playwright-runner/package-lock.json')}`);
    });

    test.each<[string, string, string]>([
      ['an array', '[1,2]', 'DependencyPins: lock file dependency-pins.json [1,2] is not allowed: an object of service folders to'],
      ['null', 'null', 'DependencyPins: lock file dependency-pins.json null is not allowed'],
      ['a folder holding a version', '{"playwright-runner":"1.65.1"}', 'lock file dependency-pins.json "1.65.1" is not allowed: for playwright-runner,'],
      ['a version that is a number', '{"playwright-runner":{"@playwright/test":1}}', 'lock file dependency-pins.json 1 is not allowed: for @playwright/test of playwright-runner, an exact version such as 1.65.1'],
      ['a range', '{"playwright-runner":{"@playwright/test":"^1.65.1"}}', '"^1.65.1" is not allowed: for @playwright/test of playwright-runner, an exact version'],
      ['no JSON', '{oops', 'DependencyPins: lock file dependency-pins.json "{oops" is not allowed: JSON ('],
    ])('dependency-pins.json holding %s', (_name, text, message) => {
      const dir = tempOutdir();
      writeFileSync(path.join(dir, 'dependency-pins.json'), text);
      let error: unknown;
      try {
        readDependencyPins(dir);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(SHAPE);
      expect((error as Error).message).toContain(message);
      expect((error as Error).message.endsWith(FIX('dependency-pins.json'))).toBe(true);
    });

    test('a bad lock file fails synth before any file is written', () => {
      const dir = tempOutdir();
      const good = () => { const m = monorepo({ outdir: dir }); addDefaultServices(m); return m; };
      good().root.synth();
      writeFileSync(path.join(dir, 'base-images.lock.json'), '[1,2]');
      const before = treeHash(dir);
      // monorepo() writes the lock file itself: write the bad one after it, before synth.
      const run = () => { const m = good(); writeFileSync(path.join(dir, 'base-images.lock.json'), '[1,2]'); m.root.synth(); };
      expect(run).toThrow('BaseImages: lock file base-images.lock.json [1,2] is not allowed');
      expect(treeHash(dir)).toBe(before);
    });
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
