import { redactUserinfo } from './redact';

/** Client for the api service, used on the server only (API_URL is read at request time). */
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

/** The most runs the page shows: more than that is a broken or hostile answer, not a dashboard. */
const MAX_RUNS = 1000;
/** The largest answer read from the api (MAX_RUNS runs take about 300 kB). */
const MAX_BODY_BYTES = 1024 * 1024;

const STATUSES: readonly string[] = ['passed', 'failed', 'running', 'queued'];

/** The api's base URL, read at run time so one image serves any environment (start.cjs validates it). */
export function apiUrl(env: NodeJS.ProcessEnv = process.env): string {
  return (env.API_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isText = (v: unknown, max = 500): v is string => typeof v === 'string' && v.length <= max;
const isTimestamp = (v: unknown): boolean => v === null || (isText(v, 40) && !Number.isNaN(Date.parse(v)));

/** Why `value` is not a test run, or undefined when it is one. */
function invalidRun(value: unknown): string | undefined {
  if (!isObject(value)) return 'not an object';
  if (!isText(value.id, 100) || value.id === '') return 'id';
  for (const field of ['name', 'suite'] as const) if (!isText(value[field])) return field;
  if (!isText(value.status) || !STATUSES.includes(value.status)) return 'status';
  if (!isTimestamp(value.startedAt)) return 'startedAt';
  if (!isTimestamp(value.finishedAt)) return 'finishedAt';
  if (value.durationMs !== null && !isCount(value.durationMs)) return 'durationMs';
  const totals = value.totals;
  if (!isObject(totals) || !isCount(totals.passed) || !isCount(totals.failed) || !isCount(totals.skipped)) return 'totals';
  return undefined;
}

/**
 * The test runs in an answer of `GET /api/test-runs` (`{ count, items }`), checked field by field:
 * anything else is a failed result with the reason, never an exception.
 */
function parseTestRuns(body: unknown): TestRunsResult {
  if (!isObject(body) || !Array.isArray(body.items)) return { ok: false, reason: 'api answered without a list of test runs' };
  const items: unknown[] = body.items;
  if (items.length > MAX_RUNS) return { ok: false, reason: `api answered ${items.length} test runs, more than ${MAX_RUNS}` };
  for (const [i, item] of items.entries()) {
    const invalid = invalidRun(item);
    if (invalid) return { ok: false, reason: `api answered a malformed test run (item ${i}: ${invalid})` };
  }
  return { ok: true, runs: items as TestRun[] };
}

/** The body as text, or undefined once it passes `maxBytes` (the rest is not read). */
async function readLimited(res: Response, maxBytes: number): Promise<string | undefined> {
  if (Number(res.headers.get('content-length') ?? 0) > maxBytes) {
    await res.body?.cancel();
    return undefined;
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The api's test runs, or why they cannot be shown (api down, slow, failing, redirecting or answering
 * nonsense). The reason is shown to every visitor: it never holds the URL's credentials.
 */
export async function fetchTestRuns(baseUrl = apiUrl(), timeoutMs = 3000): Promise<TestRunsResult> {
  try {
    // The api is a trusted upstream at a fixed address: a redirect is its failure, never followed
    // (following one would show whatever answers at the target as the api's runs).
    const res = await fetch(`${baseUrl}/api/test-runs`, { cache: 'no-store', redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    if (res.status >= 300 && res.status < 400) {
      await res.body?.cancel();
      return { ok: false, reason: `api answered ${res.status}, a redirect` };
    }
    if (!res.ok) {
      await res.body?.cancel();
      return { ok: false, reason: `api answered ${res.status}` };
    }
    const text = await readLimited(res, MAX_BODY_BYTES);
    if (text === undefined) return { ok: false, reason: `api answered more than ${MAX_BODY_BYTES} bytes` };
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return { ok: false, reason: 'api answered with invalid JSON' };
    }
    return parseTestRuns(body);
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    if (e.name === 'TimeoutError') return { ok: false, reason: `api did not answer within ${timeoutMs} ms` };
    return { ok: false, reason: redactUserinfo(`api unreachable: ${e.cause?.code ?? e.cause?.message ?? e.message}`) };
  }
}

export function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m ${s % 60}s` : `${s}s`;
}
