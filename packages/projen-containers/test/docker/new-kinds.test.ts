/**
 * The go-service, python-service and node-worker kinds, and the Node.js package managers and
 * entry point: each Dockerfile and .dockerignore as generated (snapshots), what each must hold
 * (pinned FROM lines, non-root user, health check, no port for a worker), and hadolint on each.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { javascript, Project } from 'projen';
import { DockerImages } from '../../src/docker/docker-images';
import { ImageKind } from '../../src/docker/kinds';
import { linter, synth, tempOutdir } from '../fixtures';

const D = (c: string) => `sha256:${c.repeat(64)}`;
const LOCK = {
  'golang:1.26-bookworm': { digest: D('1') },
  'gcr.io/distroless/static-debian12:nonroot': { digest: D('2') },
  'python:3.11-slim': { digest: D('3') },
  'node:24-alpine': { digest: D('4') },
};

/** A project of another shape: no addBaseImage(), Python, Go and a Node worker, under services/. */
function parcel() {
  const outdir = tempOutdir();
  writeFileSync(path.join(outdir, 'base-images.lock.json'), JSON.stringify(LOCK));
  const root = new Project({ name: 'parcel', outdir });
  const images = new DockerImages(root, { namespace: 'parcel' });
  const service = (name: string) => new Project({ name, parent: root, outdir: `services/${name}` });
  return { outdir, root, images, service };
}

function all() {
  const p = parcel();
  p.images.addService(p.service('rates'), { kind: ImageKind.PYTHON_SERVICE, port: 8080, healthPath: '/healthz', module: 'rates_service', sizeBudget: '150MB' });
  p.images.addService(p.service('tracking'), { kind: ImageKind.GO_SERVICE, port: 8080, healthPath: '/healthz', sizeBudget: '30MB' });
  p.images.addService(p.service('notifier'), { kind: ImageKind.NODE_WORKER, healthCommand: ['node', 'lib/health.js'], entrypoint: 'lib/index.js', env: { HEARTBEAT_FILE: '/tmp/notifier.heartbeat' }, sizeBudget: '200MB' });
  return { ...p, out: synth(p.root) };
}

describe('new kinds: the generated files', () => {
  const { out } = all();

  test.each(['rates', 'tracking', 'notifier'])('snapshot of services/%s/Dockerfile and .dockerignore', (svc) => {
    expect(out[`services/${svc}/Dockerfile`]).toMatchSnapshot();
    expect(out[`services/${svc}/.dockerignore`]).toMatchSnapshot();
  });

  test('go-service: both bases as literal pinned FROM lines, each with its own build argument; build on the toolchain, run on distroless', () => {
    const df: string = out['services/tracking/Dockerfile'];
    expect(df).toContain([
      'ARG GO_IMAGE=golang-base', 'ARG RUNTIME_IMAGE=distroless-base',
      `FROM golang:1.26-bookworm@${D('1')} AS golang-base`,
      `FROM gcr.io/distroless/static-debian12:nonroot@${D('2')} AS distroless-base`,
    ].join('\n'));
    expect(df).toContain('FROM ${GO_IMAGE} AS deps\n');
    expect(df).toContain('FROM ${RUNTIME_IMAGE} AS runtime\n');
    expect(df).toContain('CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/tracking .');
    expect(df).toContain('USER 65532:65532\nEXPOSE 8080\n');
    expect(df).toContain('CMD ["/usr/local/bin/tracking","healthcheck"]');
    expect(df).toMatch(/ENTRYPOINT \["\/usr\/local\/bin\/tracking"\]\n$/);
    const entry = out['.projen/docker-images.json'].images.find((i: { service: string }) => i.service === 'tracking');
    expect(entry).toMatchObject({ baseArg: 'RUNTIME_IMAGE', baseImage: `gcr.io/distroless/static-debian12:nonroot@${D('2')}`, user: 'nonroot', uid: '65532:65532', port: 8080 });
    expect(entry.bases.map((b: { arg: string }) => b.arg)).toEqual(['GO_IMAGE', 'RUNTIME_IMAGE']);
    expect(Object.keys(out['.projen/docker-images.json'].baseImages)).toEqual(['python', 'golang', 'distroless', 'node']);
  });

  test('python-service: hashed install into a venv, a created non-root uid, python -m <module>, an HTTP health check by Python itself', () => {
    const df: string = out['services/rates/Dockerfile'];
    expect(df).toContain(`ARG PYTHON_IMAGE=python-base\nFROM python:3.11-slim@${D('3')} AS python-base\n`);
    expect(df).toContain('install --require-hashes --no-deps --only-binary=:all: -r requirements.txt');
    expect(df).toContain('useradd --system --uid 10001 --gid 10001');
    expect(df).toContain('COPY rates_service ./rates_service\nUSER 10001:10001\nEXPOSE 8080\n');
    expect(df).toContain("/healthz' % os.environ.get('PORT','8080')");
    expect(df).toMatch(/CMD \["python","-m","rates_service"\]\n$/);
    expect(out['services/rates/.dockerignore']).toContain('*\n!requirements.txt\n!rates_service\n');
  });

  test('node-worker: no port, its own health command, non-root', () => {
    const df: string = out['services/notifier/Dockerfile'];
    expect(df).not.toMatch(/^EXPOSE|PORT=/m);
    expect(df).toContain('USER 1000:1000\n');
    expect(df).toContain('CMD ["node","lib/health.js"]');
    expect(df).toContain('&& mkdir -p node_modules');
    expect(df).toMatch(/CMD \["node","lib\/index.js"\]\n$/);
    const entry = out['.projen/docker-images.json'].images.find((i: { service: string }) => i.service === 'notifier');
    expect(entry.port).toBeUndefined();
  });

  test.each(['rates', 'tracking', 'notifier'])('services/%s/Dockerfile passes hadolint with no finding', (svc) => {
    const dir = tempOutdir();
    writeFileSync(path.join(dir, 'Dockerfile'), out[`services/${svc}/Dockerfile`]);
    const r = linter('hadolint', ['--no-color', 'Dockerfile'], { cwd: dir });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('new kinds: options', () => {
  test('a node-worker without healthCommand says HEALTHCHECK NONE, with a comment, and its facts say so', () => {
    const p = parcel();
    const image = p.images.addService(p.service('notifier'), { kind: ImageKind.NODE_WORKER, entrypoint: 'lib/index.js', sizeBudget: '200MB' });
    const df: string = synth(p.root)['services/notifier/Dockerfile'];
    expect(df).toContain('# A worker: no EXPOSE, and no health check (no healthCommand): its orchestrator sees it only as running or exited.\nHEALTHCHECK NONE\n');
    expect(image.kind.facts(image.kindOptions)).toEqual({ user: 'node', uid: '1000:1000', noHealthCheck: true });
  });

  test('go-service: packagePath, binary and healthCommand reach the build and the health check', () => {
    const p = parcel();
    p.images.addService(p.service('tracking'), {
      kind: ImageKind.GO_SERVICE, port: 9000, packagePath: './cmd/trackd', binary: 'trackd', healthCommand: ['-health', '-addr=127.0.0.1:9000'], sizeBudget: '30MB',
    });
    const df: string = synth(p.root)['services/tracking/Dockerfile'];
    expect(df).toContain('-o /out/trackd ./cmd/trackd\n');
    expect(df).toContain('CMD ["/usr/local/bin/trackd","-health","-addr=127.0.0.1:9000"]');
  });

  test('the build arguments override each base: another name declared by the project, per role', () => {
    const p = parcel();
    p.images.addBaseImage('golang', { repository: 'golang', tag: '1.25-bookworm', buildArg: 'GO_IMAGE' });
    p.images.addService(p.service('tracking'), { kind: ImageKind.GO_SERVICE, port: 8080, sizeBudget: '30MB' });
    const df: string = synth(p.root)['services/tracking/Dockerfile'];
    expect(df).toContain('FROM golang:1.25-bookworm AS golang-base\n');
    expect(df).toContain(`FROM gcr.io/distroless/static-debian12:nonroot@${D('2')} AS distroless-base\n`);
  });

  test.each<[string, (p: ReturnType<typeof parcel>) => unknown, string]>([
    ['python without module', (p) => p.images.addService(p.service('rates'), { kind: ImageKind.PYTHON_SERVICE, port: 8080, healthPath: '/h', sizeBudget: '1MB' } as never),
      'DockerImages: module of rates is missing: a python-service image runs `python -m <module>`'],
    ['python module with a shell character', (p) => p.images.addService(p.service('rates'), { kind: ImageKind.PYTHON_SERVICE, port: 8080, healthPath: '/h', module: 'app;rm', sizeBudget: '1MB' }),
      'DockerImages: module of rates "app;rm" is not allowed'],
    ['go packagePath outside the module', (p) => p.images.addService(p.service('tracking'), { kind: ImageKind.GO_SERVICE, port: 8080, packagePath: '../x', sizeBudget: '1MB' }),
      'DockerImages: packagePath of tracking "../x" is not allowed'],
    ['go healthCommand in shell form', (p) => p.images.addService(p.service('tracking'), { kind: ImageKind.GO_SERVICE, port: 8080, healthCommand: ['health check; rm'], sizeBudget: '1MB' }),
      'DockerImages: healthCommand of tracking'],
    ['a port on a worker', (p) => p.images.addService(p.service('notifier'), { kind: ImageKind.NODE_WORKER, port: 8080, sizeBudget: '1MB' } as never),
      'DockerImages: option "port" of notifier does not apply to a node-worker image.'],
  ])('%s: a ConfigError naming it', (_n, bad, message) => {
    expect(() => bad(parcel())).toThrow(message);
  });
});

describe('node kinds: the service\'s package manager and entry point', () => {
  function nodeService(options: Partial<javascript.NodeProjectOptions> = {}) {
    const p = parcel();
    const svc = new javascript.NodeProject({
      name: 'api', parent: p.root, outdir: 'services/api', defaultReleaseBranch: 'trunk', projenrcJson: false, github: false, jest: false, ...options,
    } as javascript.NodeProjectOptions);
    return { ...p, svc };
  }

  test('the entry point is the package.json main of the NodeProject (projen\'s default lib/index.js), not lib/server.js', () => {
    const p = nodeService();
    p.images.addService(p.svc, { kind: ImageKind.NODE_SERVICE, port: 3000, healthPath: '/health', sizeBudget: '200MB' });
    expect(synth(p.root)['services/api/Dockerfile']).toMatch(/CMD \["node","lib\/index.js"\]\n$/);
  });

  test('a main set after addService() counts; the entrypoint option overrides it', () => {
    const p = nodeService();
    p.images.addService(p.svc, { kind: ImageKind.NODE_SERVICE, port: 3000, healthPath: '/health', sizeBudget: '200MB' });
    p.svc.package.addField('main', 'lib/main.js');
    expect(synth(p.root)['services/api/Dockerfile']).toMatch(/CMD \["node","lib\/main.js"\]\n$/);
    const q = nodeService();
    q.images.addService(q.svc, { kind: ImageKind.NODE_SERVICE, port: 3000, healthPath: '/health', sizeBudget: '200MB', entrypoint: 'dist/server.js' });
    expect(synth(q.root)['services/api/Dockerfile']).toMatch(/CMD \["node","dist\/server.js"\]\n$/);
  });

  test('a NodeProject without main is a ConfigError saying to set one', () => {
    const p = nodeService({ entrypoint: '' });
    p.images.addService(p.svc, { kind: ImageKind.NODE_SERVICE, port: 3000, healthPath: '/health', sizeBudget: '200MB' });
    expect(() => synth(p.root)).toThrow('DockerImages: entrypoint of api is missing: its package.json has no "main" to run; set "main" in its package.json');
  });

  test('a project that is not a NodeProject: the main of the package.json in its folder', () => {
    const p = parcel();
    mkdirSync(path.join(p.outdir, 'services', 'api'), { recursive: true });
    writeFileSync(path.join(p.outdir, 'services', 'api', 'package.json'), JSON.stringify({ main: './lib/app.js' }));
    p.images.addService(p.service('api'), { kind: ImageKind.NODE_SERVICE, port: 3000, healthPath: '/health', sizeBudget: '200MB' });
    expect(synth(p.root)['services/api/Dockerfile']).toMatch(/CMD \["node","lib\/app.js"\]\n$/);
  });

  test.each<[string, javascript.NodePackageManager, string, string[], string]>([
    ['npm', javascript.NodePackageManager.NPM, 'package-lock.json', ['npm ci --no-audit --no-fund'], 'npm ci --no-audit --no-fund --omit=dev --ignore-scripts'],
    ['pnpm', javascript.NodePackageManager.PNPM, 'pnpm-lock.yaml', ['corepack enable', 'pnpm install --frozen-lockfile'], 'pnpm install --frozen-lockfile --prod --ignore-scripts'],
    ['yarn classic', javascript.NodePackageManager.YARN_CLASSIC, 'yarn.lock', ['yarn install --frozen-lockfile --non-interactive'], 'yarn install --frozen-lockfile --non-interactive --production --ignore-scripts'],
    ['yarn berry', javascript.NodePackageManager.YARN_BERRY, 'yarn.lock', ['corepack enable', 'yarn install --immutable'], 'YARN_ENABLE_SCRIPTS=false yarn workspaces focus --all --production'],
  ])('%s: its lock file in the context and the COPY, its install commands', (_n, packageManager, lockFile, install, production) => {
    const p = nodeService({ packageManager });
    p.images.addService(p.svc, { kind: ImageKind.NODE_SERVICE, port: 3000, healthPath: '/health', sizeBudget: '200MB' });
    const out = synth(p.root);
    const df: string = out['services/api/Dockerfile'];
    expect(df).toContain(`COPY package.json ${lockFile}${packageManager === javascript.NodePackageManager.YARN_BERRY ? ' .yarnrc.yml' : ''} ./\n`);
    expect(df).toContain(`\n    ${install.join(' \\\n    && ')}\n`);
    expect(df).toContain(`\n    ${[...install.slice(0, -1), production].join(' \\\n    && ')} \\\n    && find node_modules`);
    expect(out['services/api/.dockerignore']).toContain(`!package.json\n!${lockFile}\n`);
  });

  test('bun: a ConfigError naming the manager and the supported ones', () => {
    const p = nodeService({ packageManager: javascript.NodePackageManager.BUN });
    expect(() => p.images.addService(p.svc, { kind: ImageKind.NODE_SERVICE, port: 3000, healthPath: '/health', sizeBudget: '200MB' }))
      .toThrow('DockerImages: package manager of api "bun" is not supported by its image: use one of npm, pnpm, yarn_classic, yarn_berry');
  });

  test('compiler esbuild: each source file transpiled to lib/, esbuild added to the NodeProject', () => {
    const p = nodeService();
    p.images.addService(p.svc, { kind: ImageKind.NODE_SERVICE, port: 3000, healthPath: '/health', sizeBudget: '200MB', compiler: 'esbuild' });
    const out = synth(p.root);
    expect(out['services/api/Dockerfile']).toContain(
      "RUN find src -name '*.ts' ! -name '*.d.ts' ! -name '*.test.ts' ! -name '*.spec.ts' -exec node_modules/.bin/esbuild --outdir=lib --outbase=src --platform=node --format=cjs --log-level=warning {} +\n");
    expect(out['services/api/Dockerfile']).not.toContain('tsc --build');
    expect(out['services/api/package.json'].devDependencies).toHaveProperty('esbuild');
  });

  test('compiler esbuild: ES modules when package.json says "type": "module"', () => {
    const p = nodeService();
    p.svc.package.addField('type', 'module');
    p.images.addService(p.svc, { kind: ImageKind.NODE_SERVICE, port: 3000, healthPath: '/health', sizeBudget: '200MB', compiler: 'esbuild' });
    expect(synth(p.root)['services/api/Dockerfile']).toContain('--format=esm');
  });

  test('compiler esbuild for a folder whose package.json lacks it: a ConfigError saying to add it', () => {
    const p = parcel();
    const dir = path.join(p.root.outdir, 'services', 'orders');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'orders', main: 'lib/index.js', devDependencies: { typescript: '5' } }));
    const svc = new Project({ name: 'orders', parent: p.root, outdir: 'services/orders' });
    expect(() => p.images.addService(svc, { kind: ImageKind.NODE_SERVICE, port: 8080, healthPath: '/healthz', sizeBudget: '200MB', compiler: 'esbuild' })).toThrow(
      'DockerImages: compiler of orders is esbuild, which services/orders/package.json does not list: add esbuild to its devDependencies, or use compiler \'tsc\'.');
  });

  describe('installScripts: the production install runs install scripts only when asked or when the npm lock says a production package has one', () => {
    const lock = (packages: Record<string, object>) => JSON.stringify({ name: 'api', lockfileVersion: 3, packages: { '': { name: 'api' }, ...packages } });
    const render = (lockText: string | undefined, options: { installScripts?: boolean } = {}) => {
      const p = nodeService({ packageManager: javascript.NodePackageManager.NPM });
      if (lockText) {
        mkdirSync(p.svc.outdir, { recursive: true });
        writeFileSync(path.join(p.svc.outdir, 'package-lock.json'), lockText);
      }
      p.images.addService(p.svc, { kind: ImageKind.NODE_SERVICE, port: 3000, healthPath: '/health', sizeBudget: '200MB', ...options });
      const df: string = synth(p.root)['services/api/Dockerfile'];
      return df.slice(df.indexOf('AS prod-deps'));
    };

    test('no production package with a script: --ignore-scripts', () => {
      expect(render(lock({ 'node_modules/esbuild': { hasInstallScript: true, dev: true }, 'node_modules/fastify': {} }))).toContain('npm ci --no-audit --no-fund --omit=dev --ignore-scripts');
    });

    test('a production native addon (nested too): its scripts run', () => {
      const out = render(lock({ 'node_modules/a/node_modules/better-sqlite3': { hasInstallScript: true } }));
      expect(out).toContain('npm ci --no-audit --no-fund --omit=dev \\\n');
      expect(out).not.toContain('--ignore-scripts');
    });

    test('the option wins over the lock file', () => {
      expect(render(lock({ 'node_modules/better-sqlite3': { hasInstallScript: true } }), { installScripts: false })).toContain('--ignore-scripts');
      expect(render(undefined, { installScripts: true })).not.toContain('--ignore-scripts');
    });

    test('a value that is not a boolean: a ConfigError', () => {
      expect(() => render(undefined, { installScripts: 'yes' as never })).toThrow('DockerImages: installScripts of api "yes" is not allowed: true or false.');
    });
  });

  test.each([
    [['index.ts', 'data/rates.json', 'ui/view.tsx'], 'DockerImages: compiler of api is esbuild, which transpiles only the .ts files of src/, but it also holds '
      + 'src/data/rates.json, src/ui/view.tsx: use compiler \'tsc\', or move them out of src/.'],
    [['index.test.ts', 'types.d.ts'], 'DockerImages: compiler of api is esbuild, but src/ has no .ts file to transpile (tests and declarations aside).'],
  ])('compiler esbuild with src/ holding %j: a ConfigError', (files, message) => {
    const p = nodeService();
    for (const f of files) {
      mkdirSync(path.dirname(path.join(p.svc.outdir, 'src', f)), { recursive: true });
      writeFileSync(path.join(p.svc.outdir, 'src', f), 'export {};\n');
    }
    expect(() => p.images.addService(p.svc, { kind: ImageKind.NODE_SERVICE, port: 3000, healthPath: '/health', sizeBudget: '200MB', compiler: 'esbuild' })).toThrow(message);
  });

  test('an unknown compiler: a ConfigError listing tsc and esbuild', () => {
    const p = nodeService();
    expect(() => p.images.addService(p.svc, { kind: ImageKind.NODE_SERVICE, port: 3000, healthPath: '/health', sizeBudget: '200MB', compiler: 'swc' as never }))
      .toThrow('DockerImages: compiler of api "swc" is not allowed: one of tsc, esbuild.');
  });
});

describe('go-service: the build context\'s allow-list covers every package of the module', () => {
  function module(files: string[]) {
    const p = parcel();
    const svc = p.service('tracking');
    for (const f of ['go.mod', ...files]) {
      mkdirSync(path.dirname(path.join(svc.outdir, f)), { recursive: true });
      writeFileSync(path.join(svc.outdir, f), f === 'go.mod' ? 'module example.com/tracking\n\ngo 1.26\n' : 'package x\n');
    }
    return { ...p, svc };
  }
  const go = { kind: ImageKind.GO_SERVICE, port: 8080, healthPath: '/healthz', sizeBudget: '30MB' } as const;

  test('a package in a folder the image does not copy: a ConfigError naming it and the fix', () => {
    const p = module(['main.go', 'internal/store/store.go', 'server/handler.go', 'server/handler_test.go', 'testdata/x.go', '.git/x.go', 'docs/README.md']);
    expect(() => p.images.addService(p.svc, go)).toThrow(
      'DockerImages: tracking has Go packages outside the folders its image copies (the module root\'s *.go files and cmd, internal, pkg): server. '
      + 'The build would not find them: add server to sourceDirs.');
  });

  test('another module (its own go.mod), an ignore-tagged generator and a folder in extraAllow are not the module\'s missing packages', () => {
    const p = module(['main.go', 'tools/go.mod', 'tools/tools.go', 'scripts/gen.go', 'assets/embed.go']);
    writeFileSync(path.join(p.svc.outdir, 'scripts', 'gen.go'), '// Generates the tables.\n\n//go:build ignore\n\npackage main\n');
    p.images.addService(p.svc, { ...go, extraAllow: ['assets/'] });
    expect(synth(p.root)['services/tracking/.dockerignore']).toContain('\n!assets\n');
  });

  test('the same module with server in sourceDirs builds from it', () => {
    const p = module(['main.go', 'server/api/handler.go']);
    p.images.addService(p.svc, { ...go, sourceDirs: ['server'] });
    expect(synth(p.root)['services/tracking/.dockerignore']).toContain('!server\n');
  });

  test('a main package outside the allow-list: a ConfigError', () => {
    const p = module(['main.go']);
    expect(() => p.images.addService(p.svc, { ...go, packagePath: './tools/gen' })).toThrow(
      'DockerImages: packagePath of tracking "./tools/gen" is outside the folders its image copies (the module root\'s *.go files and cmd, internal, pkg): add tools to sourceDirs.');
  });
});

describe('service identity: the name option', () => {
  const worker = { kind: ImageKind.NODE_WORKER, entrypoint: 'lib/index.js', sizeBudget: '100MB' } as const;

  test('two folders of one name (services/api, admin/api): a ConfigError saying to set name', () => {
    const p = parcel();
    p.images.addService(new Project({ name: 'a', parent: p.root, outdir: 'services/api' }), worker);
    expect(() => p.images.addService(new Project({ name: 'b', parent: p.root, outdir: 'admin/api' }), worker)).toThrow(
      'DockerImages.addService: admin/api/ (api, parcel/api) clashes with services/api/ (api, parcel/api) on the service name api: '
      + 'a service is named after its folder unless its name option says otherwise; give one of them a name of its own, such as { name: \'admin-api\' } (or another imageName).');
  });

  test('name sets the service id and the image name, at any folder depth', () => {
    const p = parcel();
    p.images.addService(new Project({ name: 'a', parent: p.root, outdir: 'services/api' }), worker);
    p.images.addService(new Project({ name: 'b', parent: p.root, outdir: 'admin/tools/api' }), { ...worker, name: 'admin-api' });
    const images = synth(p.root)['.projen/docker-images.json'].images;
    type Entry = { service: string; image: string; context: string; dockerfile: string };
    expect(images.map((i: Entry) => [i.service, i.image, i.context, i.dockerfile])).toEqual([
      ['api', 'parcel/api', 'services/api', 'services/api/Dockerfile'],
      ['admin-api', 'parcel/admin-api', 'admin/tools/api', 'admin/tools/api/Dockerfile'],
    ]);
  });

  test('the root project itself, named: context ".", its Dockerfile and .dockerignore at the root', () => {
    const p = parcel();
    p.images.addService(p.root, { ...worker, name: 'app' });
    const out = synth(p.root);
    expect(out['.projen/docker-images.json'].images[0]).toMatchObject({ service: 'app', image: 'parcel/app', context: '.', dockerfile: 'Dockerfile' });
    expect(out.Dockerfile).toContain('# Image parcel/app (node-worker).');
    expect(out['.dockerignore']).toContain('*\n!package.json\n');
    expect(p.images.baseImageUsage()).toEqual([{ repository: 'node' }]);
  });

  test('the root project without a name, or a name not in kebab-case: a ConfigError', () => {
    const p = parcel();
    expect(() => p.images.addService(p.root, worker))
      .toThrow('DockerImages.addService: name of the root project parcel is missing');
    expect(() => p.images.addService(p.service('x'), { ...worker, name: 'Admin API' })).toThrow('DockerImages: name of services/x "Admin API" is not allowed');
  });
});
