import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DockerfileError, DockerfileModel } from '../../src/docker/dockerfile-model';
import { linter } from '../fixtures';

function valid(): DockerfileModel {
  const m = new DockerfileModel({ header: ['generated'] });
  m.addGlobalArg('BASE', 'node:24-alpine@sha256:' + 'b'.repeat(64));
  m.addStage('deps', { from: '${BASE}', comment: 'Install.' })
    .workdir('/app')
    .copy(['package.json', 'package-lock.json'], './')
    .run('npm ci', [{ type: 'cache', id: 'npm', target: '/root/.npm', sharing: 'locked' }]);
  m.addStage('runtime', { from: '${BASE}' })
    .workdir('/app')
    .env({ NODE_ENV: 'production', GREETING: 'hello world' })
    .copy('/app/node_modules', './node_modules', { from: 'deps', chown: 'node:node' })
    .user('node')
    .expose(3000)
    .healthcheck({ command: ['node', 'health.js'], interval: '5s' })
    .cmd(['node', 'server.js']);
  return m;
}

describe('DockerfileModel', () => {
  test('renders a deterministic multi-stage Dockerfile', () => {
    const text = valid().render();
    expect(text).toMatchSnapshot();
    expect(valid().render()).toBe(text);
  });

  test('renders cache mounts, exec-form CMD and HEALTHCHECK, quoted ENV values', () => {
    const text = valid().render();
    expect(text).toContain('RUN --mount=type=cache,id=npm,target=/root/.npm,sharing=locked \\\n    npm ci');
    expect(text).toContain('CMD ["node","server.js"]');
    expect(text).toContain('HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=3 \\\n    CMD ["node","health.js"]');
    expect(text).toContain('GREETING="hello world"');
    expect(text).toContain('COPY --from=deps --chown=node:node /app/node_modules ./node_modules');
    expect(text).not.toMatch(/^# syntax=/m);
  });

  const cases: [string, (m: DockerfileModel) => void, string][] = [
    ['a COPY from a stage that does not exist', (m) => m.stage('runtime')!.copy('/x', './', { from: 'builder' }),
      'stage "runtime": COPY --from=builder names no earlier stage (earlier stages: deps).'],
    ['a COPY from a later stage', (m) => m.stage('deps')!.copy('/x', './', { from: 'runtime' }),
      'stage "deps": COPY --from=runtime names no earlier stage (earlier stages: none).'],
    ['a relative WORKDIR', (m) => m.stage('runtime')!.workdir('app'),
      'stage "runtime": WORKDIR "app" is relative; use an absolute path such as /app.'],
    ['a shell-form CMD', (m) => m.stage('runtime')!.cmd(['node server.js']),
      'stage "runtime": CMD ["node server.js"] looks like shell form'],
    ['an empty ENTRYPOINT', (m) => m.stage('runtime')!.entrypoint([]),
      'stage "runtime": ENTRYPOINT needs a command in exec form'],
    ['a shell-form HEALTHCHECK', (m) => m.stage('runtime')!.healthcheck({ command: ['curl -f localhost'] }),
      'stage "runtime": HEALTHCHECK needs a command in exec form'],
    ['a final stage running as root', (m) => m.stage('runtime')!.user('root'),
      'The final stage "runtime" runs as root: add a USER instruction with a non-root user'],
    ['a final stage running as uid 0', (m) => m.stage('runtime')!.user('0:0'),
      'The final stage "runtime" runs as root'],
    ['FROM an undeclared build argument', (m) => m.addStage('extra', { from: '${OTHER}' }).user('node'),
      'stage "extra" starts FROM ${OTHER}, which is not declared'],
    ['FROM an unknown stage', (m) => m.addStage('extra', { from: 'bulder' }).user('node'),
      'stage "extra" starts FROM "bulder", which is neither an earlier stage (deps, runtime) nor an image reference'],
    ['a duplicate stage', (m) => m.addStage('deps', { from: '${BASE}' }).user('node'),
      'Stage "deps" is defined twice'],
    ['an invalid stage name', (m) => m.addStage('Build', { from: '${BASE}' }).user('node'),
      'Invalid stage name "Build"'],
    ['a relative cache mount', (m) => m.stage('deps')!.run('npm ci', [{ type: 'cache', target: '.npm' }]),
      'RUN --mount target ".npm" must be an absolute path'],
    ['an out-of-range EXPOSE', (m) => m.stage('runtime')!.expose(70000),
      'EXPOSE 70000 is not a port'],
  ];

  test.each(cases)('rejects %s with a clear error', (_name, breakIt, message) => {
    const m = valid();
    breakIt(m);
    expect(() => m.render()).toThrow(DockerfileError);
    expect(() => m.render()).toThrow(message);
  });

  describe('a base image as a literal stage that a build argument replaces', () => {
    const DIGEST = 'sha256:' + 'c'.repeat(64);
    function withBase(): DockerfileModel {
      const m = new DockerfileModel();
      m.addBaseImage({ arg: 'NODE_IMAGE', image: `node:24-alpine@${DIGEST}`, stage: 'node-base', comment: 'Official Node.js image.' });
      m.addStage('runtime', { from: '${NODE_IMAGE}' }).user('node').cmd(['node', 'server.js']);
      return m;
    }

    test('renders the argument, defaulting to the literal stage, before every FROM', () => {
      expect(withBase().render()).toBe([
        '# Official Node.js image.',
        'ARG NODE_IMAGE=node-base',
        `FROM node:24-alpine@${DIGEST} AS node-base`,
        '',
        'FROM ${NODE_IMAGE} AS runtime',
        'USER node',
        'CMD ["node","server.js"]',
        '',
      ].join('\n'));
    });

    test('with two bases, both arguments come before the first FROM (else they would belong to a stage)', () => {
      const m = withBase();
      m.addBaseImage({ arg: 'PW_IMAGE', image: 'mcr.microsoft.com/playwright:v1.65.1-noble', stage: 'pw-base' });
      const lines = m.render().split('\n');
      const firstFrom = lines.findIndex((l) => l.startsWith('FROM '));
      expect(lines.indexOf('ARG PW_IMAGE=pw-base')).toBeLessThan(firstFrom);
      expect(lines.slice(firstFrom, firstFrom + 2)).toEqual([`FROM node:24-alpine@${DIGEST} AS node-base`, 'FROM mcr.microsoft.com/playwright:v1.65.1-noble AS pw-base']);
    });

    test.each([
      ['a variable as the image', { arg: 'X_IMAGE', image: '${OTHER}', stage: 'x-base' }, 'must be a literal image reference with a tag or digest'],
      ['an image without tag or digest', { arg: 'X_IMAGE', image: 'node', stage: 'x-base' }, 'must be a literal image reference'],
      ['a stage name clash', { arg: 'X_IMAGE', image: 'node:24', stage: 'node-base' }, 'Stage "node-base" is defined twice'],
      ['an argument declared twice', { arg: 'NODE_IMAGE', image: 'node:24', stage: 'x-base' }, 'Build argument NODE_IMAGE is declared twice'],
    ])('rejects %s', (_name, base, message) => {
      const m = withBase();
      m.addBaseImage(base);
      expect(() => m.render()).toThrow(message);
    });
  });

  test('allows root when asked to', () => {
    const m = new DockerfileModel({ requireNonRootUser: false });
    m.addStage('tool', { from: 'alpine:3.22' }).cmd(['true']);
    expect(m.render()).toBe('FROM alpine:3.22 AS tool\nCMD ["true"]\n');
  });
});

describe('generated Dockerfiles', () => {
  test.each(['api', 'web', 'playwright-runner'])('%s/Dockerfile passes hadolint with no finding', (service) => {
    const r = linter('hadolint', ['--no-color', `${service}/Dockerfile`], { cwd: path.join(__dirname, '..', '..', '..', '..') });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  test.each(['api', 'web', 'playwright-runner'])('%s/Dockerfile has no "# syntax=" line and no newer-than-20.10 syntax', (service) => {
    const text = readFileSync(path.join(__dirname, '..', '..', '..', '..', service, 'Dockerfile'), 'utf8');
    expect(text).not.toMatch(/^#\s*syntax=/m);
    expect(text).not.toMatch(/COPY --(link|parents|chmod)|<<\w+/);
  });
});
