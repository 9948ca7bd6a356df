/**
 * The generated workflows: snapshots, the real linters (actionlint, zizmor), and our rules, each
 * shown to catch a workflow broken on purpose.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import {
  actionsPinnedBySha, checkWorkflow, leastPrivilege, noUntrustedInterpolation, sarifUploads, scansFail, timeouts,
} from '../../projenrc/github/workflow-rules';
import { REPO_ROOT as ROOT } from '../fixtures';

const DIR = path.join(ROOT, '.github', 'workflows');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.yml')).sort();
const load = (f: string) => parse(readFileSync(path.join(DIR, f), 'utf8'));
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));

function tool(cmd: string, args: string[], install: string) {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8' });
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') throw new Error(`${cmd} is not installed: ${install} (tools/setup-test-env.sh does it).`);
  return r;
}

test('the expected workflows are generated', () => {
  expect(FILES).toEqual(['build.yml', 'dependabot-sync.yml', 'images.yml', 'reusable-build.yml', 'update-base-images.yml']);
});

test.each(FILES)('%s matches its snapshot', (f) => {
  expect(readFileSync(path.join(DIR, f), 'utf8')).toMatchSnapshot();
});

test('actionlint finds nothing in any workflow', () => {
  const r = tool('actionlint', ['-no-color', ...FILES.map((f) => path.join(DIR, f))], 'go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12');
  expect(r.stdout + r.stderr).toBe('');
  expect(r.status).toBe(0);
});

test('zizmor finds nothing of low severity or above', () => {
  const r = tool('zizmor', ['--offline', '--min-severity', 'low', '--format', 'plain', '.github/workflows'], 'pip install zizmor');
  expect(r.stdout).toContain('No findings to report');
  expect(r.status).toBe(0);
});

test.each(FILES)('%s follows every rule (pinned, least privilege, timeouts, no untrusted interpolation, failing scans, SARIF)', (f) => {
  expect(checkWorkflow(load(f))).toEqual([]);
});

describe('each rule catches its case', () => {
  const reusable = () => clone(load('reusable-build.yml'));

  test('an action not pinned by SHA', () => {
    const wf = reusable();
    wf.jobs.build.steps[0].uses = 'actions/checkout@v7';
    expect(actionsPinnedBySha(wf)).toEqual([expect.objectContaining({ rule: 'pinned-actions', message: 'actions/checkout@v7 is not pinned by a full commit SHA' })]);
  });

  test('a job without permissions, and write-all at the top', () => {
    const wf = reusable();
    delete wf.jobs.sarif.permissions;
    wf.permissions = 'write-all';
    expect(leastPrivilege(wf).map((v) => v.where)).toEqual(['permissions', 'jobs.sarif']);
  });

  test('a job without timeout-minutes', () => {
    const wf = reusable();
    delete wf.jobs.push['timeout-minutes'];
    expect(timeouts(wf)).toEqual([expect.objectContaining({ where: 'jobs.push' })]);
  });

  test('a run: script that interpolates untrusted context', () => {
    const wf = reusable();
    wf.jobs.build.steps[1].run = 'echo "${{ github.event.pull_request.title }}"';
    const caller = clone(load('images.yml'));
    caller.jobs.changes.steps[2].run = 'echo ${{ github.head_ref }}';
    const dispatch = reusable();
    dispatch.jobs.build.steps[1].run = 'echo ${{ inputs.image }}';
    expect(noUntrustedInterpolation(wf)).toHaveLength(1);
    expect(noUntrustedInterpolation(caller)).toHaveLength(1);
    expect(noUntrustedInterpolation(dispatch)).toHaveLength(1);
  });

  test('a scan step without exit-code: 1', () => {
    const wf = reusable();
    const i = wf.jobs.build.steps.findIndex((s: { id?: string }) => s.id === 'vuln');
    wf.jobs.build.steps[i].with['exit-code'] = '0';
    expect(scansFail(wf)).toEqual([expect.objectContaining({ rule: 'scan-exit-code' })]);
  });

  test('an upload without if: always(), or with a duplicate category', () => {
    const noAlways = reusable();
    noAlways.jobs.sarif.steps[1].if = "hashFiles('trivy-vuln.sarif') != ''";
    expect(sarifUploads(noAlways)).toEqual([expect.objectContaining({ rule: 'sarif-always' })]);
    const duplicate = reusable();
    duplicate.jobs.sarif.steps[2].with.category = duplicate.jobs.sarif.steps[1].with.category;
    expect(sarifUploads(duplicate)).toEqual([expect.objectContaining({ rule: 'sarif-category' })]);
  });
});

describe('what the workflows do', () => {
  const reusable = load('reusable-build.yml');
  const caller = load('images.yml');

  test('BuildKit with the GitHub Actions cache, one scope per service, mode=max; load before push', () => {
    const build = reusable.jobs.build.steps.find((s: { id?: string }) => s.id === 'build');
    expect(build.with).toMatchObject({ 'load': true, 'push': false, 'cache-from': 'type=gha,scope=${{ inputs.service }}', 'cache-to': 'type=gha,scope=${{ inputs.service }},mode=max' });
  });

  test('push happens only after the scans passed, never on pull requests, with provenance and an SBOM', () => {
    expect([reusable.jobs.push.needs].flat()).toEqual(['build']);
    expect(reusable.jobs.push.if).toBe("inputs.push && github.event_name != 'pull_request' && needs.build.result == 'success'");
    const push = reusable.jobs.push.steps.find((s: { id?: string }) => s.id === 'push');
    expect(push.with).toMatchObject({ push: true, provenance: 'mode=max', sbom: true });
  });

  test('ECR through OIDC: id-token only on the push job, no stored keys', () => {
    expect(reusable.jobs.push.permissions).toEqual({ 'contents': 'read', 'id-token': 'write' });
    expect(reusable.jobs.build.permissions).toEqual({ contents: 'read' });
    expect(JSON.stringify(reusable)).not.toMatch(/aws-access-key-id|AWS_SECRET_ACCESS_KEY/);
    expect(reusable.jobs.sarif.permissions['security-events']).toBe('write');
    expect(reusable.jobs.build.permissions['security-events']).toBeUndefined();
  });

  test('the tags come from the tag script, in the build and the push jobs alike', () => {
    for (const job of ['build', 'push']) {
      const step = reusable.jobs[job].steps.find((s: { id?: string }) => s.id === 'tags');
      expect(step.run).toMatch(/^node scripts\/image-tags\.mjs --image "\$IMAGE"/);
    }
  });

  test('the caller builds every service on release tags and dispatches, the changed ones otherwise', () => {
    expect(caller.on.push).toEqual({ branches: ['main', 'staging'], tags: ['v[0-9]+.[0-9]+.[0-9]+*'] });
    expect(Object.keys(caller.jobs)).toEqual(['changes', 'api', 'web', 'playwright-runner']);
    expect(caller.jobs.api).toMatchObject({ uses: './.github/workflows/reusable-build.yml', with: { context: 'api', dockerfile: 'api/Dockerfile', image: 'qualisys/api' } });
    expect(caller.concurrency).toEqual({ 'group': '${{ github.workflow }}-${{ github.event.pull_request.number || github.ref }}', 'cancel-in-progress': "${{ github.event_name == 'pull_request' }}" });
  });
});
