/**
 * Process-level tests: the compiled server (lib/server.js) started as a real process,
 * with real signals and real HTTP requests.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { freePort } from '../../projenrc/lib/load';

const SERVER = join(__dirname, '..', 'lib', 'server.js');

interface Started { proc: ChildProcess; base: string; output: () => string; exited: Promise<{ code: number | null; signal: string | null }> }

async function start(env: Record<string, string> = {}): Promise<Started> {
  const port = await freePort();
  const proc = spawn(process.execPath, [SERVER], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exited = once(proc, 'exit').then(([code, signal]) => ({ code, signal }));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited early: ${out}`);
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) throw new Error(`server did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { proc, base, output: () => out, exited };
}

jest.setTimeout(20_000);

describe('api server process', () => {
  test.each(['SIGTERM', 'SIGINT'] as const)('on %s a slow in-flight request completes and the process exits 0 within 5 s', async (signal) => {
    const s = await start({ RESPONSE_DELAY_MS: '1500' });
    const inFlight = fetch(`${s.base}/api/test-runs`);
    await new Promise((r) => setTimeout(r, 300)); // the request is now being served
    const t0 = Date.now();
    s.proc.kill(signal);
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { count: number }).count).toBeGreaterThan(0);
    const { code } = await s.exited;
    expect(code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(5000);
    // once closing, no new connection is accepted
    await expect(fetch(`${s.base}/health`)).rejects.toThrow();
  });

  test('an idle server stops within 2 s on SIGTERM (its idle kept-alive connection after the grace period)', async () => {
    const s = await start();
    await fetch(`${s.base}/health`); // leaves an idle keep-alive connection behind
    const t0 = Date.now();
    s.proc.kill('SIGTERM');
    expect((await s.exited).code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  test('logs as JSON through Fastify\'s logger', async () => {
    const s = await start();
    await fetch(`${s.base}/api/test-runs/tr-1001`);
    s.proc.kill('SIGTERM');
    await s.exited;
    const lines = s.output().trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.some((l) => l.msg === 'incoming request' && l.req?.url === '/api/test-runs/tr-1001')).toBe(true);
  });

  test.each([
    ['PORT', 'eighty', 'Invalid PORT="eighty": expected an integer from 0 to 65535'],
    ['PORT', '70000', 'Invalid PORT="70000": expected an integer from 0 to 65535'],
    ['SHUTDOWN_TIMEOUT_MS', 'abc', 'Invalid SHUTDOWN_TIMEOUT_MS="abc": expected an integer from 100 to 600000'],
    ['RESPONSE_DELAY_MS', '-5', 'Invalid RESPONSE_DELAY_MS="-5": expected an integer from 0 to 60000'],
    ['LOG_LEVEL', 'loud', 'Invalid LOG_LEVEL="loud": expected one of fatal, error'],
  ])('%s=%s stops start-up with exit code 78 and a one-line message', async (name, value, message) => {
    const proc = spawn(process.execPath, [SERVER], { env: { ...process.env, [name]: value }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    proc.stderr.on('data', (d) => (err += d));
    const [code] = await once(proc, 'exit');
    expect(code).toBe(78);
    expect(err).toContain(`api: configuration error: ${message}`);
    expect(err.trim().split('\n')).toHaveLength(1);
  });
});
