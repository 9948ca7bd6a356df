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

/** Where to reach a server listening on `host`: only ever a loopback address, nothing is sent elsewhere. */
function loopback(host) {
  const h = host.trim();
  if (h === '' || h === '0.0.0.0') return '127.0.0.1';
  if (h === '::' || h === '::1') return '[::1]';
  if (h === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(h)) return h;
  throw new Error(`${JSON.stringify(host)} is no loopback address: the tests send nothing there`);
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
  const base = `http://${loopback(env.HOSTNAME ?? '127.0.0.1')}:${port}`;
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

/**
 * Runs start.cjs with `args` (the standalone server by default) and `env` over a base of a free port
 * on 127.0.0.1 and a stand-in api address, for a start that is to fail: resolves with the exit code
 * and the output once it has exited (or has been killed after `timeoutMs`).
 */
export async function runWeb(env = {}, args = [SERVER], timeoutMs = 20000) {
  const proc = spawn(process.execPath, [START, ...args], {
    env: { ...process.env, PORT: String(await freePort()), HOSTNAME: '127.0.0.1', API_URL: 'http://127.0.0.1:3000', NEXT_TELEMETRY_DISABLED: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d) => (stdout += d));
  proc.stderr.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
  const [code, signal] = await once(proc, 'exit');
  clearTimeout(timer);
  return { code, signal, stdout, stderr };
}

/** No line break of any kind, nor any other control character, then one newline: one line wherever it is read. */
export const ONE_LINE = /^[^\p{Cc}\p{Zl}\p{Zp}]*\n$/u;

/** The quoted value at the start of a message `Invalid NAME="...": expected ...`, parsed back. */
export function quotedValue(message, name) {
  const m = new RegExp(`Invalid ${name}=("(?:[^"\\\\]|\\\\.)*")(… \\(\\d+ characters\\))?: expected `).exec(message);
  return m ? JSON.parse(m[1]) : undefined;
}
