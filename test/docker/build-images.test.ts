import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { buildArgs, loadManifest, renderTable, selectServices } from '../../projenrc/docker/build-images';

const ROOT = path.join(__dirname, '..', '..');
const TOOL = path.join(ROOT, 'projenrc', 'docker', 'build-images.ts');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

function runTool(args: string[], env: NodeJS.ProcessEnv) {
  return spawnSync(TSX, [TOOL, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
}

describe('build:docker', () => {
  const manifest = loadManifest(ROOT);

  test('selects all services, or the ones named, and refuses unknown ones', () => {
    expect(selectServices(manifest, []).map((e) => e.service)).toEqual(['api', 'web', 'playwright-runner']);
    expect(selectServices(manifest, ['web']).map((e) => e.service)).toEqual(['web']);
    expect(() => selectServices(manifest, ['wbe'])).toThrow('Unknown service wbe: choose from api, web, playwright-runner.');
  });

  test('passes base-image overrides, the network and extra arguments from the environment', () => {
    const [api] = selectServices(manifest, ['api']);
    const args = buildArgs(api, {
      refs: ['qualisys/api:abc1234'],
      version: '1.2.3',
      root: ROOT,
      labels: { 'org.opencontainers.image.revision': 'f'.repeat(40), 'org.opencontainers.image.created': '2026-01-23T14:30:22Z' },
      env: { NODE_IMAGE: 'stand-in/node:24', DOCKER_NETWORK: 'host', DOCKER_BUILD_ARGS: '--pull --build-arg X=1' },
    });
    expect(args.join(' ')).toContain('--build-arg NODE_IMAGE=stand-in/node:24');
    expect(args.join(' ')).toContain('--network host');
    expect(args.join(' ')).toContain('--build-arg VERSION=1.2.3');
    expect(args.join(' ')).toContain(`--build-arg REVISION=${'f'.repeat(40)}`);
    expect(args.slice(-4)).toEqual(['--pull', '--build-arg', 'X=1', path.join(ROOT, 'api')]);
    expect(buildArgs(api, { refs: ['x:y'], version: 'v', labels: {}, env: {}, root: ROOT }).join(' ')).not.toContain('NODE_IMAGE');
  });

  test('the table shows size, layers above the base, build time and the budget verdict', () => {
    const table = renderTable([
      { service: 'api', image: 'qualisys/api', refs: ['qualisys/api:abc1234', 'qualisys/api:dev'], ok: true, seconds: 12.34, sizeBytes: 180e6, baseBytes: 160e6, baseOverridden: false, budgetBytes: 200e6, withinBudget: true },
      { service: 'web', image: 'qualisys/web', refs: ['qualisys/web:dev'], ok: true, seconds: 50, sizeBytes: 350e6, baseBytes: 160e6, baseOverridden: false, budgetBytes: 300e6, withinBudget: false },
    ]);
    expect(table).toContain('| qualisys/api | abc1234, dev | 180.0 MB | 20.0 MB    | 12.3 s     | ok (200.0 MB)   |');
    expect(table).toContain('OVER (300.0 MB)');
  });

  test('without a Docker engine it says so and how to start one, with no stack trace', () => {
    const r = runTool(['api'], { DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('build:docker: No Docker engine is reachable at DOCKER_HOST=unix:///nonexistent/docker.sock.');
    expect(r.stderr).toContain('sudo systemctl start docker');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test('an unknown service or option is refused before anything is built', () => {
    const r = runTool(['--', 'nope'], { DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('build:docker: Unknown service nope: choose from api, web, playwright-runner.');
    const o = runTool(['--fast'], {});
    expect(o.status).toBe(2);
    expect(o.stderr).toContain('Unknown option --fast');
  });
});
