import { fetchTestRuns, formatDuration } from '../lib/api';

// Rendered on every request: the data comes from api, whose address is read at run time.
export const dynamic = 'force-dynamic';

export default async function Home() {
  const result = await fetchTestRuns();
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
