/** The bench:docker command line, where it stops before building: no engine, bad arguments. */
import { runTsTool } from '../fixtures';

const runTool = (args: string[], env: NodeJS.ProcessEnv) => runTsTool('packages/projen-containers/src/tools/bench-docker.ts', args, env);

describe('the bench:docker command line', () => {
  test('without a Docker engine it says so and how to start one (exit 3), before resolving anything', () => {
    const r = runTool(['api'], { DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('bench:docker: No Docker engine is reachable at DOCKER_HOST=unix:///nonexistent/docker.sock.');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test.each<[string[], string]>([
    [['--runs', '0'], '--runs 0: give a whole number of 1 or more.'],
    [['--runs'], '--runs needs a value'],
    [['--fast'], 'Unknown option --fast: usage: npx projen bench:docker -- [--runs N]'],
    [['wbe'], 'Unknown service wbe: choose from api, web, playwright-runner.'],
  ])('refuses %j before building anything (exit 2)', (args, message) => {
    const r = runTool(args, { DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`bench:docker: ${message}`);
  });
});
