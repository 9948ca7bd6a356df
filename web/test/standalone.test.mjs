// Runs the real standalone server (`.next/standalone/server.js`, what the image ships) against a
// real HTTP api stand-in, and checks what a browser would get: the runs, or the unavailable state.
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeApi, freePort, ROOT, RUNS, SERVER, startWeb } from './helpers.mjs';

describe('standalone web server', { skip: !existsSync(SERVER) && 'run `npx projen compile` first' }, () => {
  let api; let requestsSeen = 0;

  before(async () => {
    api = await fakeApi((req, res) => {
      requestsSeen++;
      if (req.url === '/api/test-runs') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ count: RUNS.length, items: RUNS }));
      } else { res.writeHead(404).end(); }
    });
  });
  after(() => api.close());

  test('the build produced the standalone server, with the static assets and public files beside it (as in the image)', () => {
    assert.ok(existsSync(SERVER));
    assert.ok(existsSync(join(ROOT, '.next', 'static')));
    assert.ok(existsSync(join(ROOT, '.next', 'standalone', '.next', 'static')));
    assert.ok(existsSync(join(ROOT, '.next', 'standalone', 'public', 'favicon.svg')));
  });

  test('the home page lists the runs api serves, fetched at request time, with a 200', async () => {
    const web = await startWeb({ API_URL: api.url });
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

  test('serves its scripts, styles and favicon (a local build serves the same files as the image)', async () => {
    const web = await startWeb({ API_URL: api.url });
    try {
      const html = await (await fetch(`${web.base}/`)).text();
      const assets = [...html.matchAll(/(?:href|src)="(\/_next\/static\/[^"]+)"/g)].map((m) => m[1]);
      assert.ok(assets.some((a) => a.endsWith('.css')) && assets.some((a) => a.endsWith('.js')), `no script or style linked: ${assets}`);
      for (const asset of [...new Set(assets)]) assert.equal((await fetch(`${web.base}${asset}`)).status, 200, asset);
      const icon = await fetch(`${web.base}/favicon.svg`);
      assert.equal(icon.status, 200);
      assert.match(icon.headers.get('content-type'), /svg/);
    } finally { await web.stop(); }
  });

  test('with api down the page is a 503 that shows the unavailable state', async () => {
    const web = await startWeb({ API_URL: `http://127.0.0.1:${await freePort()}` });
    try {
      const res = await fetch(`${web.base}/`);
      assert.equal(res.status, 503);
      assert.equal(res.headers.get('retry-after'), '10');
      const html = await res.text();
      assert.ok(html.includes('API unavailable'));
      assert.match(html, /data-testid="api-unavailable"/);
      assert.match(html, /api unreachable: ECONNREFUSED/);
      assert.ok(!html.includes('data-testid="test-run"'));
    } finally { await web.stop(); }
  });

  test('the health route is about web itself: 200 without api', async () => {
    const web = await startWeb({ API_URL: `http://127.0.0.1:${await freePort()}` });
    try {
      const res = await fetch(`${web.base}/api/health`);
      assert.equal(res.status, 200);
      assert.equal((await res.json()).status, 'ok');
    } finally { await web.stop(); }
  });

  test('stops with exit code 0 within 2 s on SIGTERM, even with an idle keep-alive connection', async () => {
    const web = await startWeb({ API_URL: api.url });
    await (await fetch(`${web.base}/`)).text(); // leaves an idle keep-alive connection
    const t0 = Date.now();
    web.proc.kill('SIGTERM');
    const [code, signal] = await once(web.proc, 'exit');
    assert.equal(signal, null);
    assert.equal(code, 0);
    assert.ok(Date.now() - t0 < 2000, `took ${Date.now() - t0} ms`);
  });

});
