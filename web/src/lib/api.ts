/** Client for the api service, used by server components only (API_URL is read at request time). */
export interface TestRun {
  id: string;
  name: string;
  suite: string;
  status: 'passed' | 'failed' | 'running' | 'queued';
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  totals: { passed: number; failed: number; skipped: number };
}

export type TestRunsResult =
  | { ok: true; runs: TestRun[] }
  | { ok: false; reason: string };

/** The api's base URL, read at run time so one image serves any environment. */
export function apiUrl(env: NodeJS.ProcessEnv = process.env): string {
  return (env.API_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
}

export async function fetchTestRuns(baseUrl = apiUrl(), timeoutMs = 3000): Promise<TestRunsResult> {
  try {
    const res = await fetch(`${baseUrl}/api/test-runs`, { cache: 'no-store', signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return { ok: false, reason: `api answered ${res.status}` };
    const body = (await res.json()) as { items?: TestRun[] };
    if (!Array.isArray(body.items)) return { ok: false, reason: 'api answered with an unexpected body' };
    return { ok: true, runs: body.items };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return { ok: false, reason: e.cause?.code ?? e.name ?? 'request failed' };
  }
}

export function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m ${s % 60}s` : `${s}s`;
}
