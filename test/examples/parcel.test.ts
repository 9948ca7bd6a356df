/**
 * The example project's generated files (examples/parcel), as GitHub and its reviewers would read
 * them: every Dockerfile passes hadolint, every workflow actionlint (with shellcheck) and zizmor,
 * and the files say they are generated. The images themselves are built and run in
 * test/images/parcel.test.ts; tools/test-example.sh checks that they are what .projenrc.ts makes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../../packages/projen-containers/test/fixtures';

const EXAMPLE = path.join(REPO_ROOT, 'examples', 'parcel');
const manifest = JSON.parse(readFileSync(path.join(EXAMPLE, '.projen', 'docker-images.json'), 'utf8')) as { images: { service: string; dockerfile: string; context: string }[] };
const workflows = readdirSync(path.join(EXAMPLE, '.github', 'workflows')).filter((f) => f.endsWith('.yml')).map((f) => `.github/workflows/${f}`);

function tool(cmd: string, args: string[], install: string) {
  const r = spawnSync(cmd, args, { cwd: EXAMPLE, encoding: 'utf8' });
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') throw new Error(`${cmd} is not installed: ${install}`);
  return r;
}

test('three services: Python, Go and a Node.js worker, each with a Dockerfile and a .dockerignore', () => {
  expect(manifest.images.map((i) => i.service).sort()).toEqual(['notifier', 'rates', 'tracking']);
  for (const i of manifest.images) {
    expect(existsSync(path.join(EXAMPLE, i.dockerfile))).toBe(true);
    expect(existsSync(path.join(EXAMPLE, i.context, '.dockerignore'))).toBe(true);
  }
});

test.each(['rates', 'tracking', 'notifier'])('services/%s/Dockerfile passes hadolint with no finding', (service) => {
  const r = tool('hadolint', ['--no-color', `services/${service}/Dockerfile`], 'tools/install-linters.sh installs it');
  expect(r.stdout + r.stderr).toBe('');
  expect(r.status).toBe(0);
});

test('the workflows pass actionlint, with shellcheck', () => {
  expect(workflows.length).toBeGreaterThanOrEqual(2);
  const r = tool('actionlint', ['-no-color', '-shellcheck', 'shellcheck', ...workflows], 'tools/install-linters.sh installs it');
  expect(r.stdout + r.stderr).toBe('');
  expect(r.status).toBe(0);
});

test('zizmor finds nothing in the workflows and dependabot.yml', () => {
  const r = tool('zizmor', ['--offline', '--min-severity', 'low', '--format', 'plain', '.github'], 'pip install zizmor (tools/install-linters.sh does it)');
  expect(r.stdout).toMatch(/No findings/);
  expect(r.status).toBe(0);
});

test('no staging anywhere: the project has no staging branch', () => {
  for (const f of [...workflows, 'docs/docker-build-guide.md']) {
    expect([f, /staging/i.test(readFileSync(path.join(EXAMPLE, f), 'utf8'))]).toEqual([f, false]);
  }
  // The tag script is told so: its policy has no staging branch.
  expect(readFileSync(path.join(EXAMPLE, 'scripts', 'image-tags.mjs'), 'utf8')).toMatch(/main\(\{"defaultBranch":"trunk","stagingBranch":false/);
});
