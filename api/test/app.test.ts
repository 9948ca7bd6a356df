import { once } from 'node:events';
import { AddressInfo, Socket } from 'node:net';
import { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app';
import { inMemoryTestRunStore } from '../src/test-runs';

/** A response as the tests read it. */
interface Res { statusCode: number; headers: Record<string, string>; body: string; json: () => any }

/** Serves the app on a random loopback port and sends real HTTP requests to it. */
async function serve(app: FastifyInstance): Promise<(url: string) => Promise<Res>> {
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  return async (url) => {
    const r = await fetch(base + url);
    const body = await r.text();
    return { statusCode: r.status, headers: Object.fromEntries(r.headers), body, json: () => JSON.parse(body) };
  };
}

describe('api routes', () => {
  const app = buildApp({ version: '9.9.9' });
  let get: (url: string) => Promise<Res>;
  beforeAll(async () => { get = await serve(app); });
  afterAll(() => app.close());

  test('GET /health reports status, version and uptime', async () => {
    const res = await get('/health');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ status: 'ok', version: '9.9.9' });
    expect(typeof body.uptime).toBe('number');
  });

  test('GET /api/test-runs lists runs with id, name, status and timings', async () => {
    const res = await get('/api/test-runs');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    const body = res.json();
    expect(body.count).toBe(body.items.length);
    expect(body.items.length).toBeGreaterThan(0);
    for (const run of body.items) {
      expect(run).toEqual(expect.objectContaining({ id: expect.stringMatching(/^tr-\d+$/), name: expect.any(String), status: expect.any(String) }));
      expect(run).toHaveProperty('startedAt');
      expect(run).toHaveProperty('durationMs');
    }
  });

  test('GET /api/test-runs?status= filters, and rejects an unknown status with 400', async () => {
    const failed = (await get('/api/test-runs?status=failed')).json();
    expect(failed.items.every((r: { status: string }) => r.status === 'failed')).toBe(true);
    expect(failed.count).toBeGreaterThan(0);
    const bad = await get('/api/test-runs?status=exploded');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' });
  });

  test('GET /api/test-runs/:id returns one run', async () => {
    const res = await get('/api/test-runs/tr-1002');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: 'tr-1002', status: 'failed' });
  });

  test('an unknown id is a 404 with a JSON error', async () => {
    const res = await get('/api/test-runs/tr-9999');
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.json()).toEqual({ statusCode: 404, error: 'Not Found', message: 'Test run tr-9999 does not exist' });
  });

  test('a malformed id is a 400 with a JSON error', async () => {
    const res = await get('/api/test-runs/not-an-id');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' });
  });

  test('an unknown route is a 404 with a JSON error', async () => {
    const res = await get('/nope');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });

  // `OPTIONS * HTTP/1.1` asks about the server itself: answered as web answers it.
  test.each([
    ['OPTIONS', /^HTTP\/1\.1 204 No Content\r\n/, /\r\nallow: GET, HEAD, OPTIONS\r\n/i],
    ['GET', /^HTTP\/1\.1 400 Bad Request\r\n/, /The request target \* is for OPTIONS only, not GET/],
  ])('%s * is answered, never with a 500', async (method, status, detail) => {
    const socket = new Socket();
    socket.connect((app.server.address() as AddressInfo).port, '127.0.0.1');
    await once(socket, 'connect');
    let raw = '';
    socket.on('data', (d) => (raw += d));
    socket.write(`${method} * HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    await once(socket, 'close');
    expect(raw).toMatch(status);
    expect(raw).toMatch(detail);
  });

  test('a store failure is a 500 that does not leak the cause', async () => {
    const broken = buildApp({
      version: '1',
      store: { ...inMemoryTestRunStore(), list: () => { throw new Error('db password is hunter2'); } },
    });
    const res = await (await serve(broken))('/api/test-runs');
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('hunter2');
    await broken.close();
  });
});
