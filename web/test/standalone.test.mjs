// Runs the real standalone server (`.next/standalone/server.js`, what the image ships) against a
// real HTTP api stand-in, and checks what a browser would get: the runs, or the unavailable state.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

const ROOT = join(import.meta.dirname, '..');
const SERVER = join(ROOT, '.next', 'standalone', 'server.js');
const START = join(ROOT, 'start.cjs');

const RUNS = [
  { id: 'tr-4242', name: 'Fixture run one', suite: 's/one', status: 'passed', startedAt: null, finishedAt: null, durationMs: 61000, totals: { passed: 3, failed: 0, skipped: 1 } },
  { id: 'tr-4243', name: 'Fixture run two', suite: 's/two', status: 'failed', startedAt: null, finishedAt: null, durationMs: null, totals: { passed: 1, failed: 2, skipped: 0 } },
];

async function listen(server) {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server.address().port;
}

async function freePort() {
  const s = createServer();
  const port = await listen(s);
  s.close();
  await once(s, 'close');
  return port;
}

async function startWeb(apiUrl) {
  const port = await freePort();
  const proc = spawn(process.execPath, [START, SERVER], {
    env: { ...process.env, PORT: String(port), HOSTNAME: '127.0.0.1', API_URL: apiUrl, NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (out += d));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`web exited early: ${out}`);
    try { if ((await fetch(`${base}/api/health`)).ok) break; } catch { /* starting */ }
    if (Date.now() > deadline) throw new Error(`web did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { proc, base, stop: async () => { proc.kill('SIGTERM'); if (proc.exitCode === null) await once(proc, 'exit'); } };
}

describe('standalone web server', { skip: !existsSync(SERVER) && 'run `npx projen compile` first' }, () => {
  let api; let apiUrl; let requestsSeen = 0;

  before(async () => {
    api = createServer((req, res) => {
      requestsSeen++;
      if (req.url === '/api/test-runs') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ count: RUNS.length, items: RUNS }));
      } else { res.writeHead(404).end(); }
    });
    apiUrl = `http://127.0.0.1:${await listen(api)}`;
  });
  after(() => api.close());

  test('the build produced the standalone server and static assets', () => {
    assert.ok(existsSync(SERVER));
    assert.ok(existsSync(join(ROOT, '.next', 'static')));
  });

  test('the home page lists the runs api serves, fetched at request time', async () => {
    const web = await startWeb(apiUrl);
    try {
      const before = requestsSeen;
      const res = await fetch(`${web.base}/`);
      assert.equal(res.status, 200);
      const html = await res.text();
      for (const run of RUNS) {
        assert.match(html, new RegExp(`data-run-id="${run.id}"`));
        assert.ok(html.includes(run.name), `page lacks ${run.name}`);
      }
      assert.ok(html.includes('1m 1s'), 'durations are formatted');
      assert.ok(!html.includes('API unavailable'));
      assert.ok(requestsSeen > before, 'the page asked api on this request (not at build time)');
    } finally { await web.stop(); }
  });

  test('with api down the page shows the unavailable state, with a 200', async () => {
    const web = await startWeb(`http://127.0.0.1:${await freePort()}`);
    try {
      const res = await fetch(`${web.base}/`);
      assert.equal(res.status, 200);
      const html = await res.text();
      assert.ok(html.includes('API unavailable'));
      assert.match(html, /data-testid="api-unavailable"/);
      assert.ok(!html.includes('data-testid="test-run"'));
    } finally { await web.stop(); }
  });

  test('the health route answers without api', async () => {
    const web = await startWeb(`http://127.0.0.1:${await freePort()}`);
    try {
      const res = await fetch(`${web.base}/api/health`);
      assert.equal(res.status, 200);
      assert.equal((await res.json()).status, 'ok');
    } finally { await web.stop(); }
  });

  test('stops with exit code 0 within 2 s on SIGTERM, even with an idle keep-alive connection', async () => {
    const web = await startWeb(apiUrl);
    await (await fetch(`${web.base}/`)).text(); // leaves an idle keep-alive connection
    const t0 = Date.now();
    web.proc.kill('SIGTERM');
    const [code, signal] = await once(web.proc, 'exit');
    assert.equal(signal, null);
    assert.equal(code, 0);
    assert.ok(Date.now() - t0 < 2000, `took ${Date.now() - t0} ms`);
  });
});
