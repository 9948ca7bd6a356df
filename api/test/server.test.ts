/**
 * Process-level tests: the compiled server (lib/server.js) started as a real process,
 * with real signals and real HTTP requests.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, get } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import fc from 'fast-check';
import { hostileValue, quotedValue, VARIABLES } from './hostile';
import { freePort } from '../../packages/projen-containers/src/lib/load';
import { loadConfig } from '../src/config';

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

interface Run { code: number | null; started: boolean; stdout: string; stderr: string }

/**
 * Runs the server with `env` over a base of a free port on 127.0.0.1: if it answers /health (on the
 * host and port it was given), stops it with SIGTERM. Resolves once it has exited.
 */
async function run(env: Record<string, string>): Promise<Run> {
  const full: Record<string, string> = { PORT: String(await freePort()), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env };
  const proc = spawn(process.execPath, [SERVER], { env: { ...process.env, ...full }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d) => (stdout += d));
  proc.stderr.on('data', (d) => (stderr += d));
  const exited = once(proc, 'exit').then(([code]) => code as number | null);
  // Only ever a loopback address: a host that is not this machine's is never sent anything.
  const host = { '': '127.0.0.1', '0.0.0.0': '127.0.0.1', '::': '::1' }[full.HOST.trim()] ?? full.HOST.trim();
  let url: URL | undefined;
  try {
    url = new URL(`http://${host.includes(':') ? `[${host}]` : host}:${full.PORT.trim()}/health`);
    if (!['localhost', '[::1]'].includes(url.hostname) && !/^127\.\d+\.\d+\.\d+$/.test(url.hostname)) url = undefined;
  } catch { /* a value refused: the server exits */ }
  const healthy = () => new Promise<boolean>((resolve) => {
    if (!url) return resolve(false);
    // Keep-alive, as clients do: the server must stop cleanly all the same.
    const req = get(url, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    }).on('error', () => resolve(false));
    req.setTimeout(1000, () => req.destroy());
  });
  let started = false;
  const deadline = Date.now() + 10_000;
  while (!started && proc.exitCode === null && Date.now() < deadline) {
    started = await healthy();
    if (!started) await new Promise((r) => setTimeout(r, 50));
  }
  if (proc.exitCode === null) proc.kill(started ? 'SIGTERM' : 'SIGKILL');
  return { code: await exited, started, stdout, stderr };
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

  test('SHUTDOWN_TIMEOUT_MS=100, shorter than the idle grace period: an idle keep-alive connection still ends in exit 0', async () => {
    const s = await start({ SHUTDOWN_TIMEOUT_MS: '100' });
    await fetch(`${s.base}/health`); // leaves an idle keep-alive connection behind
    s.proc.kill('SIGTERM');
    expect((await s.exited).code).toBe(0);
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
    ['PORT', 'eighty', 'Invalid PORT="eighty": expected an integer from 1 to 65535'],
    ['PORT', '70000', 'Invalid PORT="70000": expected an integer from 1 to 65535'],
    ['PORT', '0', 'Invalid PORT="0": expected an integer from 1 to 65535'],
    ['PORT', '30\n00', 'Invalid PORT="30\\n00": expected an integer from 1 to 65535'],
    ['HOST', 'two words', 'Invalid HOST="two words": expected an IP address'],
    ['HOST', 'local\nhost', 'Invalid HOST="local\\nhost": expected an IP address'],
    ['SHUTDOWN_TIMEOUT_MS', 'abc', 'Invalid SHUTDOWN_TIMEOUT_MS="abc": expected an integer from 100 to 600000'],
    ['RESPONSE_DELAY_MS', '-5', 'Invalid RESPONSE_DELAY_MS="-5": expected an integer from 0 to 60000'],
    ['LOG_LEVEL', 'loud', 'Invalid LOG_LEVEL="loud": expected one of fatal, error'],
    ['LOG_LEVEL', 'info\r\nerror', 'Invalid LOG_LEVEL="info\\r\\nerror": expected one of fatal, error'],
    ['APP_VERSION', '1.2.3\nX-Injected: 1', 'Invalid APP_VERSION="1.2.3\\nX-Injected: 1": expected a version'],
  ])('%s=%j stops start-up with exit code 78 and a one-line message', async (name, value, message) => {
    const r = await run({ [name]: value });
    expect(r.code).toBe(78);
    expect(r.stderr).toContain(`api: configuration error: ${message}`);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
  });

  // Class: a failure to listen is the machine's, not the value's: exit 1 and one line that says what to do.
  test('a port in use: exit 1, one line naming the host and the port', async () => {
    const taken = createServer((_req, res) => res.writeHead(503).end());
    taken.listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const port = (taken.address() as AddressInfo).port;
    try {
      const r = await run({ PORT: String(port) });
      expect(r).toMatchObject({ code: 1, started: false });
      expect(r.stderr).toBe(`api: cannot listen on "127.0.0.1" port ${port}: the port is in use (EADDRINUSE). Stop what listens there, or set PORT to a free port.\n`);
    } finally {
      taken.closeAllConnections();
      taken.close();
    }
  });

  test.each([
    ['nosuchhost.invalid', /^api: cannot listen on "nosuchhost\.invalid" port \d+: HOST="nosuchhost\.invalid" does not resolve to an address \((ENOTFOUND|EAI_AGAIN)\)\. Set HOST to/],
    ['203.0.113.1', /^api: cannot listen on "203\.0\.113\.1" port \d+: HOST="203\.0\.113\.1" is not an address of this machine \(EADDRNOTAVAIL\)\. Set HOST to one of its addresses/],
  ])('HOST=%s, well-formed but not of this machine: exit 1, one line', async (host, message) => {
    const r = await run({ HOST: host });
    expect(r).toMatchObject({ code: 1, started: false });
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  test.each(['127.0.0.1', '::1', 'localhost', '0.0.0.0', '::'])('HOST=%s starts', async (host) => {
    const r = await run({ HOST: host });
    expect(r).toMatchObject({ started: true, code: 0 });
  });
});

/**
 * Every variable, values from the property generator: the process starts (and stops on SIGTERM with
 * 0), or exits 78 with one line that names the variable and quotes the value. A value the
 * configuration takes is replaced by one that can work here (a free port, a local address), so that
 * no test resolves random names or binds random ports; which values are taken is config.test.ts's.
 */
describe('api server process, any value of any variable', () => {
  jest.setTimeout(120_000);
  const LOCAL_HOSTS = ['127.0.0.1', '::1', 'localhost', ' 127.0.0.1 ', ''];
  for (const [name, valid] of Object.entries(VARIABLES)) {
    test(name, async () => {
      await fc.assert(fc.asyncProperty(
        hostileValue(valid).filter((v) => !v.includes('\0') && !/\p{Cs}/u.test(v)),
        fc.nat(),
        async (candidate, pick) => {
          let value = candidate;
          let taken = true;
          try {
            loadConfig({ [name]: candidate }, '0');
          } catch {
            taken = false;
          }
          if (taken && name === 'PORT') value = String(await freePort());
          if (taken && name === 'HOST') value = LOCAL_HOSTS[pick % LOCAL_HOSTS.length];
          const r = await run({ [name]: value });
          if (taken) {
            expect({ started: r.started, code: r.code, stderr: r.stderr }).toEqual({ started: true, code: 0, stderr: '' });
          } else {
            expect({ code: r.code, stdout: r.stdout, lines: r.stderr.split('\n').length }).toEqual({ code: 78, stdout: '', lines: 2 });
            expect(r.stderr.endsWith('\n')).toBe(true);
            expect(r.stderr).toMatch(ONE_LINE_WITH_END);
            const message = r.stderr.slice('api: configuration error: '.length, -1);
            expect(r.stderr.startsWith('api: configuration error: ')).toBe(true);
            expect(quotedValue(message, name)).toBe(value.length > 200 ? value.slice(0, 200) : value);
          }
        },
      ), { numRuns: 12 });
    });
  }
});

const ONE_LINE_WITH_END = /^[^\p{Cc}\p{Zl}\p{Zp}]*\n$/u;
