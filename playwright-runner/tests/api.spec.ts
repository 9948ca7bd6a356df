import { expect, test } from '@playwright/test';
import { resolveTargets } from '../src/targets';

const { apiUrl } = resolveTargets(process.env);

test.describe('api', () => {
  test('health reports ok with a version', async ({ request }) => {
    const res = await request.get(`${apiUrl}/health`);
    expect(res.status()).toBe(200);
    const body = await res.json();
    expect(body.status).toBe('ok');
    expect(body.version).toEqual(expect.any(String));
    expect(body.uptime).toEqual(expect.any(Number));
  });

  test('lists test runs', async ({ request }) => {
    const res = await request.get(`${apiUrl}/api/test-runs`);
    expect(res.status()).toBe(200);
    const body = await res.json();
    expect(body.items.length).toBeGreaterThan(0);
    expect(body.count).toBe(body.items.length);
  });

  test('an unknown test run is a JSON 404', async ({ request }) => {
    const res = await request.get(`${apiUrl}/api/test-runs/tr-99999`);
    expect(res.status()).toBe(404);
    expect(await res.json()).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });

  test('a malformed id is a JSON 400', async ({ request }) => {
    const res = await request.get(`${apiUrl}/api/test-runs/..%2Fetc`);
    expect(res.status()).toBe(400);
    expect(await res.json()).toMatchObject({ statusCode: 400 });
  });
});
