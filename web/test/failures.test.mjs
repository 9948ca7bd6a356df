// What used to crash web with a stack trace: a port in use, a HOSTNAME that does not resolve or is
// not this machine's (start-up: exit 1 and one line naming the host and the port), and a request
// whose target is no path, such as `OPTIONS * HTTP/1.1` (answered properly, nothing in the log).
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeApi, listen, ONE_LINE, RUNS, runWeb, SERVER, startWeb } from './helpers.mjs';

/** One raw HTTP/1.1 request line and headers; resolves with the whole answer once the server closes. */
async function raw(port, head) {
  const socket = new Socket();
  socket.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  let answer = '';
  socket.on('data', (d) => (answer += d));
  socket.write(`${head}\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
  await once(socket, 'close');
  return answer;
}

describe('start-up failures: exit 1 and one line that says what to do', { skip: !existsSync(SERVER) && 'run `npx projen compile` first' }, () => {
  test('a port in use', async () => {
    const taken = createServer((_req, res) => res.writeHead(503).end());
    const port = await listen(taken);
    try {
      const r = await runWeb({ PORT: String(port) });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, ONE_LINE);
      assert.equal(r.stderr, `web: cannot listen on "127.0.0.1" port ${port}: the port is in use (EADDRINUSE). Stop what listens there, or set PORT to a free port.\n`);
    } finally {
      taken.close();
    }
  });

  test('a HOSTNAME that does not resolve', async () => {
    const r = await runWeb({ HOSTNAME: 'nosuchhost.invalid' });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, ONE_LINE);
    assert.match(r.stderr, /^web: cannot listen on "nosuchhost\.invalid" port \d+: HOSTNAME="nosuchhost\.invalid" does not resolve to an address \((ENOTFOUND|EAI_AGAIN)\)\. Set HOSTNAME to an address of this machine/);
  });

  test('a HOSTNAME that is not an address of this machine', async () => {
    // TEST-NET-3 (RFC 5737): binding to it fails at once, and nothing is sent there.
    const r = await runWeb({ HOSTNAME: '203.0.113.1' });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, ONE_LINE);
    assert.match(r.stderr, /^web: cannot listen on "203\.0\.113\.1" port \d+: HOSTNAME="203\.0\.113\.1" is not an address of this machine \(EADDRNOTAVAIL\)\. Set HOSTNAME to one of its addresses, or to 0\.0\.0\.0/);
  });

  for (const hostname of ['::1', 'localhost', '::', '0.0.0.0']) {
    test(`HOSTNAME=${hostname} starts`, async () => {
      const web = await startWeb({ HOSTNAME: hostname });
      assert.equal(await web.stop(), 0);
    });
  }
});

describe('request targets that are no path', { skip: !existsSync(SERVER) && 'run `npx projen compile` first' }, () => {
  let api;
  let web;
  before(async () => {
    api = await fakeApi();
    web = await startWeb({ API_URL: api.url });
  });
  after(async () => {
    await web?.stop();
    api?.close();
  });

  test('OPTIONS * HTTP/1.1: 204 with Allow', async () => {
    const answer = await raw(web.port, 'OPTIONS * HTTP/1.1');
    assert.match(answer, /^HTTP\/1\.1 204 No Content\r\n/);
    assert.match(answer, /\r\nallow: GET, HEAD, OPTIONS\r\n/i);
  });

  for (const method of ['GET', 'HEAD', 'POST']) {
    test(`${method} * HTTP/1.1: 400`, async () => {
      assert.match(await raw(web.port, `${method} * HTTP/1.1`), /^HTTP\/1\.1 400 Bad Request\r\n/);
    });
  }

  test('an upgrade to *: 400', async () => {
    const answer = await raw(web.port, 'GET * HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==');
    assert.match(answer, /^HTTP\/1\.1 400 Bad Request\r\n/);
  });

  test('an absolute URL (absolute-form) is served as its path, not redirected to itself', async () => {
    const answer = await raw(web.port, `GET http://127.0.0.1:${web.port}/ HTTP/1.1`);
    assert.match(answer, /^HTTP\/1\.1 200 OK\r\n/);
    assert.ok(answer.includes(RUNS[0].name));
    assert.match(await raw(web.port, `GET http://127.0.0.1:${web.port}/api/health HTTP/1.1`), /^HTTP\/1\.1 200 OK\r\n/);
  });

  test('a target that is neither: 400', async () => {
    assert.match(await raw(web.port, 'GET health HTTP/1.1'), /^HTTP\/1\.1 400 Bad Request\r\n/);
  });

  test('nothing of it in the log: no error, no stack trace', async () => {
    await raw(web.port, 'OPTIONS * HTTP/1.1');
    await new Promise((r) => setTimeout(r, 200));
    assert.doesNotMatch(web.output(), /Invalid URL|TypeError|\n\s+at /);
  });

  test('while draining, an OPTIONS * on a kept-alive connection is answered with Connection: close', async () => {
    const socket = new Socket();
    socket.connect(web.port, '127.0.0.1');
    await once(socket, 'connect');
    let answer = '';
    socket.on('data', (d) => (answer += d));
    web.proc.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 100));
    socket.write('OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await once(socket, 'close');
    assert.match(answer, /^HTTP\/1\.1 204 No Content\r\n/);
    assert.match(answer, /\r\nconnection: close\r\n/i);
    assert.equal(await web.exited, 0);
    web = undefined;
  });
});
