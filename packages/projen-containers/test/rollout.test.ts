import { once } from 'node:events';
import { createServer, Server } from 'node:http';
import { measureLoad, percentile, rollout } from '../src/lib/load';

async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/` };
}

describe('rollout measurement', () => {
  test('counts requests a server drops as unanswered and refused connections apart; passes the exit code through', async () => {
    let dropping = false;
    const { server, url } = await serve((req, res) => {
      if (dropping) req.socket.destroy(); // received, never answered
      else res.end('ok');
    });
    const r = await rollout({
      url,
      connections: 4,
      signalAfterMs: 300,
      loadAfterExitMs: 200,
      stop: async () => {
        dropping = true;
        await new Promise((resolve) => setTimeout(resolve, 200));
        server.close();
        server.closeAllConnections();
        return 3;
      },
    });
    expect(r.answered).toBeGreaterThan(0);
    expect(r.unanswered).toBeGreaterThanOrEqual(4);
    expect(Object.keys(r.errors)).toEqual(expect.arrayContaining([expect.stringMatching(/ECONNRESET|socket hang up/)]));
    expect(r.refused).toBeGreaterThan(0);
    expect(r.exitCode).toBe(3);
    expect(r.exitMs).toBeGreaterThanOrEqual(190);
  });

  test('a server that never stops: the load still ends at maxMs', async () => {
    const { server, url } = await serve((_req, res) => res.end('ok'));
    const t0 = Date.now();
    const r = await rollout({ url, connections: 2, signalAfterMs: 100, maxMs: 600, stop: () => new Promise(() => { /* never */ }) });
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(r.exitCode).toBeNull();
    expect(r.unanswered).toBe(0);
    server.closeAllConnections();
    server.close();
  });

  test('only loopback targets', async () => {
    await expect(measureLoad('http://10.0.0.1:3000/', { durationMs: 10, warmupMs: 0 })).rejects.toThrow('only sent to loopback addresses');
  });
});

describe('load figures', () => {
  test('requests per second and percentiles at a fixed concurrency; 5xx answers count as failed', async () => {
    let n = 0;
    const { server, url } = await serve((_req, res) => {
      res.statusCode = ++n % 10 === 0 ? 500 : 200;
      res.end('ok');
    });
    const f = await measureLoad(url, { connections: 4, durationMs: 300, warmupMs: 100 });
    server.closeAllConnections();
    server.close();
    expect(f.connections).toBe(4);
    expect(f.requests).toBeGreaterThan(0);
    expect(f.requestsPerSecond).toBeCloseTo(f.requests / 0.3);
    expect(f.failed).toBeGreaterThan(0);
    expect(f.p99Ms!).toBeGreaterThanOrEqual(f.p50Ms!);
  });

  test('percentile: nearest rank', () => {
    const v = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(v, 0.5)).toBe(50);
    expect(percentile(v, 0.99)).toBe(99);
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([], 0.5)).toBeUndefined();
  });
});
