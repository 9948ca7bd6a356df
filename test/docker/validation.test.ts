/**
 * Every option of the Docker components is checked where it is declared, with a message naming
 * the option and the service and saying what is allowed; what is only known at synth (the lock
 * file, the installed version a base follows, the rendered Dockerfiles, the benchmark's targets)
 * is checked in a root component's preSynthesize(). Either way, a failed synth leaves the work
 * tree exactly as it was.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Project } from 'projen';
import { DockerBenchmark } from '../../projenrc/docker/docker-benchmark';
import { DockerImages } from '../../projenrc/docker/docker-images';
import { DockerIgnore } from '../../projenrc/docker/dockerignore';
import { defineImageKind, ImageKind } from '../../projenrc/docker/kinds';
import { addBase, fromBase } from '../../projenrc/docker/kinds/stages';
import { nextjsWithDockerReference } from '../../projenrc/docker/reference-recipes';
import { NodeServiceProject } from '../../projenrc/node-service';
import { ConfigError } from '../../projenrc/validate';
import { addDefaultServices, monorepo, synth, tempOutdir, treeHash } from '../fixtures';

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
    ['a service project folder outside the repository', (m) => new NodeServiceProject({ parent: m.root, outdir: '../../etc', name: 'x', description: 'x' }), 'NodeServiceProject: outdir "../../etc" is not allowed: a relative path inside the repository'],
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
    defaultBase: 'node',
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
