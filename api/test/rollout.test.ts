/**
 * The compiled server (lib/server.js) as a process under keep-alive load, stopped with SIGTERM while
 * the load goes on: no request lost, exit 0, gone at once. The same rollout runs against the image
 * in test/images (npx projen test:images). Also: a request sent on a kept-alive connection just
 * after SIGTERM is answered, the timeout case, and SIGTERM to `npx projen start`.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { describeRollout, freePort, rollout } from '../../packages/projen-containers/src/lib/load';

const API = join(__dirname, '..');
const SERVER = join(API, 'lib', 'server.js');

async function waitHealthy(base: string, proc: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited early: ${output()}`);
    try {
      if ((await fetch(`${base}/health`)).ok) return;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) throw new Error(`server did not start: ${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function start(env: Record<string, string> = {}) {
  const port = await freePort();
  const proc = spawn(process.execPath, [SERVER], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exited = once(proc, 'exit').then(([code]) => code as number | null);
  const base = `http://127.0.0.1:${port}`;
  await waitHealthy(base, proc, () => out);
  return { proc, base, port, exited, output: () => out };
}

/** One raw HTTP/1.1 request on an open socket; resolves with the response head. */
function rawGet(socket: Socket, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const onData = (d: Buffer) => {
      buf += d.toString('latin1');
      const head = buf.indexOf('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(buf);
      if (head >= 0 && length && buf.length >= head + 4 + Number(length[1])) {
        socket.off('data', onData);
        resolve(buf.slice(0, head));
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.once('close', () => reject(new Error(`connection closed; got: ${JSON.stringify(buf)}`)));
    socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n`);
  });
}

jest.setTimeout(60_000);

describe('api rollout (local process)', () => {
  test('32 keep-alive connections that never retry, SIGTERM in the middle: none lost, exit 0, gone at once', async () => {
    const s = await start();
    const r = await rollout({
      url: `${s.base}/api/test-runs`,
      connections: 32,
      signalAfterMs: 1500,
      stop: async () => {
        s.proc.kill('SIGTERM');
        return s.exited;
      },
    });
    console.log(`api process rollout: ${describeRollout(r)}`);
    expect({ unanswered: r.unanswered, notSent: r.notSent, exitCode: r.exitCode }).toEqual({ unanswered: 0, notSent: 0, exitCode: 0 });
    expect(r.answered).toBeGreaterThan(0);
    expect(r.refused).toBeGreaterThan(0); // the load went on after the server had stopped listening
    expect(r.exitMs).toBeLessThan(4000); // well under SHUTDOWN_TIMEOUT_MS (8000)
    expect(r.statuses).toEqual({ 200: r.answered });
  });

  test('a request sent on a kept-alive connection just after SIGTERM is answered, with Connection: close', async () => {
    const s = await start();
    const socket = new Socket();
    socket.connect(s.port, '127.0.0.1');
    await once(socket, 'connect');
    expect(await rawGet(socket, '/health')).toMatch(/^HTTP\/1\.1 200/);
    s.proc.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 100)); // the connection is idle, the server is draining
    const head = await rawGet(socket, '/api/test-runs');
    expect(head).toMatch(/^HTTP\/1\.1 200/);
    expect(head).toMatch(/\r\nconnection: close/i);
    expect(await s.exited).toBe(0);
    socket.destroy();
  });

  test('an idle kept-alive connection is closed after the grace period, and the process exits 0', async () => {
    const s = await start();
    const socket = new Socket();
    socket.connect(s.port, '127.0.0.1');
    await once(socket, 'connect');
    await rawGet(socket, '/health');
    const t0 = Date.now();
    s.proc.kill('SIGTERM');
    await once(socket, 'close');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(400);
    expect(await s.exited).toBe(0);
  });

  test('a request still running when SHUTDOWN_TIMEOUT_MS passes: exit 1, and the log says how many', async () => {
    const s = await start({ RESPONSE_DELAY_MS: '5000', SHUTDOWN_TIMEOUT_MS: '500', LOG_LEVEL: 'info' });
    const slow = new Promise<string>((resolve) => {
      request(`${s.base}/api/test-runs`, (res) => resolve(String(res.statusCode))).on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message)).end();
    });
    await new Promise((r) => setTimeout(r, 300));
    s.proc.kill('SIGTERM');
    expect(await s.exited).toBe(1);
    expect(s.output()).toContain('shutdown timed out after 500 ms with 1 request(s) still running; exiting with 1');
    await slow;
  });
});

describe('npx projen start', () => {
  test('a SIGTERM to npx stops the server (npm\'s shell passes no signal on; the server watches its launchers)', async () => {
    const port = await freePort();
    // Its own process group, so that the test can clean up whatever happens.
    const npx = spawn('npx', ['projen', 'start'], { cwd: API, detached: true, env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    npx.stdout!.on('data', (d) => (out += d));
    npx.stderr!.on('data', (d) => (out += d));
    const base = `http://127.0.0.1:${port}`;
    try {
      await waitHealthy(base, npx, () => out);
      npx.kill('SIGTERM');
      const deadline = Date.now() + 10_000;
      let stillServing = true;
      while (stillServing && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        stillServing = await fetch(`${base}/health`).then(() => true, () => false);
      }
      expect(stillServing).toBe(false);
    } finally {
      try {
        process.kill(-npx.pid!, 'SIGKILL');
      } catch { /* all gone */ }
    }
  });
});
