/**
 * The three images, built for real from contexts with planted secrets, then run: non-root users,
 * Docker's own HEALTHCHECK, endpoints, `docker stop` (also under load: a rollout), read-only root
 * filesystems, nothing planted inside (by path and by a secret scanner), sizes within budget, and
 * the playwright-runner image testing the other two. Needs a Docker engine (tools/setup-test-env.sh starts one where it can).
 */
import { once } from 'node:events';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  exportFilesystem, freePort, inspect, PLANTED, PLANTED_MARKERS, plantedContext,
  removeContainers, ROOT, runContainer, secretlint, stopAsync, stopTimed, trivySecrets, waitHealthy,
} from './harness';
import { assertEngine, dockerAsync, dockerOk } from '../../packages/projen-containers/src/engine/docker-cli';
import { buildImage, BuildResult } from '../../packages/projen-containers/src/engine/image-build';
import { selectServices } from '../../packages/projen-containers/src/engine/services';
import { readImagesManifest } from '../../packages/projen-containers/src/lib/images-manifest';
import { describeRollout, rollout, testRunsApi } from '../../packages/projen-containers/src/lib/load';

jest.setTimeout(20 * 60_000);

const manifest = readImagesManifest(ROOT);
const TAG = 'qualisys-test';
const ref = (service: string) => `${manifest.images.find((i) => i.service === service)!.image}:${TAG}`;
const builds: Record<string, BuildResult> = {};
const contexts: string[] = [];
const LABELS = {
  'org.opencontainers.image.revision': 'f'.repeat(40),
  'org.opencontainers.image.created': '2026-01-23T14:30:22Z',
  'org.opencontainers.image.source': 'https://github.com/acme/qualisys',
};

beforeAll(async () => {
  assertEngine();
  try {
    for (const entry of selectServices(manifest, [])) {
      const context = plantedContext(entry);
      contexts.push(context);
      builds[entry.service] = await buildImage(entry, { context, refs: [ref(entry.service)], labels: LABELS, version: '9.9.9-test' });
      if (!builds[entry.service].ok) throw new Error(`${entry.service} did not build; see the log above`);
    }
  } finally {
    // The planted files live only in these copies: remove them whatever happened.
    for (const c of contexts) rmSync(c, { recursive: true, force: true });
  }
});

afterEach(() => removeContainers());

describe.each(['api', 'web', 'playwright-runner'])('%s image', (service) => {
  test('runs as a non-root user', () => {
    const user = inspect(ref(service), '{{.Config.User}}');
    expect(user).not.toMatch(/^(|root|0)(:.*)?$/);
    const uid = dockerOk(['run', '--rm', '--network', 'host', '--entrypoint', 'node', ref(service), '-e', 'process.stdout.write(String(process.getuid()))']);
    expect(Number(uid)).toBeGreaterThan(0);
  });

  test('carries the OCI labels from the build arguments', () => {
    const labels = JSON.parse(inspect(ref(service), '{{json .Config.Labels}}'));
    expect(labels).toMatchObject({
      'org.opencontainers.image.title': service,
      'org.opencontainers.image.version': '9.9.9-test',
      'org.opencontainers.image.revision': 'f'.repeat(40),
      'org.opencontainers.image.created': '2026-01-23T14:30:22Z',
      'org.opencontainers.image.source': 'https://github.com/acme/qualisys',
    });
    expect(inspect(ref(service), '{{json .Config.Healthcheck}}')).toContain('"Test":["CMD"');
  });

  test('holds none of the files planted in its build context (by path, and by secretlint)', () => {
    const { dir, paths } = exportFilesystem(ref(service));
    try {
      const appPaths = paths.filter((p) => p.startsWith('app/'));
      expect(appPaths.length).toBeGreaterThan(0);
      const leaked = appPaths.filter((p) => PLANTED_MARKERS.some((m) => p.split('/').includes(m)) || /\.pem$/.test(p));
      expect(leaked).toEqual([]);
      expect(appPaths.filter((p) => /^app\/(test\/|coverage|\.projen|Dockerfile|\.dockerignore)/.test(p))).toEqual([]);
      expect(secretlint(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('passes Trivy\'s secret scan, as in CI', () => {
    expect(trivySecrets({ image: ref(service) })).toEqual([]);
  });

  test('is within its size budget', () => {
    const b = builds[service];
    expect(b.sizeBytes).toBeDefined();
    expect(b.withinBudget).toBe(true);
  });
});

test('secretlint and Trivy do find the planted secrets (the scans above can fail)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'planted-'));
  try {
    for (const [file, content] of Object.entries(PLANTED)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), content());
    }
    const findings = secretlint(dir).join('\n');
    expect(findings).toMatch(/deploy-key\.pem: @secretlint\/secretlint-rule-privatekey/);
    expect(findings).toMatch(/credentials\/aws\.json: @secretlint\/secretlint-rule-aws/);
    const trivy = trivySecrets({ dir }).join('\n');
    expect(trivy).toMatch(/deploy-key\.pem: private-key/);
    expect(trivy).toMatch(/credentials\/aws\.json: aws-/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the api image has production dependencies only', () => {
  const ls = dockerOk(['run', '--rm', '--network', 'host', '--entrypoint', 'node', ref('api'), '-e', 'console.log(require("fs").readdirSync("node_modules").join("\\n"))']);
  expect(ls).toContain('fastify');
  for (const dev of ['typescript', 'jest', 'ts-jest', '@types']) expect(ls.split('\n')).not.toContain(dev);
});

test('the web image leaves sharp out: its next.config sets images.unoptimized (the web container tests below show it still serves)', () => {
  const ls = dockerOk(['run', '--rm', '--network', 'host', '--entrypoint', 'node', ref('web'), '-e', 'console.log(require("fs").readdirSync("node_modules").join("\\n"))']);
  expect(ls.split('\n')).toContain('next');
  expect(ls.split('\n')).not.toContain('sharp');
  expect(ls.split('\n')).not.toContain('@img');
});

/** The test runs a stand-in api on 127.0.0.1 serves (the containers share the host's network). */
const FAKE_RUNS = [1, 2].map((i) => ({
  id: `tr-900${i}`, name: `Image test run ${i}`, suite: 'images', status: 'passed', startedAt: null, finishedAt: null, durationMs: 1000 * i, totals: { passed: i, failed: 0, skipped: 0 },
}));
const fakeApi = () => testRunsApi(FAKE_RUNS);

const servers: [string, string, (base: string) => Promise<void>][] = [
  ['api', '/health', async (base) => {
    const health = await (await fetch(`${base}/health`)).json();
    expect(health).toMatchObject({ status: 'ok', version: '9.9.9-test' });
    const runs = await fetch(`${base}/api/test-runs`);
    expect(runs.status).toBe(200);
    expect(((await runs.json()) as { count: number }).count).toBeGreaterThan(0);
    const missing = await fetch(`${base}/api/test-runs/tr-9999`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: 'Not Found' });
  }],
  ['web', '/api/health', async (base) => {
    expect((await fetch(`${base}/api/health`)).status).toBe(200);
    // No api behind it: the page says so, with a 503.
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(503);
    const html = await page.text();
    expect(html).toContain('QUALISYS test runs');
    expect(html).toContain('API unavailable');
  }],
];

/** What the rollout load asks for: a list of test runs from the api, the rendered page from web. */
const LOAD_PATH: Record<string, string> = { api: '/api/test-runs', web: '/' };

describe.each(servers)('%s container', (service, _health, probe) => {
  async function start(args: string[] = [], apiUrl?: string) {
    const port = await freePort();
    const env: Record<string, string> = { PORT: String(port) };
    if (service === 'web') env.API_URL = apiUrl ?? `http://127.0.0.1:${await freePort()}`; // no api: the page must still render
    const id = runContainer(ref(service), { env, args });
    await waitHealthy(id);
    return { id, base: `http://127.0.0.1:${port}` };
  }

  test('rollout: 32 keep-alive connections that never retry, docker stop in the middle: none lost, exit 0, gone well under the timeout', async () => {
    const api = await fakeApi();
    try {
      const { id, base } = await start([], api.url);
      const r = await rollout({ url: `${base}${LOAD_PATH[service]}`, connections: 32, signalAfterMs: 2000, stop: () => stopAsync(id) });
      console.log(`${service} image rollout: ${describeRollout(r)}`);
      expect({ unanswered: r.unanswered, notSent: r.notSent, exitCode: r.exitCode }).toEqual({ unanswered: 0, notSent: 0, exitCode: 0 });
      expect(r.answered).toBeGreaterThan(0);
      expect(r.statuses).toEqual({ 200: r.answered });
      expect(r.refused).toBeGreaterThan(0); // the load went on after the container had stopped listening
      expect(r.exitMs).toBeLessThan(4000); // SHUTDOWN_TIMEOUT_MS is 8000
    } finally {
      api.close();
    }
  });

  test('becomes healthy, serves its endpoints, and stops on docker stop with exit code 0 in under 2 s', async () => {
    const { id, base } = await start();
    await probe(base);
    const { exitCode, ms } = stopTimed(id);
    expect(exitCode).toBe(0);
    expect(ms).toBeLessThan(2000);
  });

  test('runs with a read-only root filesystem (tmpfs for /tmp)', async () => {
    const { id, base } = await start(['--read-only', '--tmpfs', '/tmp']);
    await probe(base);
    expect(stopTimed(id).exitCode).toBe(0);
  });
});

describe('playwright-runner container', () => {
  async function runRunner(env: Record<string, string>): Promise<{ code: number; results: string; output: string }> {
    const results = mkdtempSync(path.join(tmpdir(), 'runner-results-'));
    chmodSync(results, 0o777);
    const manifestEntry = manifest.images.find((i) => i.service === 'playwright-runner')!;
    const r = await dockerAsync(['run', '--rm', ...(manifestEntry.runFlags ?? []), '--network', 'host', '-v', `${results}:/results`,
      ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]), ref('playwright-runner')]);
    return { code: r.status, results, output: r.stdout + r.stderr };
  }

  test('runs the suite against the api and web containers and exits 0, with junit and html reports', async () => {
    const apiPort = await freePort();
    const webPort = await freePort();
    const downPort = await freePort();
    runContainer(ref('api'), { env: { PORT: String(apiPort) } });
    runContainer(ref('web'), { env: { PORT: String(webPort), API_URL: `http://127.0.0.1:${apiPort}` } });
    runContainer(ref('web'), { env: { PORT: String(downPort), API_URL: `http://127.0.0.1:${await freePort()}` } });
    const { code, results, output } = await runRunner({
      BASE_URL: `http://127.0.0.1:${webPort}`, API_URL: `http://127.0.0.1:${apiPort}`, UNAVAILABLE_BASE_URL: `http://127.0.0.1:${downPort}`,
    });
    try {
      expect({ code, output: code === 0 ? '' : output }).toEqual({ code: 0, output: '' });
      const junit = readFileSync(path.join(results, 'junit.xml'), 'utf8');
      expect(junit).toMatch(/tests="7"/);
      expect(junit).toMatch(/failures="0"/);
      expect(existsSync(path.join(results, 'html', 'index.html'))).toBe(true);
    } finally {
      rmSync(results, { recursive: true, force: true });
    }
  });

  test('exits non-zero against a broken target', async () => {
    // Healthy enough to pass the entrypoint's wait, broken everywhere else.
    const broken = createServer((req, res) => {
      if (req.url === '/health' || req.url === '/api/health') res.end(JSON.stringify({ status: 'ok' }));
      else res.writeHead(500).end('broken');
    });
    broken.listen(0, '127.0.0.1');
    await once(broken, 'listening');
    const url = `http://127.0.0.1:${(broken.address() as { port: number }).port}`;
    try {
      const { code, results } = await runRunner({ BASE_URL: url, API_URL: url, PW_TIMEOUT_MS: '5000' });
      rmSync(results, { recursive: true, force: true });
      expect(code).toBe(1);
    } finally {
      broken.close();
    }
  });

  test('exits 3 with a clear message when a target never becomes healthy', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const { code, output, results } = await runRunner({ BASE_URL: dead, API_URL: dead, WAIT_TIMEOUT: '2' });
    rmSync(results, { recursive: true, force: true });
    expect(code).toBe(3);
    expect(output).toContain(`playwright-runner: web is not healthy at ${dead}/api/health after 2s`);
  });
});
