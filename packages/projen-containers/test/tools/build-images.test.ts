/** The build:docker command line, where it stops before building: no engine, an unknown service or option. */
import { runTsTool } from '../fixtures';

const runTool = (args: string[], env: NodeJS.ProcessEnv) => runTsTool('packages/projen-containers/src/tools/build-images.ts', args, env);

describe('the build:docker command line', () => {
  test('without a Docker engine it says so and how to start one, with no stack trace', () => {
    const r = runTool(['api'], { DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('build:docker: No Docker engine is reachable at DOCKER_HOST=unix:///nonexistent/docker.sock.');
    expect(r.stderr).toContain('sudo systemctl start docker');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test('an unknown service or option is refused before anything is built', () => {
    const r = runTool(['--', 'nope'], { DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('build:docker: Unknown service nope: choose from api, web, playwright-runner.');
    const o = runTool(['--fast'], {});
    expect(o.status).toBe(2);
    expect(o.stderr).toContain('Unknown option --fast');
  });
});
