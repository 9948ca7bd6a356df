// Runs the end-to-end suite for real: api and web (their built outputs) started on loopback ports,
// Chromium driven by Playwright. Then proves the suite can fail: against a broken target it must
// exit non-zero.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

const ROOT = join(import.meta.dirname, '..');
const API_SERVER = join(ROOT, '..', 'api', 'lib', 'server.js');
const WEB_START = join(ROOT, '..', 'web', 'start.cjs');
const WEB_SERVER = join(ROOT, '..', 'web', '.next', 'standalone', 'server.js');
const DEBIAN_CHROMIUM = '/usr/lib/chromium/chromium';

function chromiumPath() {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  if (existsSync(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM;
  return undefined; // Playwright's own browsers (`npx playwright install chromium`)
}

async function freePort() {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address();
  s.close();
  await once(s, 'close');
  return port;
}

const children = [];
async function startService(args, env, healthPath) {
  const port = await freePort();
  const proc = spawn(process.execPath, args, { env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', HOSTNAME: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(proc);
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (out += d));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${args.join(' ')} exited early: ${out}`);
    try { if ((await fetch(base + healthPath)).ok) return base; } catch { /* starting */ }
    if (Date.now() > deadline) throw new Error(`${args.join(' ')} did not become healthy: ${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function runSuite(env, { echo = true } = {}) {
  const proc = spawn(process.execPath, [join(ROOT, 'node_modules', '@playwright', 'test', 'cli.js'), 'test', '--project=chromium'], {
    cwd: ROOT,
    env: { ...process.env, ...env, ...(chromiumPath() ? { CHROMIUM_PATH: chromiumPath() } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.on('data', (d) => { out += d; if (echo) process.stdout.write(d); });
  proc.stderr.on('data', (d) => { out += d; if (echo) process.stderr.write(d); });
  return once(proc, 'exit').then(([code]) => ({ code, out }));
}

function junitTotals(file) {
  const xml = readFileSync(file, 'utf8');
  const m = xml.match(/<testsuites[^>]*tests="(\d+)"[^>]*failures="(\d+)"[^>]*skipped="(\d+)"/);
  assert.ok(m, `no totals in ${file}`);
  return { tests: Number(m[1]), failures: Number(m[2]), skipped: Number(m[3]) };
}

describe('end-to-end suite', () => {
  const missing = [API_SERVER, WEB_SERVER].filter((f) => !existsSync(f));
  before(() => {
    assert.deepEqual(missing, [], `build api and web first (npx projen test at the root does): missing ${missing.join(', ')}`);
  });
  after(() => { for (const c of children) c.kill('SIGTERM'); });

  test('passes against api and web started locally, including the "API unavailable" state', async () => {
    const apiUrl = await startService([API_SERVER], { LOG_LEVEL: 'warn' }, '/health');
    const baseUrl = await startService([WEB_START, WEB_SERVER], { API_URL: apiUrl }, '/api/health');
    const deadApi = `http://127.0.0.1:${await freePort()}`;
    const unavailableBaseUrl = await startService([WEB_START, WEB_SERVER], { API_URL: deadApi }, '/api/health');
    const resultsDir = join(ROOT, 'test-reports', 'e2e');
    rmSync(resultsDir, { recursive: true, force: true });
    const { code } = await runSuite({ BASE_URL: baseUrl, API_URL: apiUrl, UNAVAILABLE_BASE_URL: unavailableBaseUrl, RESULTS_DIR: resultsDir, PW_RETRIES: '0' });
    assert.equal(code, 0, 'the suite failed against a healthy stack');
    const totals = junitTotals(join(resultsDir, 'junit.xml'));
    assert.ok(totals.tests >= 7, `expected the whole suite to run, got ${totals.tests} tests`);
    assert.equal(totals.failures, 0);
    assert.equal(totals.skipped, 0, 'no test may be skipped when every target is given');
    assert.ok(existsSync(join(resultsDir, 'html', 'index.html')), 'html report written');
  });

  test('exits non-zero against a broken target', async () => {
    const broken = createServer((_req, res) => { res.writeHead(500, { 'content-type': 'text/plain' }); res.end('broken'); });
    broken.listen(0, '127.0.0.1');
    await once(broken, 'listening');
    const url = `http://127.0.0.1:${broken.address().port}`;
    const resultsDir = mkdtempSync(join(tmpdir(), 'e2e-broken-'));
    try {
      const { code, out } = await runSuite({ BASE_URL: url, API_URL: url, RESULTS_DIR: resultsDir, PW_RETRIES: '0', PW_TIMEOUT_MS: '5000' }, { echo: false });
      assert.notEqual(code, 0, `the suite passed against a target that answers 500 to everything:\n${out}`);
      assert.ok(junitTotals(join(resultsDir, 'junit.xml')).failures > 0);
    } finally {
      broken.close();
      rmSync(resultsDir, { recursive: true, force: true });
    }
  });
});
