// Helpers of web's tests: the real standalone server (what the image ships) started through
// start.cjs on a loopback port, and a stand-in for the api.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..');
export const SERVER = join(ROOT, '.next', 'standalone', 'server.js');
export const START = join(ROOT, 'start.cjs');

export const RUNS = [
  { id: 'tr-4242', name: 'Fixture run one', suite: 's/one', status: 'passed', startedAt: '2026-11-20T09:12:00.000Z', finishedAt: '2026-11-20T09:13:01.000Z', durationMs: 61000, totals: { passed: 3, failed: 0, skipped: 1 } },
  { id: 'tr-4243', name: 'Fixture run two', suite: 's/two', status: 'failed', startedAt: null, finishedAt: null, durationMs: null, totals: { passed: 1, failed: 2, skipped: 0 } },
];

export async function listen(server) {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server.address().port;
}

export async function freePort() {
  const s = createServer();
  const port = await listen(s);
  s.close();
  await once(s, 'close');
  return port;
}

/** A stand-in for the api on 127.0.0.1: `handler(req, res)` answers; by default the two RUNS. */
export async function fakeApi(handler = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ count: RUNS.length, items: RUNS }));
}) {
  const server = createServer(handler);
  const url = `http://127.0.0.1:${await listen(server)}`;
  return { url, close: () => { server.closeAllConnections(); server.close(); } };
}

/** Starts web (start.cjs + the standalone server) and waits for its health route. */
export async function startWeb(env = {}) {
  const port = await freePort();
  const proc = spawn(process.execPath, [START, SERVER], {
    env: { ...process.env, PORT: String(port), HOSTNAME: '127.0.0.1', NEXT_TELEMETRY_DISABLED: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (out += d));
  const exited = once(proc, 'exit').then(([code]) => code);
  const base = `http://127.0.0.1:${port}`;
  await waitHealthy(base, proc, () => out);
  return {
    proc, port, base, exited, output: () => out,
    stop: async () => { proc.kill('SIGTERM'); return exited; },
  };
}

export async function waitHealthy(base, proc, output, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`web exited early: ${output()}`);
    try { if ((await fetch(`${base}/api/health`)).ok) return; } catch { /* starting */ }
    if (Date.now() > deadline) throw new Error(`web did not start: ${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
