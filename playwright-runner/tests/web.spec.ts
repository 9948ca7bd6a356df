import { expect, test } from '@playwright/test';
import { resolveTargets } from '../src/targets';

const { apiUrl, unavailableBaseUrl } = resolveTargets(process.env);

test.describe('web', () => {
  test('the home page shows every run that api serves', async ({ page, request }) => {
    const runs = (await (await request.get(`${apiUrl}/api/test-runs`)).json()).items as { id: string; name: string; status: string }[];
    await page.goto('/');
    await expect(page.getByRole('heading', { name: 'QUALISYS test runs' })).toBeVisible();
    await expect(page.getByTestId('test-run')).toHaveCount(runs.length);
    for (const run of runs) {
      const row = page.locator(`[data-run-id="${run.id}"]`);
      await expect(row).toContainText(run.name);
      await expect(row).toContainText(run.status);
    }
    await expect(page.getByTestId('api-unavailable')).toHaveCount(0);
  });

  test('the health route answers', async ({ request }) => {
    const res = await request.get('/api/health');
    expect(res.status()).toBe(200);
    expect((await res.json()).status).toBe('ok');
  });

  test('with api down the page shows "API unavailable", with a 503 that monitors see', async ({ page }) => {
    test.skip(!unavailableBaseUrl, 'UNAVAILABLE_BASE_URL (a web instance whose API_URL points nowhere) is not set');
    const res = await page.goto(`${unavailableBaseUrl}/`);
    expect(res?.status()).toBe(503);
    await expect(page.getByTestId('api-unavailable')).toBeVisible();
    await expect(page.getByText('API unavailable')).toBeVisible();
  });
});
