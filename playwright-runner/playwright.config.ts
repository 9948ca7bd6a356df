import { defineConfig, devices } from '@playwright/test';
import { resolveTargets } from './src/targets';

/**
 * End-to-end suite of QUALISYS. Everything comes from the environment, so the same suite runs
 * from a laptop, from CI and inside the playwright-runner image:
 *   BASE_URL, API_URL   the web and api under test
 *   RESULTS_DIR         where junit.xml and the html report go (default ./results)
 *   CHROMIUM_PATH       launch Chromium from this binary instead of Playwright's own build
 *   PW_WORKERS, PW_TIMEOUT_MS, PW_RETRIES   execution settings
 */
const targets = resolveTargets(process.env);
const chromiumLaunch = targets.chromiumPath
  ? {
      executablePath: targets.chromiumPath,
      // Quiet Chromium on closed networks; the sandbox needs user namespaces that containers rarely grant to root.
      args: [
        '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
        ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
      ],
    }
  : {};

export default defineConfig({
  testDir: './tests',
  outputDir: `${targets.resultsDir}/artifacts`,
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  workers: targets.workers,
  retries: targets.retries,
  timeout: targets.testTimeoutMs,
  expect: { timeout: Math.min(10_000, targets.testTimeoutMs) },
  reporter: [
    ['list'],
    ['junit', { outputFile: `${targets.resultsDir}/junit.xml` }],
    ['html', { outputFolder: `${targets.resultsDir}/html`, open: 'never' }],
  ],
  use: {
    baseURL: targets.baseUrl,
    headless: true,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    { name: 'chromium', use: { ...devices['Desktop Chrome'], launchOptions: chromiumLaunch } },
    { name: 'firefox', use: { ...devices['Desktop Firefox'] } },
    { name: 'webkit', use: { ...devices['Desktop Safari'] } },
  ],
});
