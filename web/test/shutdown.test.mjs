// web under keep-alive load, stopped with SIGTERM while the load goes on: no request lost, exit 0,
// gone at once (the same rollout runs against the image in test/images). Also: a request sent on a
// kept-alive connection just after SIGTERM is answered, the timeout case, and SIGTERM to
// `npx projen start`.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
// The rollout module (packages/projen-containers/src/lib/load.ts) is shared with the api's and the image tests and the
// benchmark (TypeScript, at the repository's
// root): tsx, a dependency of the root, loads it.
import { tsImport } from 'tsx/esm/api';
import { fakeApi, freePort, ROOT, SERVER, startWeb, waitHealthy } from './helpers.mjs';

const { describeRollout, rollout } = await tsImport('../../packages/projen-containers/src/lib/load.ts', import.meta.url);

/** One raw HTTP/1.1 request on an open socket; resolves with the response head. */
function rawGet(socket, path) {
  return new Promise((resolve, reject) => {
    let buf = '';
    const onData = (d) => {
      buf += d.toString('latin1');
      const head = buf.indexOf('\r\n\r\n');
      if (head >= 0 && /\r\n0\r\n\r\n$|<\/html>$/.test(buf)) {
        socket.off('data', onData);
        resolve(buf.slice(0, head));
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.once('close', () => reject(new Error(`connection closed; got: ${JSON.stringify(buf.slice(0, 200))}`)));
    socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n`);
  });
}

describe('web rollout (local process)', { skip: !existsSync(SERVER) && 'run `npx projen compile` first' }, () => {
  let api;
  before(async () => { api = await fakeApi(); });
  after(() => api.close());

  test('32 keep-alive connections that never retry, SIGTERM in the middle: none lost, exit 0, gone at once', async () => {
    const web = await startWeb({ API_URL: api.url });
    const r = await rollout({ url: `${web.base}/`, connections: 32, signalAfterMs: 1500, stop: web.stop });
    console.log(`web process rollout: ${describeRollout(r)}`);
    assert.deepEqual({ unanswered: r.unanswered, notSent: r.notSent, exitCode: r.exitCode }, { unanswered: 0, notSent: 0, exitCode: 0 });
    assert.ok(r.answered > 0);
    assert.ok(r.refused > 0, 'the load went on after the server had stopped listening');
    assert.ok(r.exitMs < 4000, `exited ${r.exitMs} ms after SIGTERM: not well under SHUTDOWN_TIMEOUT_MS (8000)`);
    assert.deepEqual(r.statuses, { 200: r.answered });
  });

  test('a request sent on a kept-alive connection just after SIGTERM is answered, with Connection: close', async () => {
    const web = await startWeb({ API_URL: api.url });
    const socket = new Socket();
    socket.connect(web.port, '127.0.0.1');
    await once(socket, 'connect');
    assert.match(await rawGet(socket, '/'), /^HTTP\/1\.1 200/);
    web.proc.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 100)); // the connection is idle, the server is draining
    const head = await rawGet(socket, '/');
    assert.match(head, /^HTTP\/1\.1 200/);
    assert.match(head, /\r\nconnection: close/i);
    assert.equal(await web.exited, 0);
    socket.destroy();
  });

  test('SHUTDOWN_TIMEOUT_MS=100, shorter than the idle grace period: an idle keep-alive connection still ends in exit 0', async () => {
    const web = await startWeb({ API_URL: api.url, SHUTDOWN_TIMEOUT_MS: '100' });
    await (await fetch(`${web.base}/`)).text(); // leaves an idle keep-alive connection
    assert.equal(await web.stop(), 0, web.output());
  });

  test('a request still running when SHUTDOWN_TIMEOUT_MS passes: exit 1, and the log says how many', async () => {
    const slowApi = await fakeApi(() => { /* never answers: the page waits up to 3 s */ });
    const web = await startWeb({ API_URL: slowApi.url, SHUTDOWN_TIMEOUT_MS: '500' });
    try {
      const pending = [fetch(`${web.base}/`).catch((e) => e), fetch(`${web.base}/`).catch((e) => e)];
      await new Promise((r) => setTimeout(r, 300));
      web.proc.kill('SIGTERM');
      assert.equal(await web.exited, 1);
      assert.match(web.output(), /shutdown timed out after 500 ms with 2 request\(s\) still running; exiting with 1/);
      await Promise.all(pending);
    } finally { slowApi.close(); }
  });
});

describe('npx projen start', { skip: !existsSync(SERVER) && 'run `npx projen compile` first' }, () => {
  test('serves the same files as the image, and a SIGTERM to npx stops the server', async () => {
    const api = await fakeApi();
    const port = await freePort();
    // Its own process group, so that the test can clean up whatever happens.
    const npx = spawn('npx', ['projen', 'start'], {
      cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PORT: String(port), HOSTNAME: '127.0.0.1', API_URL: api.url, NEXT_TELEMETRY_DISABLED: '1' },
    });
    let out = '';
    npx.stdout.on('data', (d) => (out += d));
    npx.stderr.on('data', (d) => (out += d));
    const base = `http://127.0.0.1:${port}`;
    try {
      await waitHealthy(base, npx, () => out, 30000);
      const html = await (await fetch(`${base}/`)).text();
      const css = html.match(/href="(\/_next\/static\/[^"]+\.css)"/)?.[1];
      assert.ok(css, 'the page links a stylesheet');
      assert.equal((await fetch(`${base}${css}`)).status, 200, css);
      assert.equal((await fetch(`${base}/favicon.svg`)).status, 200);
      npx.kill('SIGTERM');
      const deadline = Date.now() + 10000;
      let serving = true;
      while (serving && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        serving = await fetch(`${base}/api/health`).then(() => true, () => false);
      }
      assert.equal(serving, false, `still serving 10 s after SIGTERM to npx:\n${out}`);
    } finally {
      try { process.kill(-npx.pid, 'SIGKILL'); } catch { /* all gone */ }
      api.close();
    }
  });
});

