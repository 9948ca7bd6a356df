/**
 * Kinds of image: one module each behind `ImageKindDefinition`, registered by name. A fourth kind
 * is one definition and one registration; an option a kind does not take is an error, at compile
 * time (`@ts-expect-error` below) and at run time, naming the option, the service and the kind.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Project } from 'projen';
import { BUILT_IN_KINDS, defineImageKind, ImageKind } from '../../src/docker/kinds';
import { addBase, addLabelsAndVersion, fromBase } from '../../src/docker/kinds/stages';
import { check, ConfigError, integer } from '../../src/validate';
import { addDefaultServices, linter, monorepo, synth, tempOutdir } from '../fixtures';

interface PythonServiceOptions {
  /** Port uvicorn listens on. */
  readonly port: number;
  /** The ASGI module, such as `app.main`. @default 'app.main' */
  readonly module?: string;
}

/** A Python web service on python:3.12-slim: the whole kind, as a new module would hold it. */
const PYTHON_SERVICE = defineImageKind<PythonServiceOptions, Required<PythonServiceOptions>>({
  name: 'python-asgi',
  description: 'a Python ASGI service run by uvicorn',
  source: 'test/docker/kinds.test.ts',
  options: ['port', 'module'],
  bases: { runtime: { name: 'python' } },
  resolve: (o, service) => {
    const module = o.module ?? 'app.main';
    check(/^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*$/.test(module), 'DockerImages', 'module', module, 'a Python module path such as app.main', service);
    return { port: integer('DockerImages', 'port', o.port, 1, 65535, service), module };
  },
  contextFiles: () => ['requirements.txt', 'app'],
  render: (model, ctx) => {
    addBase(model, ctx, 'Official Python image, pinned by digest; the build argument overrides it.');
    model.addStage('deps', { from: fromBase(ctx), comment: 'Dependencies, from requirements.txt only.' })
      .workdir('/app')
      .copy('requirements.txt', './')
      .run('pip install --no-cache-dir --target=/app/deps -r requirements.txt');
    const runtime = model.addStage('runtime', { from: fromBase(ctx), comment: 'The service and its dependencies, run by a non-root user.' })
      .workdir('/app')
      .env({ PYTHONPATH: '/app/deps', PORT: String(ctx.options.port) })
      .copy('/app/deps', './deps', { from: 'deps' })
      .copy('app', './app')
      .user('10001:10001')
      .expose(ctx.options.port);
    addLabelsAndVersion(runtime, ctx);
    runtime.cmd(['python', '-m', 'uvicorn', `${ctx.options.module}:app`, '--host', '0.0.0.0', '--port', String(ctx.options.port)]);
  },
  facts: (o) => ({ user: 'app', uid: '10001:10001', port: o.port }),
});

function withPython() {
  const m = monorepo({ lock: { 'python:3.12-slim': { digest: `sha256:${'b'.repeat(64)}` } } });
  m.images.addBaseImage('python', { repository: 'python', tag: '3.12-slim', buildArg: 'PYTHON_IMAGE' }).registerKind(PYTHON_SERVICE);
  const worker = new Project({ name: 'worker', parent: m.root, outdir: 'worker' });
  return { ...m, worker };
}

describe('a kind defined outside the package', () => {
  test('is one definition and one registration, and synthesizes its Dockerfile, .dockerignore and manifest entry', () => {
    const m = withPython();
    addDefaultServices(m);
    m.images.addService(m.worker, { kind: PYTHON_SERVICE, port: 8000, sizeBudget: '150MB' });
    const out = synth(m.root);
    const df = out['worker/Dockerfile'] as string;
    expect(df).toContain('# Generated from .projenrc.ts by test/docker/kinds.test.ts. Build it with `npx projen build:docker`.\n# Image qualisys/worker (python-asgi).');
    expect(df).toContain(`ARG PYTHON_IMAGE=python-base\nFROM python:3.12-slim@sha256:${'b'.repeat(64)} AS python-base\n`);
    expect(df).toContain('CMD ["python","-m","uvicorn","app.main:app","--host","0.0.0.0","--port","8000"]');
    expect(out['worker/.dockerignore']).toContain('*\n!requirements.txt\n!app\n');
    expect(out['.projen/docker-images.json'].images[3]).toMatchObject({
      service: 'worker', kind: 'python-asgi', image: 'qualisys/worker', port: 8000, user: 'app', uid: '10001:10001', baseArg: 'PYTHON_IMAGE',
    });
    expect(m.images.kinds.names).toEqual(['node-service', 'nextjs-standalone', 'playwright-runner', 'node-worker', 'python-service', 'go-service', 'python-asgi']);
    // The generated Dockerfile passes the same linter as ours.
    const file = path.join(tempOutdir(), 'Dockerfile');
    writeFileSync(file, df);
    const lint = linter('hadolint', ['--no-color', file]);
    expect(lint.stdout + lint.stderr).toBe('');
  });

  test('is refused until it is registered, and its name must be its own', () => {
    const m = monorepo();
    const worker = new Project({ name: 'worker', parent: m.root, outdir: 'worker' });
    expect(() => m.images.addService(worker, { kind: PYTHON_SERVICE, port: 8000, sizeBudget: '1MB' }))
      .toThrow('DockerImages: kind of worker "python-asgi" is not allowed: a registered kind (node-service, nextjs-standalone, playwright-runner, node-worker, python-service, go-service); register another with images.registerKind().');
    expect(() => m.images.registerKind({ ...PYTHON_SERVICE, name: 'node-service' }))
      .toThrow('DockerImages.registerKind: a kind named node-service is registered already (from projen-containers/docker/kinds/node-service)');
    expect(() => defineImageKind({ ...PYTHON_SERVICE, name: 'Python Service' })).toThrow('defineImageKind: name "Python Service" is not allowed: kebab-case');
    expect(() => defineImageKind({ ...PYTHON_SERVICE, options: ['port', 'sizeBudget'] as never })).toThrow('kind python-asgi declares sizeBudget, which every image takes already');
  });

  test('checks its own options, and refuses those of other kinds', () => {
    const m = withPython();
    expect(() => m.images.addService(m.worker, { kind: PYTHON_SERVICE, port: 8000, module: 'app;rm', sizeBudget: '1MB' }))
      .toThrow('DockerImages: module of worker "app;rm" is not allowed: a Python module path such as app.main.');
    // @ts-expect-error healthPath is an option of the Node.js server kinds only
    expect(() => m.images.addService(m.worker, { kind: PYTHON_SERVICE, port: 8000, healthPath: '/health', sizeBudget: '1MB' }))
      .toThrow('DockerImages: option "healthPath" of worker does not apply to a python-asgi image. A python-asgi takes port, module; every image takes name, imageName, sizeBudget, base, extraAllow, extraIgnores.');
  });
});

describe('the built-in kinds', () => {
  test('are registered in every DockerImages, and print as their names', () => {
    expect(BUILT_IN_KINDS.map(String)).toEqual(['node-service', 'nextjs-standalone', 'playwright-runner', 'node-worker', 'python-service', 'go-service']);
    expect(`${ImageKind.NODE_SERVICE}`).toBe('node-service');
    expect(monorepo().images.kinds.all).toEqual(BUILT_IN_KINDS);
  });

  test('each names its own module as the source of its files', () => {
    expect(BUILT_IN_KINDS.map((k) => k.source)).toEqual([
      'projen-containers/docker/kinds/node-service', 'projen-containers/docker/kinds/nextjs-standalone', 'projen-containers/docker/kinds/playwright-runner',
      'projen-containers/docker/kinds/node-worker', 'projen-containers/docker/kinds/python-service', 'projen-containers/docker/kinds/go-service',
    ]);
  });

  const runner = { targets: [{ name: 'web', urlEnv: 'BASE_URL', healthPath: '/' }] };
  test.each<[string, (m: ReturnType<typeof monorepo>) => unknown, string]>([
    // @ts-expect-error runner is an option of the playwright-runner kind only
    ['runner on a node-service', (m) => m.images.addService(m.api, { kind: ImageKind.NODE_SERVICE, port: 3000, healthPath: '/health', sizeBudget: '1MB', runner }),
      'DockerImages: option "runner" of api does not apply to a node-service image. A node-service takes port, healthPath, entrypoint, compiler, installScripts, user, uid, env, healthInterval; every image takes name, imageName, sizeBudget, base, extraAllow, extraIgnores.'],
    // @ts-expect-error healthPath is an option of the server kinds
    ['healthPath on the playwright-runner', (m) => m.images.addService(m.runner, { kind: ImageKind.PLAYWRIGHT_RUNNER, sizeBudget: '2GB', runner, healthPath: '/health' }),
      'DockerImages: option "healthPath" of playwright-runner does not apply to a playwright-runner image. A playwright-runner takes runner, installScripts, user, uid, env, healthInterval;'],
    // @ts-expect-error startScript is an option of the nextjs-standalone kind
    ['startScript on a node-service', (m) => m.images.addService(m.api, { kind: ImageKind.NODE_SERVICE, port: 3000, healthPath: '/health', sizeBudget: '1MB', startScript: 'start.cjs' }),
      'DockerImages: option "startScript" of api does not apply to a node-service image.'],
    // @ts-expect-error entrypoint is an option of the node-service kind
    ['entrypoint on a nextjs-standalone', (m) => m.images.addService(m.web, { kind: ImageKind.NEXTJS_STANDALONE, port: 3000, healthPath: '/health', sizeBudget: '1MB', entrypoint: 'lib/x.js' }),
      'DockerImages: option "entrypoint" of web does not apply to a nextjs-standalone image. A nextjs-standalone takes port, healthPath, startScript,'],
    ['a misspelt runner option', (m) => m.images.addService(m.runner, { kind: ImageKind.PLAYWRIGHT_RUNNER, sizeBudget: '2GB', runner: { ...runner, runflags: ['--init'] } as never }),
      'DockerImages: runner.runflags of playwright-runner ["--init"] is not allowed: not an option; runner takes targets, waitTimeoutSeconds, defaultProject, defaultWorkers, suiteFiles, runFlags.'],
  ])('%s is an error naming the option, the service and the kind', (_name, act, message) => {
    expect(() => act(monorepo())).toThrow(ConfigError);
    expect(() => act(monorepo())).toThrow(message);
  });

  test('an option given as undefined counts as not given', () => {
    const m = monorepo();
    expect(() => m.images.addService(m.runner, { kind: ImageKind.PLAYWRIGHT_RUNNER, sizeBudget: '2GB', runner, ...{ healthPath: undefined } })).not.toThrow();
  });
});
