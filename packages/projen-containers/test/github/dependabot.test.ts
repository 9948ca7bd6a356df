/**
 * dependabot.yml (cooldowns, the versioning strategy and ignore rules that let @playwright/test move
 * and the Playwright image follow it) and the whole path of a Dependabot bump of @playwright/test
 * through the dependabot-sync steps (sync-pins, synth, update-base-images --missing) in a
 * temporary project, ending with package.json, lockfile, Dockerfile and base-image lock agreeing.
 */
import { once } from 'node:events';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { javascript, Project, Testing } from 'projen';
import { parse } from 'yaml';
import { pinnedDependency } from '../../src/dependency-pins';
import { DockerImages } from '../../src/docker/docker-images';
import { ImageKind } from '../../src/docker/kinds';
import { syncPins } from '../../src/engine/sync-pins';
import { updateBaseImages } from '../../src/engine/update-base-images';
import { DependabotConfig, DependabotConfigOptions, dockerDependencyName, updatesOutsideRange } from '../../src/github/dependabot-config';
import { ConfigError } from '../../src/validate';
import { linter, REPO_ROOT, tempOutdir } from '../fixtures';

const D = (c: string) => `sha256:${c.repeat(64)}`;
const MAJOR = 'version-update:semver-major';
const MINOR = 'version-update:semver-minor';
const PATCH = 'version-update:semver-patch';

function zizmor(dir: string, paths: string[]) {
  return linter('zizmor', ['--offline', '--min-severity', 'low', '--format', 'plain', ...paths], { cwd: dir });
}

describe('DependabotConfig', () => {
  test('ranges: what lockfile-only would never propose', () => {
    expect(updatesOutsideRange('^24')).toEqual([MAJOR]);
    expect(updatesOutsideRange('^5.12.8')).toEqual([MAJOR]);
    expect(updatesOutsideRange('^0.28.2')).toEqual([MAJOR, MINOR]);
    expect(updatesOutsideRange('~6.0.3')).toEqual([MAJOR, MINOR]);
    expect(updatesOutsideRange('1.65.1')).toEqual([MAJOR, MINOR, PATCH]);
    expect(updatesOutsideRange('>=1 <3')).toEqual([MAJOR, MINOR, PATCH]);
    expect(updatesOutsideRange('*')).toEqual([]);
  });

  test("Dependabot's docker names drop the registry", () => {
    expect(dockerDependencyName('mcr.microsoft.com/playwright')).toBe('playwright');
    expect(dockerDependencyName('localhost:5000/a/b')).toBe('a/b');
    expect(dockerDependencyName('node')).toBe('node');
    expect(dockerDependencyName('bitnami/node')).toBe('bitnami/node');
  });

  test('a cooldown outside 1..90 days fails synth', () => {
    expect(() => new DependabotConfig(new Project({ name: 'p', outdir: tempOutdir() }), { npmDirectories: () => [], dockerDirectories: () => [], cooldownDays: 0 }))
      .toThrow('DependabotConfig: cooldownDays 0 is not allowed: a whole number from 1 to 90.');
  });

  const dependabot = (o: Partial<DependabotConfigOptions>) => {
    const project = new Project({ name: 'p', outdir: tempOutdir() });
    new DependabotConfig(project, { npmDirectories: () => ['/'], dockerDirectories: () => ['/api'], ...o });
    return Testing.synth(project)['.github/dependabot.yml'] as string;
  };

  test.each([
    [{ interval: 'hourly' as never }, 'DependabotConfig: interval "hourly" is not allowed: one of daily, weekly, monthly, quarterly, semiannually, yearly, cron.'],
    [{ interval: 'cron' as const }, 'DependabotConfig: cronjob null is not allowed: set with interval "cron", and only then.'],
    [{ cronjob: '0 9 * * 1' }, 'DependabotConfig: cronjob "0 9 * * 1" is not allowed: set with interval "cron", and only then.'],
    [{ interval: 'cron' as const, cronjob: '61 25 * * *' }, 'DependabotConfig: cronjob "61 25 * * *" is not allowed: five cron fields'],
    [{ npmDirectories: () => ['../../etc'] }, 'DependabotConfig: npmDirectories "../../etc" is not allowed: a folder of the repository written from its root'],
    [{ npmDirectories: () => ['/api/../..'] }, 'DependabotConfig: npmDirectories "/api/../.." is not allowed'],
    [{ dockerDirectories: () => ['api'] }, 'DependabotConfig: dockerDirectories "api" is not allowed'],
    [{ dockerDirectories: () => ['/api/'] }, 'DependabotConfig: dockerDirectories "/api/" is not allowed'],
    [{ cooldownDays: 91 }, 'DependabotConfig: cooldownDays 91 is not allowed: a whole number from 1 to 90.'],
    [{ cooldownDays: 1.5 }, 'DependabotConfig: cooldownDays 1.5 is not allowed'],
    [{ baseImages: () => [{ repository: 'Node Image' }] }, 'DependabotConfig: baseImages.repository "Node Image" is not allowed'],
    [{ cooldown: 7 } as never, 'DependabotConfig: options.cooldown 7 is not allowed: not an option'],
  ] as [Partial<DependabotConfigOptions>, string][])('%j is a ConfigError before any file is written', (o, message) => {
    expect(() => dependabot(o)).toThrow(ConfigError);
    expect(() => dependabot(o)).toThrow(message);
  });

  test.each(['daily', 'weekly', 'monthly', 'quarterly', 'semiannually', 'yearly'] as const)('interval %s is written as given', (interval) => {
    expect(dependabot({ interval })).toContain(`interval: ${interval}`);
  });

  test('interval cron writes its cronjob', () => {
    expect(dependabot({ interval: 'cron', cronjob: '0 9 * * MON-FRI' })).toContain('interval: cron\n      cronjob: 0 9 * * MON-FRI');
  });

  const config = parse(readFileSync(path.join(REPO_ROOT, '.github', 'dependabot.yml'), 'utf8'));
  const entry = (ecosystem: string, directory?: string) => config.updates.find((u: any) => u['package-ecosystem'] === ecosystem && (!directory || u.directory === directory));

  test('every entry of the generated dependabot.yml has a cooldown of at least 7 days, and only keys its ecosystem takes', () => {
    expect(config.updates.length).toBeGreaterThanOrEqual(6);
    for (const u of config.updates) {
      expect(u.cooldown['default-days']).toBeGreaterThanOrEqual(7);
      // semver-*-days exist for npm only (docker and github-actions reject them, and the whole file with them).
      if (u['package-ecosystem'] !== 'npm') expect(Object.keys(u.cooldown)).toEqual(['default-days']);
    }
  });

  test('npm stays lockfile-only, except where a base image follows a package: there the package may move, nothing else beyond its range', () => {
    for (const d of ['/', '/api', '/web']) expect(entry('npm', d)['versioning-strategy']).toBe('lockfile-only');
    const runner = entry('npm', '/playwright-runner');
    expect(runner['versioning-strategy']).toBe('increase-if-necessary');
    const ignore = Object.fromEntries(runner.ignore.map((r: any) => [r['dependency-name'], r['update-types']]));
    // @playwright/test: minor and patch updates bump its exact version; a major is a decision.
    expect(ignore['@playwright/test']).toEqual([MAJOR]);
    // Every other dependency there keeps within its package.json range, as lockfile-only would.
    const pj = JSON.parse(readFileSync(path.join(REPO_ROOT, 'playwright-runner', 'package.json'), 'utf8'));
    for (const [name, range] of Object.entries({ ...pj.dependencies, ...pj.devDependencies }).filter(([n]) => n !== '@playwright/test')) {
      expect([name, ignore[name] ?? []]).toEqual([name, updatesOutsideRange(range as string)]);
    }
  });

  test('the docker updater covers every Dockerfile, never moves the Playwright tag (digests still move) nor a Node.js major', () => {
    const docker = entry('docker');
    const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, '.projen', 'docker-images.json'), 'utf8'));
    expect(docker.directories).toEqual(manifest.images.map((i: any) => `/${i.context}`));
    expect(docker.ignore).toEqual([
      { 'dependency-name': 'node', 'update-types': [MAJOR] },
      { 'dependency-name': 'playwright', 'update-types': [MAJOR, MINOR, PATCH] },
    ]);
  });

  test('zizmor finds nothing in dependabot.yml and the two pin workflows, and would flag a missing cooldown', () => {
    // (workflows.test.ts runs zizmor over every workflow.)
    const clean = zizmor(REPO_ROOT, ['.github/dependabot.yml', '.github/workflows/dependabot-sync.yml', '.github/workflows/update-base-images.yml']);
    expect(clean.stdout).toContain('No findings to report');
    expect(clean.status).toBe(0);
    const dir = mkdtempSync(path.join(tmpdir(), 'dependabot-'));
    mkdirSync(path.join(dir, '.github'));
    writeFileSync(path.join(dir, '.github', 'dependabot.yml'), readFileSync(path.join(REPO_ROOT, '.github', 'dependabot.yml'), 'utf8').replace(/^ {4}cooldown:\n {6}default-days: \d+\n/gm, ''));
    const flagged = zizmor(dir, ['.github']);
    expect(flagged.stdout).toContain('dependabot-cooldown');
    expect(flagged.status).not.toBe(0);
  });
});

describe('a Dependabot bump of @playwright/test ends as a consistent pull request', () => {
  let server: Server;
  let registry: string;
  const published: Record<string, string> = { '/v2/playwright/manifests/v1.66.0-noble': D('6') };
  beforeAll(async () => {
    server = createServer((req, res) => {
      const digest = published[req.url ?? ''];
      res.writeHead(digest ? 200 : 404, digest ? { 'docker-content-digest': digest } : {}).end();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    registry = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => server.close());

  /** What `npx projen` does with .projenrc.ts, in a temporary folder (no npm install). */
  function synth(root: string): void {
    const project = new Project({ name: 'root', outdir: root });
    const runner = new javascript.NodeProject({
      name: 'runner',
      parent: project,
      outdir: 'playwright-runner',
      defaultReleaseBranch: 'main',
      packageManager: javascript.NodePackageManager.NPM,
      jest: false,
      deps: [pinnedDependency(project, 'playwright-runner', '@playwright/test')],
    });
    const images = new DockerImages(project, { namespace: 'qa' })
      .addBaseImage('playwright', { repository: 'mcr.microsoft.com/playwright', tag: 'v{version}-noble', buildArg: 'PLAYWRIGHT_IMAGE', versionOf: '@playwright/test' });
    images.addService(runner, { kind: ImageKind.PLAYWRIGHT_RUNNER, sizeBudget: '2GB', runner: { targets: [{ name: 'web', urlEnv: 'BASE_URL', healthPath: '/' }] } });
    new DependabotConfig(project, { npmDirectories: () => images.contexts.map((c) => `/${c}`), dockerDirectories: () => images.contexts.map((c) => `/${c}`), baseImages: () => images.baseImageUsage() });
    const before = process.env.PROJEN_DISABLE_POST;
    process.env.PROJEN_DISABLE_POST = 'true';
    try {
      project.synth();
    } finally {
      if (before === undefined) delete process.env.PROJEN_DISABLE_POST;
      else process.env.PROJEN_DISABLE_POST = before;
    }
  }
  const read = (root: string, f: string) => readFileSync(path.join(root, f), 'utf8');
  const json = (root: string, f: string) => JSON.parse(read(root, f));
  /** Dependabot's npm update (increase-if-necessary): the exact version in package.json and the lockfile. */
  function dependabotBumps(root: string, version: string): void {
    const file = path.join(root, 'playwright-runner', 'package.json');
    const pj = JSON.parse(readFileSync(file, 'utf8'));
    pj.dependencies['@playwright/test'] = version;
    chmodSync(file, 0o644);
    writeFileSync(file, JSON.stringify(pj, null, 2) + '\n');
    writeFileSync(path.join(root, 'playwright-runner', 'package-lock.json'), JSON.stringify({ packages: { 'node_modules/@playwright/test': { version } } }));
  }

  test('package.json, lockfile, dependency-pins.json, the Dockerfile FROM line and base-images.lock.json agree afterwards', async () => {
    const root = tempOutdir();
    writeFileSync(path.join(root, 'dependency-pins.json'), JSON.stringify({ 'playwright-runner': { '@playwright/test': '1.65.1' } }));
    writeFileSync(path.join(root, 'base-images.lock.json'), JSON.stringify({ 'mcr.microsoft.com/playwright:v1.65.1-noble': { digest: D('5') } }));
    mkdirSync(path.join(root, 'playwright-runner'));
    writeFileSync(path.join(root, 'playwright-runner', 'package-lock.json'), JSON.stringify({ packages: { 'node_modules/@playwright/test': { version: '1.65.1' } } }));
    synth(root);
    expect(json(root, 'playwright-runner/package.json').dependencies['@playwright/test']).toBe('1.65.1');
    expect(read(root, 'playwright-runner/Dockerfile')).toContain(`FROM mcr.microsoft.com/playwright:v1.65.1-noble@${D('5')} AS playwright-base\n`);
    const dependabot = parse(read(root, '.github/dependabot.yml'));
    expect(dependabot.updates[0]).toMatchObject({ 'directory': '/playwright-runner', 'versioning-strategy': 'increase-if-necessary' });

    // Dependabot's pull request, then the dependabot-sync steps: sync-pins, npx projen, update-base-images --missing.
    dependabotBumps(root, '1.66.0');
    expect(syncPins(root)).toEqual({ changes: ['@playwright/test: 1.65.1 -> 1.66.0 (playwright-runner/package.json)'], problems: [] });
    synth(root);
    expect(read(root, 'playwright-runner/Dockerfile')).toContain('FROM mcr.microsoft.com/playwright:v1.66.0-noble AS playwright-base\n');
    const { changed } = await updateBaseImages({ root, missingOnly: true, env: { BASE_IMAGES_REGISTRY_URL: registry } });
    expect(changed).toEqual([`mcr.microsoft.com/playwright:v1.66.0-noble: unpinned -> ${D('6')}`]);
    synth(root);

    expect(json(root, 'dependency-pins.json')).toEqual({ 'playwright-runner': { '@playwright/test': '1.66.0' } });
    expect(json(root, 'playwright-runner/package.json').dependencies['@playwright/test']).toBe('1.66.0');
    expect(json(root, 'playwright-runner/package-lock.json').packages['node_modules/@playwright/test'].version).toBe('1.66.0');
    expect(read(root, 'playwright-runner/Dockerfile')).toContain(`FROM mcr.microsoft.com/playwright:v1.66.0-noble@${D('6')} AS playwright-base\n`);
    expect(Object.keys(json(root, 'base-images.lock.json'))).toEqual(['mcr.microsoft.com/playwright:v1.66.0-noble']);
    // Nothing left to move: a second run of the workflow pushes nothing.
    expect(syncPins(root)).toEqual({ changes: [], problems: [] });
  });

  test('when the new image is not published yet, update-base-images fails naming it (the job fails, nothing is pushed)', async () => {
    const root = tempOutdir();
    writeFileSync(path.join(root, 'dependency-pins.json'), JSON.stringify({ 'playwright-runner': { '@playwright/test': '1.65.1' } }));
    writeFileSync(path.join(root, 'base-images.lock.json'), JSON.stringify({ 'mcr.microsoft.com/playwright:v1.65.1-noble': { digest: D('5') } }));
    mkdirSync(path.join(root, 'playwright-runner'));
    writeFileSync(path.join(root, 'playwright-runner', 'package-lock.json'), JSON.stringify({ packages: { 'node_modules/@playwright/test': { version: '1.65.1' } } }));
    synth(root);
    dependabotBumps(root, '1.67.0');
    expect(syncPins(root).problems).toEqual([]);
    synth(root);
    await expect(updateBaseImages({ root, missingOnly: true, env: { BASE_IMAGES_REGISTRY_URL: registry } })).rejects.toThrow('mcr.microsoft.com/playwright:v1.67.0-noble: the registry answered 404');
  });
});
