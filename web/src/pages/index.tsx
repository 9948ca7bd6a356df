import type { GetServerSideProps } from 'next';
import { fetchTestRuns, formatDuration, TestRunsResult } from '../lib/api';

// The home page is rendered on every request by the Pages Router, because the status code must
// tell the truth: when the test runs cannot be shown, the answer is a 503 with the "API
// unavailable" state in its body, so that monitors and load balancers see the outage. (The App
// Router can set no status but 404, 403, 401, redirects and 500.)
export const getServerSideProps: GetServerSideProps<{ result: TestRunsResult }> = async ({ res }) => {
  const result = await fetchTestRuns();
  res.setHeader('cache-control', 'no-store');
  if (!result.ok) {
    res.statusCode = 503;
    res.setHeader('retry-after', '10');
  }
  return { props: { result } };
};

export default function Home({ result }: { result: TestRunsResult }) {
  return (
    <main>
      <h1>QUALISYS test runs</h1>
      {result.ok ? (
        <table data-testid="test-runs">
          <thead>
            <tr><th>Run</th><th>Name</th><th>Suite</th><th>Status</th><th>Duration</th><th>Passed / failed / skipped</th></tr>
          </thead>
          <tbody>
            {result.runs.map((run) => (
              <tr key={run.id} data-testid="test-run" data-run-id={run.id}>
                <td>{run.id}</td>
                <td>{run.name}</td>
                <td>{run.suite}</td>
                <td className={`status status-${run.status}`}>{run.status}</td>
                <td>{formatDuration(run.durationMs)}</td>
                <td>{run.totals.passed} / {run.totals.failed} / {run.totals.skipped}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <div role="alert" className="unavailable" data-testid="api-unavailable">
          <h2>API unavailable</h2>
          <p>Test runs cannot be shown right now ({result.reason}). The page will show them once the api is reachable again.</p>
        </div>
      )}
    </main>
  );
}
