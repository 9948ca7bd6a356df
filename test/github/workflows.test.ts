/**
 * The generated workflows: snapshots, the real linters (actionlint, zizmor), and our rules, each
 * shown to catch a workflow broken on purpose.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { pinnedToolVersion } from '../../projenrc/github/linter-versions';
import {
  actionsPinnedBySha, checkWorkflow, leastPrivilege, noAlwaysOnSteps, noUntrustedInterpolation, sarifUploads, scansFail, timeouts,
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
  expect(FILES).toEqual(['build.yml', 'dependabot-sync.yml', 'images.yml', 'reusable-build.yml', 'scan-deployed.yml', 'update-base-images.yml']);
});

test.each(FILES)('%s matches its snapshot', (f) => {
  expect(readFileSync(path.join(DIR, f), 'utf8')).toMatchSnapshot();
});

test('actionlint, with shellcheck as on GitHub\'s runners, finds nothing in any workflow', () => {
  // GitHub's Ubuntu runners ship shellcheck, so actionlint checks every run: script there: here too.
  expect(tool('shellcheck', ['--version'], 'apt-get install shellcheck').status).toBe(0);
  const r = tool('actionlint', ['-no-color', ...FILES.map((f) => path.join(DIR, f))], 'go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12');
  expect(r.stdout + r.stderr).toBe('');
  expect(r.status).toBe(0);
});

test('shellcheck finds nothing in the repository\'s own shell scripts (tools/, generated scripts/)', () => {
  const shellIn = (dir: string) => readdirSync(path.join(ROOT, dir)).filter((f) => f.endsWith('.sh')).map((f) => `${dir}/${f}`);
  const scripts = [...shellIn('tools'), ...shellIn('scripts')];
  scripts.push('.ci/run');
  expect(scripts).toContain('scripts/publish-image.sh');
  const r = tool('shellcheck', ['-x', ...scripts], 'apt-get install shellcheck');
  expect(r.stdout + r.stderr).toBe('');
  expect(r.status).toBe(0);
});

test('zizmor finds nothing of low severity or above in the workflows and dependabot.yml', () => {
  const r = tool('zizmor', ['--offline', '--min-severity', 'low', '--format', 'plain', '.github'], 'pip install zizmor');
  expect(r.stderr).toContain('completed .github/dependabot.yml');
  expect(r.stdout).toContain('No findings to report');
  expect(r.status).toBe(0);
});

test.each(FILES)('%s follows every rule (pinned, least privilege, timeouts, no untrusted interpolation, failing scans, SARIF, no always() on steps)', (f) => {
  expect(checkWorkflow(load(f))).toEqual([]);
});

describe('each rule catches its case', () => {
  const reusable = () => clone(load('reusable-build.yml'));

  test('an action not pinned by SHA', () => {
    const wf = reusable();
    wf.jobs.scan.steps[0].uses = 'actions/checkout@v7';
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
    delete wf.jobs.publish['timeout-minutes'];
    expect(timeouts(wf)).toEqual([expect.objectContaining({ where: 'jobs.publish' })]);
  });

  test('a run: script that interpolates untrusted context', () => {
    const wf = reusable();
    wf.jobs.scan.steps[1].run = 'echo "${{ github.event.pull_request.title }}"';
    const caller = clone(load('images.yml'));
    caller.jobs.changes.steps[1].run = 'echo ${{ github.head_ref }}';
    const dispatch = reusable();
    dispatch.jobs.scan.steps[1].run = 'echo ${{ inputs.image }}';
    expect(noUntrustedInterpolation(wf)).toHaveLength(1);
    expect(noUntrustedInterpolation(caller)).toHaveLength(1);
    expect(noUntrustedInterpolation(dispatch)).toHaveLength(1);
  });

  test('a scan step without exit-code: 1', () => {
    const wf = reusable();
    const i = wf.jobs.scan.steps.findIndex((s: { id?: string }) => s.id === 'vuln');
    wf.jobs.scan.steps[i].with['exit-code'] = '0';
    expect(scansFail(wf)).toEqual([expect.objectContaining({ rule: 'scan-exit-code' })]);
  });

  test('an upload that a failed scan would skip, or with a duplicate category', () => {
    const noAlways = reusable();
    noAlways.jobs.sarif.if = "needs.scan.result == 'success'";
    expect(sarifUploads(noAlways).map((v) => v.rule)).toEqual(['sarif-always', 'sarif-always']);
    const inline = clone(load('scan-deployed.yml'));
    inline.jobs.scan.steps.find((s: { uses?: string }) => s.uses?.includes('upload-sarif')).if = "hashFiles('trivy-deployed.sarif') != ''";
    expect(sarifUploads(inline)).toEqual([expect.objectContaining({ rule: 'sarif-always' })]);
    const duplicate = reusable();
    duplicate.jobs.sarif.steps[3].with.category = duplicate.jobs.sarif.steps[2].with.category;
    expect(sarifUploads(duplicate)).toEqual([expect.objectContaining({ rule: 'sarif-category' })]);
  });

  test('a step with if: always(), which would keep running after a cancel', () => {
    const wf = reusable();
    wf.jobs.scan.steps.find((s: { id?: string }) => s.id === 'secret').if = "always() && steps.build.outcome == 'success'";
    expect(noAlwaysOnSteps(wf)).toEqual([expect.objectContaining({ rule: 'no-always' })]);
  });
});

describe('what the workflows do (per event: events.test.ts)', () => {
  const reusable = load('reusable-build.yml');
  type Step = { id?: string; name?: string; uses?: string; with?: Record<string, unknown>; if?: string };
  const steps = (job: string) => reusable.jobs[job].steps as Step[];
  const ids = (job: string) => steps(job).map((s) => s.id);

  test('BuildKit with the GitHub Actions cache, one scope per service, mode=max; a failed cache export never fails the build', () => {
    for (const job of ['scan', 'publish']) {
      const build = steps(job).find((s) => s.id === 'build')!;
      expect(build.with).toMatchObject({ 'load': true, 'push': false, 'cache-from': 'type=gha,scope=${{ inputs.service }}', 'cache-to': 'type=gha,scope=${{ inputs.service }},mode=max,ignore-error=true' });
    }
  });

  test('publish: scanned before pushed, pushed by digest from the same builder, checked to be the scanned image, tagged last', () => {
    const order = ['existing', 'build', 'vuln', 'secret', 'push', 'image', 'guard'];
    const at = order.map((id) => ids('publish').indexOf(id));
    expect(at).toEqual([...at].sort((a, b) => a - b));
    expect(at.every((i) => i >= 0)).toBe(true);
    const push = steps('publish').find((s) => s.id === 'push')!;
    expect(push.with).toMatchObject({ outputs: expect.stringContaining('push-by-digest=true'), provenance: 'mode=max', sbom: true });
    expect(push.with!['cache-to']).toBeUndefined();
    const check = steps('publish').find((s) => s.name === 'The pushed image is the scanned image') as { env: Record<string, string> };
    expect(check.env).toEqual({ SCANNED: '${{ steps.build.outputs.imageid }}', PUSHED: '${{ steps.push.outputs.imageid }}' });
    expect(steps('publish').filter((s) => s.uses?.startsWith('docker/build-push-action@')).length).toBe(2);
    expect(steps('scan').some((s) => s.id === 'push')).toBe(false);
  });

  test('CI runs the Trivy release the local tests install (tools/install-linters.sh)', () => {
    const version = pinnedToolVersion(ROOT, 'TRIVY');
    const scans = [...steps('scan'), ...steps('publish'), ...load('scan-deployed.yml').jobs.scan.steps].filter((s: { uses?: string }) => s.uses?.startsWith('aquasecurity/trivy-action@'));
    expect(scans.length).toBe(5);
    for (const s of scans) expect(s.with.version).toBe(version);
    // projen's build workflow runs the tests that call Trivy: the same release.
    const setup = load('build.yml').jobs.build.steps.find((s: { uses?: string }) => s.uses?.startsWith('aquasecurity/setup-trivy@'));
    expect(setup.with.version).toBe(version);
  });

  test('CI signs with the cosign release the local signing tests use, after tagging, and verifies right after', () => {
    const install = steps('publish').find((s) => s.uses?.startsWith('sigstore/cosign-installer@'))!;
    expect(install.with).toEqual({ 'cosign-release': pinnedToolVersion(ROOT, 'COSIGN') });
    const names = steps('publish').map((s) => s.name);
    const at = (n: string) => names.findIndex((x) => x?.startsWith(n));
    expect(at('Tag the image')).toBeLessThan(at('Sign the digest'));
    expect(at('Sign the digest')).toBeLessThan(at('Verify the signature'));
    expect(reusable.jobs.publish.permissions['id-token']).toBe('write');
  });

  test('the daily scan reads each deployed image by digest and fails when it cannot', () => {
    const wf = load('scan-deployed.yml');
    expect(wf.on.schedule).toEqual([{ cron: '0 6 * * *' }]);
    expect(wf.jobs.scan.strategy.matrix.include.map((i: { service: string }) => i.service)).toEqual(['api', 'web', 'playwright-runner']);
    expect(wf.jobs.scan.strategy['fail-fast']).toBe(false);
    const vuln = wf.jobs.scan.steps.find((s: { id?: string }) => s.id === 'vuln');
    expect(vuln.with).toMatchObject({ 'image-ref': '${{ steps.deployed.outputs.ref }}', 'exit-code': '1', 'format': 'sarif' });
  });
});
