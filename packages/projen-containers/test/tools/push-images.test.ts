/**
 * The push:docker command line where it stops before needing an engine or a registry: its exit
 * statuses and messages. Its parts are tested beside their modules (test/lib/registry-push.test.ts,
 * test/engine/); the pushes themselves, signatures and SBOMs against a real registry in
 * test/images/registry.test.ts.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { builtImage, runTsTool } from '../fixtures';

const built = builtImage;

describe('the push:docker tool, where it stops before needing an engine', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'push-tool-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('no build report: exit 2, "run npx projen build:docker first"', () => {
    const r = runTsTool('packages/projen-containers/src/tools/push-images.ts', ['--', '--report', path.join(dir, 'build.json'), '--registry', '127.0.0.1:5999'], { DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`push:docker: No build report at ${path.join(dir, 'build.json')} (no such file): run npx projen build:docker first`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test('a registry that is none, a service the report lacks, an unknown option: exit 2', () => {
    const bad = runTsTool('packages/projen-containers/src/tools/push-images.ts', ['--registry', 'https://ghcr.io'], {});
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('push:docker: The registry "https://ghcr.io" (from --registry) is not a registry host');
    const env = runTsTool('packages/projen-containers/src/tools/push-images.ts', [], { IMAGE_REGISTRY: 'not a registry' });
    expect(env.stderr).toContain('(from IMAGE_REGISTRY)');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'build.json'), JSON.stringify({ schema: 1, createdAt: 't', images: [built()] }));
    const unknown = runTsTool('packages/projen-containers/src/tools/push-images.ts', ['--report', path.join(dir, 'build.json'), 'web'], {});
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('web is not in the build report');
    expect(unknown.stderr).toContain('run npx projen build:docker web first');
    expect(runTsTool('packages/projen-containers/src/tools/push-images.ts', ['--force'], {}).status).toBe(2);
  });

  test('without an engine: exit 3 with what to do', () => {
    const r = runTsTool('packages/projen-containers/src/tools/push-images.ts', ['--report', path.join(dir, 'build.json')], { DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('push:docker: No Docker engine is reachable at DOCKER_HOST=unix:///nonexistent/docker.sock.');
  });
});
