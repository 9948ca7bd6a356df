/**
 * Load and rollouts of a server, measured from the client's side. One module for the process tests
 * (api/test, web/test), the image tests (test/images) and the load figures of `bench:docker`.
 *
 * The client is Node's http.Agent with keep-alive: a fixed number of connections, each sending one
 * request after another, never retrying. Every request ends as one of:
 * - answered: a complete response arrived;
 * - unanswered: the request was written to a socket and no (complete) response came back (socket hang
 *   up, ECONNRESET, timeout): what a rollout must never produce;
 * - refused: the connection was refused, so nothing was sent (the server no longer listens);
 * - not sent: any other failure before the request was written.
 *
 * Only loopback targets: every URL must point at 127.0.0.0/8.
 */
import { once } from 'node:events';
import * as http from 'node:http';
import * as net from 'node:net';

/** Where a request ended, from the client's side. */
type Outcome =
  | { kind: 'answered'; status: number; connectionClose: boolean; at: number; ms: number }
  | { kind: 'unanswered'; error: string; at: number }
  | { kind: 'refused'; at: number }
  | { kind: 'not-sent'; error: string; at: number };

const REQUEST_TIMEOUT_MS = 15_000;

function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (!/^127(\.\d{1,3}){3}$/.test(host)) throw new Error(`${url}: load is only sent to loopback addresses (127.0.0.0/8)`);
}

/** One GET on the agent; resolves (never rejects) with how it ended. */
function request(agent: http.Agent, url: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    let written = false;
    let done = false;
    const end = (o: Outcome) => {
      if (!done) {
        done = true;
        resolve(o);
      }
    };
    const req = http.get(url, { agent }, (res) => {
      res.on('data', () => { /* drain */ });
      res.on('end', () => end({
        kind: 'answered', status: res.statusCode ?? 0, connectionClose: /\bclose\b/i.test(String(res.headers.connection ?? '')), at: Date.now(), ms: performance.now() - t0,
      }));
      res.on('error', (err) => end({ kind: 'unanswered', error: `response cut: ${(err as NodeJS.ErrnoException).code ?? err.message}`, at: Date.now() }));
    });
    // 'finish': the whole request was handed to the socket, so the server may have it.
    req.on('finish', () => { written = true; });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error('timeout')));
    req.on('error', (err: NodeJS.ErrnoException) => {
      const code = err.code ?? err.message;
      if (code === 'ECONNREFUSED') end({ kind: 'refused', at: Date.now() });
      else if (written) end({ kind: 'unanswered', error: code, at: Date.now() });
      else end({ kind: 'not-sent', error: code, at: Date.now() });
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `connections` request loops against `url` until `until()` says stop (checked between two
 * requests) and passes every outcome to `record`. After a refused connection a loop waits a little
 * before it tries again, as a client with a fixed retry delay would; it never resends a request.
 */
async function drive(url: string, connections: number, until: () => boolean, record: (o: Outcome) => void): Promise<void> {
  assertLoopback(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  try {
    await Promise.all(Array.from({ length: connections }, async () => {
      while (!until()) {
        const o = await request(agent, url);
        record(o);
        if (o.kind !== 'answered') await sleep(20);
      }
    }));
  } finally {
    agent.destroy();
  }
}

/** The value below which `q` of the sorted values lie (nearest rank). */
export function percentile(sorted: readonly number[], q: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** Options of {@link measureLoad}. */
export interface LoadOptions {
  /** Concurrent keep-alive connections. @default 32 */
  readonly connections?: number;
  /** How long to measure, after the warm-up. @default 5000 */
  readonly durationMs?: number;
  /** Load sent first and not counted (JIT, caches, connections). @default 1000 */
  readonly warmupMs?: number;
}

/** Throughput and latency at a fixed concurrency. */
export interface LoadFigures {
  readonly connections: number;
  readonly durationMs: number;
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly p50Ms?: number;
  readonly p99Ms?: number;
  /** Requests that got no answer or a status of 500 or more. */
  readonly failed: number;
}

/** Keep-alive load at a fixed concurrency: requests per second and latency percentiles. */
export async function measureLoad(url: string, options: LoadOptions = {}): Promise<LoadFigures> {
  const connections = options.connections ?? 32;
  const durationMs = options.durationMs ?? 5000;
  const warmupMs = options.warmupMs ?? 1000;
  const t0 = Date.now();
  const start = t0 + warmupMs;
  const stop = start + durationMs;
  const latencies: number[] = [];
  let failed = 0;
  await drive(url, connections, () => Date.now() >= stop, (o) => {
    if (o.at < start) return;
    if (o.kind === 'answered' && o.status < 500) latencies.push(o.ms);
    else failed++;
  });
  latencies.sort((a, b) => a - b);
  return {
    connections,
    durationMs,
    requests: latencies.length,
    requestsPerSecond: latencies.length / (durationMs / 1000),
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    failed,
  };
}

/** Options of {@link rollout}. */
export interface RolloutOptions {
  /** What the load asks for: a page or endpoint of the server, on 127.0.0.1. */
  readonly url: string;
  /**
   * Sends SIGTERM (kill, or `docker stop`) and resolves with the exit code once the server is gone.
   * Called while the load goes on.
   */
  readonly stop: () => Promise<number | null>;
  /** Concurrent keep-alive connections. @default 32 */
  readonly connections?: number;
  /** Load before the signal. @default 1500 */
  readonly signalAfterMs?: number;
  /** Load after the server has exited (its connections are then refused). @default 500 */
  readonly loadAfterExitMs?: number;
  /** The load stops by then whatever happens (a server that never exits). @default 30000 */
  readonly maxMs?: number;
}

/** What a rollout did to the requests of its clients, and how the server went. */
export interface RolloutResult {
  /** Complete responses, before and after the signal. */
  readonly answered: number;
  /** Complete responses received after the signal. */
  readonly answeredAfterSignal: number;
  /** Of those, how many said `Connection: close`. */
  readonly closeAfterSignal: number;
  /** Requests written to a socket that got no complete response: lost. */
  readonly unanswered: number;
  /** Connections refused (nothing sent): the server had stopped listening. */
  readonly refused: number;
  /** Other failures before a request was written. */
  readonly notSent: number;
  /** Responses by status code. */
  readonly statuses: Readonly<Record<string, number>>;
  /** Unanswered and unsent requests by error code. */
  readonly errors: Readonly<Record<string, number>>;
  /** Exit code of the server, or null when killed by a signal (or still running at maxMs). */
  readonly exitCode: number | null;
  /** From the signal until the server was gone (for a container: until `docker stop` returned). */
  readonly exitMs: number;
}

/**
 * A rollout under load: keep-alive load from `connections` connections, SIGTERM after
 * `signalAfterMs` while the load goes on, then the load continues until the server is gone and a
 * little longer. Counts what became of every request.
 */
export async function rollout(options: RolloutOptions): Promise<RolloutResult> {
  const connections = options.connections ?? 32;
  const maxMs = options.maxMs ?? 30_000;
  const t0 = Date.now();
  let signalAt = Infinity;
  let exitedAt = Infinity;
  let exitCode: number | null = null;
  const counts = { answered: 0, answeredAfterSignal: 0, closeAfterSignal: 0, unanswered: 0, refused: 0, notSent: 0 };
  const statuses: Record<string, number> = {};
  const errors: Record<string, number> = {};
  const bump = (m: Record<string, number>, k: string) => { m[k] = (m[k] ?? 0) + 1; };

  let stopError: unknown;
  const stopped = sleep(options.signalAfterMs ?? 1500).then(async () => {
    signalAt = Date.now();
    try {
      exitCode = await options.stop();
    } catch (err) {
      stopError = err;
    } finally {
      exitedAt = Date.now();
    }
  });
  // Whatever the stop does, the load ends: loadAfterExitMs after the exit, or at maxMs.
  const until = () => Date.now() - t0 > maxMs || Date.now() - exitedAt > (options.loadAfterExitMs ?? 500);
  await drive(options.url, connections, until, (o) => {
    switch (o.kind) {
      case 'answered':
        counts.answered++;
        bump(statuses, String(o.status));
        if (o.at >= signalAt) {
          counts.answeredAfterSignal++;
          if (o.connectionClose) counts.closeAfterSignal++;
        }
        break;
      case 'unanswered':
        counts.unanswered++;
        bump(errors, o.error);
        break;
      case 'refused':
        counts.refused++;
        break;
      default:
        counts.notSent++;
        bump(errors, o.error);
    }
  });
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([stopped, new Promise((r) => { timer = setTimeout(r, Math.max(0, maxMs - (Date.now() - t0))); })]);
  clearTimeout(timer);
  if (stopError) throw stopError;
  return { ...counts, statuses, errors, exitCode, exitMs: (Number.isFinite(exitedAt) ? exitedAt : Date.now()) - signalAt };
}

/** One line for logs and reports: `answered 5120 (812 after SIGTERM, 812 with Connection: close), unanswered 0, ...`. */
export function describeRollout(r: RolloutResult): string {
  const errors = Object.entries(r.errors).map(([k, v]) => `${k} ${v}`).join(', ');
  return `answered ${r.answered} (${r.answeredAfterSignal} after SIGTERM, ${r.closeAfterSignal} of them with Connection: close), ` +
    `unanswered ${r.unanswered}, refused ${r.refused}, not sent ${r.notSent}${errors ? ` (${errors})` : ''}; ` +
    `statuses ${JSON.stringify(r.statuses)}; exit code ${r.exitCode}, exited ${r.exitMs} ms after SIGTERM`;
}

/** A TCP port on 127.0.0.1 that nothing listens on right now (the OS's pick). */
export async function freePort(): Promise<number> {
  const srv = net.createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const port = (srv.address() as net.AddressInfo).port;
  srv.close();
  await once(srv, 'close');
  return port;
}

/** A stand-in for the api on 127.0.0.1 that answers every request with these test runs, for web under load or in a container. */
export async function testRunsApi(items: readonly unknown[]): Promise<{ url: string; close: () => void }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ count: items.length, items }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`, close: () => { server.closeAllConnections(); server.close(); } };
}
