/**
 * The generated workflows: snapshots, the real linters (actionlint, zizmor), and our rules, each
 * shown to catch a workflow broken on purpose.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { pinnedToolVersion } from '../../src/github/linter-versions';
import {
  actionsPinnedBySha, checkWorkflow, leastPrivilege, noAlwaysOnSteps, noUntrustedInterpolation, sarifUploads, scansFail, timeouts,
} from '../../src/github/workflow-rules';
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
    const cache = { 'cache-from': 'type=gha,scope=${{ inputs.service }}', 'cache-to': 'type=gha,scope=${{ inputs.service }},mode=max,ignore-error=true' };
    expect(steps('scan').find((s) => s.id === 'build')!.with).toMatchObject({ load: true, push: false, ...cache });
    expect(steps('publish').find((s) => s.id === 'push')!.with).toMatchObject(cache);
  });

  test('a remote BuildKit, base-image mirrors and Trivy database mirrors come from repository variables', () => {
    for (const job of ['scan', 'publish']) {
      expect(steps(job).find((s) => s.id === 'set_up_buildx')!.with).toEqual({
        driver: "${{ vars.BUILDKIT_ENDPOINT && 'remote' || 'docker-container' }}", endpoint: '${{ vars.BUILDKIT_ENDPOINT }}',
      });
      const build = steps(job).find((s) => s.uses?.startsWith('docker/build-push-action@'))!;
      expect(String(build.with!['build-args']).split('\n').pop()).toBe('${{ vars.IMAGE_BUILD_ARGS }}');
    }
    const trivy = [...steps('scan'), ...steps('publish'), ...load('scan-deployed.yml').jobs.scan.steps].filter((s: Step) => s.uses?.startsWith('aquasecurity/trivy-action@'));
    for (const s of trivy) {
      expect((s as { env: Record<string, string> }).env).toMatchObject({
        TRIVY_DB_REPOSITORY: "${{ vars.TRIVY_DB_REPOSITORY || 'public.ecr.aws/aquasecurity/trivy-db:2,ghcr.io/aquasecurity/trivy-db:2' }}",
        TRIVY_JAVA_DB_REPOSITORY: "${{ vars.TRIVY_JAVA_DB_REPOSITORY || 'public.ecr.aws/aquasecurity/trivy-java-db:1,ghcr.io/aquasecurity/trivy-java-db:1' }}",
      });
    }
  });

  test('publish: built and pushed by digest once, untagged; the scans, the signature and its check on that digest; tagged last', () => {
    const order = ['existing', 'push', 'image', 'vuln', 'secret', 'sign', 'guard'];
    const at = order.map((id) => ids('publish').indexOf(id));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect(at).toEqual([...at].sort((a, b) => a - b));
    const names = steps('publish').map((s) => s.name);
    expect(names.indexOf('Tag the image (by digest; immutable tags never move)')).toBe(names.length - 2); // then the summary
    expect(names.findIndex((n) => n?.startsWith('Verify the signature'))).toBeLessThan(ids('publish').indexOf('guard'));
    const push = steps('publish').find((s) => s.id === 'push')!;
    expect(push.if).toBe("steps.existing.outputs.found != 'true'");
    expect(push.with).toMatchObject({ outputs: expect.stringContaining('push-by-digest=true'), provenance: 'mode=max', sbom: true });
    expect(push.with!.outputs).not.toMatch(/(^|,)(tags?|name)=[^,]*:/); // no tag: nothing can pull it by name yet
    expect(push.with!.tags).toBeUndefined();
    expect(push.with!.load).toBeUndefined();
    // One build, nothing loaded, nothing compared: the scans read the pushed digest from the registry.
    expect(steps('publish').filter((s) => s.uses?.startsWith('docker/build-push-action@')).length).toBe(1);
    expect(names).not.toContain('The pushed image is the scanned image');
    for (const id of ['vuln', 'secret']) {
      const scan = steps('publish').find((s) => s.id === id) as Step & { env: Record<string, string> };
      expect(scan.with!['image-ref']).toBe('${{ steps.image.outputs.ref }}');
      expect(scan.env.TRIVY_IMAGE_SRC).toBe('remote');
    }
    expect(steps('scan').some((s) => s.id === 'push')).toBe(false);
    const keep = steps('publish').find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
    expect(keep.with).toMatchObject({ overwrite: true });
  });

  test('the publish input and the build guide say what the publish job does, in its order: push by digest, untagged; scan; sign and verify; tag', () => {
    // The job's order (the test above): push (unless found), the scans, the signature and its check, the tags.
    const said = (text: string, words: string[]) => words.map((w) => text.indexOf(w));
    const input = reusable.on.workflow_call.inputs.publish.description as string;
    const where = said(input, ['push the image by digest, untagged', 'scan that digest', 'sign and verify it', 'then tag it']);
    expect(where.every((i) => i >= 0)).toBe(true);
    expect(where).toEqual([...where].sort((a, b) => a - b));
    const guide = readFileSync(path.join(ROOT, 'docs', 'docker-build-guide.md'), 'utf8');
    const row = guide.split('\n').find((l) => l.startsWith('| `.github/workflows/reusable-build.yml` |'))!;
    const inGuide = said(row, ['push it by digest, untagged', 'scan that digest', 'sign and verify it', 'then tag it']);
    expect(inGuide.every((i) => i >= 0)).toBe(true);
    expect(inGuide).toEqual([...inGuide].sort((a, b) => a - b));
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

  test('CI signs with the cosign release the local signing tests use, before tagging, and verifies right after', () => {
    const install = steps('publish').find((s) => s.uses?.startsWith('sigstore/cosign-installer@'))!;
    expect(install.with).toEqual({ 'cosign-release': pinnedToolVersion(ROOT, 'COSIGN') });
    const names = steps('publish').map((s) => s.name);
    const at = (n: string) => names.findIndex((x) => x?.startsWith(n));
    expect(at('cosign')).toBeLessThan(at('Sign the digest'));
    expect(at('Sign the digest')).toBeLessThan(at('Verify the signature'));
    expect(at('Verify the signature')).toBeLessThan(at('Tag the image'));
    expect(reusable.jobs.publish.permissions['id-token']).toBe('write');
    const sign = steps('publish').find((s) => s.id === 'sign') as Step & { env: Record<string, string> };
    expect(sign.env).toMatchObject({
      REF: '${{ steps.image.outputs.ref }}', COSIGN_PRIVATE_KEY: '${{ secrets.COSIGN_PRIVATE_KEY }}', COSIGN_PASSWORD: '${{ secrets.COSIGN_PASSWORD }}', COSIGN_PUBLIC_KEY: '${{ vars.COSIGN_PUBLIC_KEY }}',
    });
    // A reusable workflow sees only the secrets its callers pass: the key is declared, optional, and passed by every caller.
    const declared = reusable.on.workflow_call.secrets as Record<string, { required: boolean }>;
    // Declared as the repository and the callers name them (projen would write the keys of `on` in snake case).
    expect(Object.entries(declared).map(([k, v]) => [k, v.required])).toEqual([['COSIGN_PRIVATE_KEY', false], ['COSIGN_PASSWORD', false]]);
    const images = load('images.yml');
    for (const job of Object.values(images.jobs as Record<string, { uses?: string; secrets?: unknown }>).filter((j) => j.uses?.endsWith('reusable-build.yml'))) {
      expect(job.secrets).toEqual({ COSIGN_PRIVATE_KEY: '${{ secrets.COSIGN_PRIVATE_KEY }}', COSIGN_PASSWORD: '${{ secrets.COSIGN_PASSWORD }}' });
    }
  });

  test('the daily scan reads each deployed image by digest and fails when it cannot', () => {
    const wf = load('scan-deployed.yml');
    expect(wf.on.schedule).toEqual([{ cron: '0 6 * * *' }]);
    const include = wf.jobs.scan.strategy.matrix.include as { service: string; deployment: string; prefix: string }[];
    expect(include.map((i) => `${i.service} ${i.deployment} ${i.prefix}`)).toEqual(['api', 'web', 'playwright-runner'].flatMap((s) => [`${s} staging staging-`, `${s} production production-v`]));
    expect(wf.jobs.scan.strategy['fail-fast']).toBe(false);
    expect(wf.jobs.scan.permissions).toEqual({ 'contents': 'read', 'id-token': 'write', 'security-events': 'write', 'actions': 'read' });
    const vuln = wf.jobs.scan.steps.find((s: { id?: string }) => s.id === 'vuln');
    expect(vuln.if).toBe("steps.deployed.outputs.ref != ''");
    expect(vuln.with).toMatchObject({ 'image-ref': '${{ steps.deployed.outputs.ref }}', 'exit-code': '1', 'format': 'sarif', 'severity': 'HIGH,CRITICAL', 'limit-severities-for-sarif': 'true' });
    expect(vuln.env.TRIVY_IMAGE_SRC).toBe('remote');
    const upload = wf.jobs.scan.steps.find((s: { uses?: string }) => s.uses?.startsWith('github/codeql-action/upload-sarif@'));
    expect(upload.with.category).toBe('trivy-deployed-${{ matrix.service }}-${{ matrix.deployment }}');
  });
});
