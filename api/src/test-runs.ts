/** A run of a test suite against one build of a product, as QUALISYS records it. */
export interface TestRun {
  readonly id: string;
  readonly name: string;
  readonly suite: string;
  readonly status: 'passed' | 'failed' | 'running' | 'queued';
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly durationMs: number | null;
  readonly totals: { readonly passed: number; readonly failed: number; readonly skipped: number };
}

/** Test run ids look like `tr-1001`. */
export const TEST_RUN_ID_PATTERN = '^tr-[0-9]{4,8}$';

const RUNS: readonly TestRun[] = [
  {
    id: 'tr-1001',
    name: 'Checkout flow regression',
    suite: 'e2e/checkout',
    status: 'passed',
    startedAt: '2026-11-20T09:12:00.000Z',
    finishedAt: '2026-11-20T09:18:31.000Z',
    durationMs: 391_000,
    totals: { passed: 48, failed: 0, skipped: 2 },
  },
  {
    id: 'tr-1002',
    name: 'Payments API contract',
    suite: 'contract/payments',
    status: 'failed',
    startedAt: '2026-11-20T10:02:00.000Z',
    finishedAt: '2026-11-20T10:04:12.000Z',
    durationMs: 132_000,
    totals: { passed: 115, failed: 3, skipped: 0 },
  },
  {
    id: 'tr-1003',
    name: 'Nightly accessibility audit',
    suite: 'a11y/nightly',
    status: 'running',
    startedAt: '2026-11-21T01:00:00.000Z',
    finishedAt: null,
    durationMs: null,
    totals: { passed: 12, failed: 0, skipped: 0 },
  },
  {
    id: 'tr-1004',
    name: 'Search relevance smoke',
    suite: 'smoke/search',
    status: 'queued',
    startedAt: null,
    finishedAt: null,
    durationMs: null,
    totals: { passed: 0, failed: 0, skipped: 0 },
  },
];

/** Read-only store of test runs. In-memory for now; the interface is what the routes depend on. */
export interface TestRunStore {
  list(status?: TestRun['status']): readonly TestRun[];
  get(id: string): TestRun | undefined;
}

export function inMemoryTestRunStore(runs: readonly TestRun[] = RUNS): TestRunStore {
  return {
    list: (status) => (status ? runs.filter((r) => r.status === status) : runs),
    get: (id) => runs.find((r) => r.id === id),
  };
}
