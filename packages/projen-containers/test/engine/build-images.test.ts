/** The build engine of build:docker: the services chosen, the tag script, `docker build`'s arguments, its table, the build context. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { copyContext } from '../../src/engine/build-context';
import { buildArgs, contextBytesFromLog, renderTable } from '../../src/engine/image-build';
import { selectServices } from '../../src/engine/services';
import { tagScriptOf } from '../../src/engine/tag-script';
import { readImagesManifest } from '../../src/lib/images-manifest';
import { parseDockerSize } from '../../src/lib/sizes';
import { tempOutdir, REPO_ROOT as ROOT } from '../fixtures';

describe('build:docker', () => {
  const manifest = readImagesManifest(ROOT);

  test('selects all services, or the ones named, and refuses unknown ones', () => {
    expect(selectServices(manifest, []).map((e) => e.service)).toEqual(['api', 'web', 'playwright-runner']);
    expect(selectServices(manifest, ['web']).map((e) => e.service)).toEqual(['web']);
    expect(() => selectServices(manifest, ['wbe'])).toThrow('Unknown service wbe: choose from api, web, playwright-runner.');
  });

  test('tags with the tag script the manifest names, the one DockerImages was given', () => {
    expect(tagScriptOf(manifest)).toBe('scripts/image-tags.mjs');
    expect(() => tagScriptOf({ ...manifest, tagScript: undefined })).toThrow('.projen/docker-images.json names no image tag script: give DockerImages its tagScript in .projenrc.ts');
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

  test('builds another Dockerfile on the same context when asked (the benchmark\'s references)', () => {
    const [api] = selectServices(manifest, ['api']);
    const args = buildArgs(api, { refs: ['x:y'], version: 'v', labels: {}, env: {}, root: ROOT, dockerfile: 'bench/api/naive.Dockerfile' });
    expect(args.slice(args.indexOf('-f'), args.indexOf('-f') + 2)).toEqual(['-f', path.join(ROOT, 'bench/api/naive.Dockerfile')]);
    expect(buildArgs(api, { refs: ['x:y'], version: 'v', labels: {}, env: {}, root: ROOT, dockerfile: '/abs/Dockerfile' })).toContain('/abs/Dockerfile');
  });

  test('reads the build context size from BuildKit\'s log, not the .dockerignore transfer', () => {
    // Lines as Docker 20.10's BuildKit prints them with --progress=plain.
    const log = [
      '#2 [internal] load .dockerignore',
      '#2 transferring context: 1.30kB done',
      '#8 [internal] load build context',
      '#8 transferring context: 32.77kB 0.1s',
      '#8 transferring context: 167.79kB 0.2s done',
      '#12 [deps 4/4] RUN npm ci',
    ];
    expect(contextBytesFromLog(log)).toBe(167790);
    expect(contextBytesFromLog(log.slice(0, 2))).toBe(1300);
    expect(contextBytesFromLog(['#1 [internal] load build definition from Dockerfile'])).toBeUndefined();
    expect([parseDockerSize('2B'), parseDockerSize('1.5 GB'), parseDockerSize('12.3MB'), parseDockerSize('lots')]).toEqual([2, 1.5e9, 12.3e6, undefined]);
  });

  test('a copied context holds the files of a clone, uncommitted ones included, and nothing .gitignore leaves out', () => {
    const root = tempOutdir();
    try {
      const svc = path.join(root, 'svc');
      for (const d of ['src', 'node_modules/dep', 'lib']) mkdirSync(path.join(svc, d), { recursive: true });
      writeFileSync(path.join(root, '.gitignore'), 'node_modules/\n/svc/lib\n*.tsbuildinfo\n');
      writeFileSync(path.join(svc, 'package.json'), '{}');
      writeFileSync(path.join(svc, 'src', 'index.ts'), 'export {};');
      writeFileSync(path.join(svc, 'node_modules', 'dep', 'index.js'), '');
      writeFileSync(path.join(svc, 'lib', 'index.js'), '');
      writeFileSync(path.join(svc, 'tsconfig.tsbuildinfo'), '{}');
      const git = (...a: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...a], { cwd: root });
      git('init', '-q');
      git('add', '.');
      git('commit', '-qm', 'init');
      writeFileSync(path.join(svc, 'src', 'new.ts'), 'export {};'); // not committed yet
      const dir = copyContext({ ...manifest.images[0], service: 'svc', context: 'svc' }, root);
      try {
        expect(readdirSync(dir, { recursive: true }).map(String).sort()).toEqual(['package.json', 'src', 'src/index.ts', 'src/new.ts']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
