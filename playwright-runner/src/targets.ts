/** Settings of one run of the suite, read from the environment with checked values and sensible defaults. */
export interface Targets {
  readonly baseUrl: string;
  readonly apiUrl: string;
  /** A URL where nothing answers, for the "API unavailable" test, or undefined to skip it. */
  readonly unavailableBaseUrl?: string;
  readonly resultsDir: string;
  readonly chromiumPath?: string;
  readonly workers: number;
  readonly retries: number;
  readonly testTimeoutMs: number;
}

function url(env: NodeJS.ProcessEnv, name: string, fallback?: string): string {
  const raw = env[name]?.trim() || fallback;
  if (!raw) throw new Error(`${name} is not set: point it at the service to test, e.g. ${name}=http://127.0.0.1:3000`);
  try {
    const u = new URL(raw);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw new Error(`${name}="${raw}" is not an http(s) URL`);
  }
  return raw.replace(/\/+$/, '');
}

function count(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min) throw new Error(`${name}="${raw}" must be an integer >= ${min}`);
  return Number(raw);
}

export function resolveTargets(env: NodeJS.ProcessEnv): Targets {
  return {
    baseUrl: url(env, 'BASE_URL', 'http://127.0.0.1:3001'),
    apiUrl: url(env, 'API_URL', 'http://127.0.0.1:3000'),
    unavailableBaseUrl: env.UNAVAILABLE_BASE_URL ? url(env, 'UNAVAILABLE_BASE_URL') : undefined,
    resultsDir: env.RESULTS_DIR?.trim() || 'results',
    chromiumPath: env.CHROMIUM_PATH?.trim() || undefined,
    workers: count(env, 'PW_WORKERS', 2, 1),
    retries: count(env, 'PW_RETRIES', env.CI ? 1 : 0, 0),
    testTimeoutMs: count(env, 'PW_TIMEOUT_MS', 30_000, 1000),
  };
}
