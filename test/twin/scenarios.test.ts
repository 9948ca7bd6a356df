/**
 * The workflows run for real, event after event, on a scratch repository (a copy of this one):
 * act with the pinned actions' code, BuildKit, a local registry, and fakes only for GitHub's,
 * AWS's and Sigstore's services (projenrc/twin). After each event the registry is read: tags,
 * digests (a promotion tags the digest the first build pushed), signatures, and that nothing
 * that failed a scan was tagged.
 *
 * What act does not enforce (permissions, environments and their approvals, concurrency) is
 * checked from the generated YAML in test/github/; the scenarios below that depend on it say so.
 *
 * Needs: a Docker engine with the stand-in base images (tools/docker-env.sh exports NODE_IMAGE
 * and PLAYWRIGHT_IMAGE), TWIN_ACTIONS_DIR, trivy, cosign, skopeo, docker-registry.
 * Run: npx projen test:twin
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import * as path from 'node:path';
import { runEvent, seedImage, TwinEvent, TwinRun, TwinSetup } from '../../packages/projen-containers/src/twin/run-event';
import { registryContents, Service, startRegistry } from '../../packages/projen-containers/src/twin/services';
import { baseImagesFromEnv, twinTools } from '../../packages/projen-containers/src/twin/setup';
import { REPO_ROOT } from '../../packages/projen-containers/test/fixtures';

jest.setTimeout(45 * 60 * 1000);

const IMAGES = ['qualisys/api', 'qualisys/web', 'qualisys/playwright-runner'];
const figures: string[] = [];
let repo: string;
let setup: TwinSetup;
let registry: Service;
let state: string;

function git(...args: string[]): string {
  const r = spawnSync('git', args, { cwd: repo, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'dev', GIT_AUTHOR_EMAIL: 'dev@example.com', GIT_COMMITTER_NAME: 'dev', GIT_COMMITTER_EMAIL: 'dev@example.com' } });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

function commitApiChange(message: string): string {
  const file = path.join(repo, 'api', 'src', 'twin-change.ts');
  writeFileSync(file, `// ${message}\nexport const CHANGE = ${JSON.stringify(message)};\n`);
  git('add', '-A');
  git('commit', '-q', '-m', message);
  return git('rev-parse', 'HEAD');
}

async function run(label: string, e: Omit<TwinEvent, 'repo'>): Promise<TwinRun> {
  const result = await runEvent({ repo, workflows: ['images.yml'], ...e }, { ...setup, logFile: path.join(state, `${label.replace(/\W+/g, '-')}.log`) }, REPO_ROOT);
  figures.push(`${label}: ${result.seconds.toFixed(1)} s, jobs ${result.jobs.map((j) => `${j.job}=${j.result}`).join(' ')}`);
  return result;
}

const contents = () => registryContents(registry.address);
/** The registry's image repositories, without the twin's own (base images, the Trivy database, pushed again by every event). */
const images = (all: Record<string, Record<string, string>>) => Object.fromEntries(Object.entries(all).filter(([repository]) => !/^(twin|twin-base|docker)\//.test(repository)));
const shortSha = (sha: string) => sha.slice(0, 7);
const results = (r: TwinRun) => Object.fromEntries(r.jobs.map((j) => [j.job, j.result]));

beforeAll(async () => {
  const actionsDir = process.env.TWIN_ACTIONS_DIR;
  if (!actionsDir) throw new Error('TWIN_ACTIONS_DIR is not set: it names the folder of the pinned actions\' code (see the build guide, "Run the workflows locally").');
  const cacheDir = process.env.TWIN_CACHE ?? path.join(homedir(), '.cache', 'ci-twin');
  state = mkdtempSync(path.join(tmpdir(), 'twin-state-'));
  mkdirSync(path.join(state, 'registry'), { recursive: true });
  registry = await startRegistry(path.join(state, 'registry'));
  setup = {
    stateDir: state,
    cacheDir,
    binDir: twinTools(REPO_ROOT),
    actionsDir,
    fakesDir: path.join(REPO_ROOT, 'tools', 'twin', 'fakes'),
    registry: registry.address,
    baseImages: baseImagesFromEnv(REPO_ROOT),
  };
  // The scratch repository: this repository's committed files, one commit on main.
  repo = mkdtempSync(path.join(tmpdir(), 'twin-repo-'));
  const archive = spawnSync('bash', ['-c', `git -C "${REPO_ROOT}" archive HEAD | tar -x -C "${repo}"`]);
  if (archive.status !== 0) throw new Error('git archive failed');
  git('init', '-q', '--initial-branch=main');
  git('add', '-A');
  git('commit', '-q', '-m', 'initial');
});

afterAll(() => {
  registry?.stop();
  console.log(`twin figures:\n  ${figures.join('\n  ')}`);
  if (!process.env.TWIN_KEEP) {
    for (const d of [repo, state]) if (d) rmSync(d, { recursive: true, force: true });
  }
});

const digestOf = async (image: string, tag: string) => (await contents())[image]?.[tag];
const tagsOf = async (image: string) => Object.keys((await contents())[image] ?? {}).filter((t) => !t.startsWith('sha256-'));
const signed = async (image: string, digest: string) => Object.keys((await contents())[image] ?? {}).some((t) => t.startsWith(digest.replace(':', '-')));
const sarif = (category: string) => readFileSync(path.join(state, 'code-scanning', `${category}.sarif`), 'utf8');
const today = () => new Date().toISOString().slice(0, 10).replace(/-/g, '');

/** The manifest the registry serves for repository@digest. */
interface Index {
  readonly mediaType?: string;
  readonly manifests?: { readonly platform?: { readonly os?: string }; readonly annotations?: Record<string, string> }[];
}
async function manifest(repository: string, digest: string): Promise<Index> {
  const accept = 'application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json';
  return (await fetch(`http://${registry.address}/v2/${repository}/manifests/${digest}`, { headers: { Accept: accept } })).json() as never;
}

/** cosign verifies the signature of repository@digest with the twin's public key, as a deploy would. */
function verified(repository: string, digest: string): boolean {
  const r = spawnSync('cosign', ['verify', '--key', path.join(state, 'cosign', 'cosign.pub'), '--insecure-ignore-tlog=true', `${registry.address}/${repository}@${digest}`], { encoding: 'utf8' });
  return r.status === 0;
}

/** A re-run of the same event: every image keeps every tag on its digest; only the run's own timestamp tag may be new, on the same digest. */
async function rerun(label: string, e: Omit<TwinEvent, 'repo'>, timestampTag: RegExp): Promise<void> {
  const before = images(await contents());
  const again = await run(`${label} (re-run)`, e);
  expect(again.exitCode).toBe(0);
  const after = images(await contents());
  for (const [image, tags] of Object.entries(before)) {
    for (const [tag, digest] of Object.entries(tags)) expect([image, tag, after[image][tag]]).toEqual([image, tag, digest]);
    const added = Object.keys(after[image]).filter((t) => !(t in tags));
    for (const t of added) expect([image, t, timestampTag.test(t), Object.values(tags).includes(after[image][t])]).toEqual([image, t, true, true]);
  }
}

describe('the twin: events in order on one repository', () => {
  let first: string;
  let built: Record<string, string>;

  test('a first push to main builds, scans, pushes by digest, signs and tags every image', async () => {
    first = git('rev-parse', 'HEAD');
    const r = await run('push main (new branch)', { event: 'push', ref: 'main' });
    expect(results(r)).toMatchObject({ 'images/which images this run builds': 'success', 'images/images': 'success' });
    expect(r.exitCode).toBe(0);
    built = {};
    for (const image of IMAGES) {
      const tags = await tagsOf(image);
      expect(tags).toEqual(expect.arrayContaining([shortSha(first), 'latest']));
      expect(tags.some((t) => /^main-\d{8}-\d{6}$/.test(t))).toBe(true);
      // One digest under every tag of this build, and a signature of it (cosign's tag scheme: this registry has no referrers API).
      built[image] = (await digestOf(image, 'latest'))!;
      expect(await digestOf(image, shortSha(first))).toBe(built[image]);
      expect(await signed(image, built[image])).toBe(true);
      expect(verified(image, built[image])).toBe(true);
      // The pushed digest is an index: the image for linux/amd64 and BuildKit's attestations (provenance, SBOM).
      const index = await manifest(image, built[image]);
      expect(index.mediaType).toBe('application/vnd.oci.image.index.v1+json');
      expect(index.manifests?.some((m) => m.platform?.os === 'linux')).toBe(true);
      expect(index.manifests?.some((m) => m.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest')).toBe(true);
    }
    // A digest nobody signed does not verify.
    expect(verified('twin-base/stand-in/node-24', (await digestOf('twin-base/stand-in/node-24', 'base'))!)).toBe(false);
    // Both reports reached code scanning, per service and kind.
    for (const service of ['api', 'web', 'playwright-runner']) {
      expect(JSON.parse(sarif(`trivy-vulnerabilities-${service}`)).version).toBe('2.1.0');
      expect(JSON.parse(sarif(`trivy-secrets-${service}`)).version).toBe('2.1.0');
    }
  });

  test('a pull request builds and scans only what it changes, and publishes nothing', async () => {
    git('checkout', '-q', '-b', 'feature');
    commitApiChange('feature work');
    git('checkout', '-q', 'main');
    const before = images(await contents());
    const r = await run('pull request (api changed)', { event: 'pull_request', ref: 'feature', pr: 7 });
    expect(results(r)).toMatchObject({ 'api/reusable-build/build and scan api': 'success', 'images/images': 'success' });
    // The size comparison read the default branch's image through the read-only login.
    expect(readFileSync(path.join(state, 'pull-request-api-changed-.log'), 'utf8')).toContain('latest');
    expect(Object.keys(results(r)).filter((j) => /publish|build and scan (web|playwright)/.test(j))).toEqual([]);
    // Nothing reached the registry: no pr-7 tag, no new digest.
    expect(images(await contents())).toEqual(before);
    await rerun('pull request (api changed)', { event: 'pull_request', ref: 'feature', pr: 7 }, /^$/);
  });

  test('a squash merge of that pull request publishes api only; the other images keep their tags', async () => {
    const before = git('rev-parse', 'HEAD');
    git('merge', '-q', '--squash', 'feature');
    git('commit', '-q', '-m', 'feature work (#7)');
    const merged = git('rev-parse', 'HEAD');
    const r = await run('push main (squash merge, api changed)', { event: 'push', ref: 'main', before });
    expect(r.exitCode).toBe(0);
    expect(Object.keys(results(r)).filter((j) => j.includes('publish'))).toEqual(['api/reusable-build/publish api']);
    const api = await digestOf('qualisys/api', shortSha(merged));
    expect(api).toBeDefined();
    expect(api).not.toBe(built['qualisys/api']);
    expect(await digestOf('qualisys/api', 'latest')).toBe(api);
    expect(await digestOf('qualisys/web', 'latest')).toBe(built['qualisys/web']);
    built['qualisys/api'] = api!;
    // Re-run: promoted from the registry (same content), never rebuilt.
    await rerun('push main (squash merge, api changed)', { event: 'push', ref: 'main', before }, /^main-\d{8}-\d{6}$/);
  });

  test('two overlapping pushes finishing out of order: latest stays on the newer commit', async () => {
    const base = git('rev-parse', 'HEAD');
    const a = commitApiChange('change A');
    const b = commitApiChange('change B');
    // B's run first (the branch is at B), then A's run finishes later.
    const rb = await run('push main B (api changed)', { event: 'push', ref: 'main', before: a });
    expect(rb.exitCode).toBe(0);
    const digestB = await digestOf('qualisys/api', shortSha(b));
    expect(await digestOf('qualisys/api', 'latest')).toBe(digestB);
    const ra = await run('push main A, finishing after B', { event: 'push', ref: 'main', before: base, sha: a });
    expect(ra.exitCode).toBe(0);
    expect(await digestOf('qualisys/api', shortSha(a))).toBeDefined();
    expect(await digestOf('qualisys/api', 'latest')).toBe(digestB);
    built['qualisys/api'] = digestB!;
  });

  test('a push to staging promotes every image of main, never rebuilding: staging-YYYYMMDD on the same digests', async () => {
    git('branch', '-f', 'staging', 'main');
    // Environments and their reviewers are GitHub's, not act's: the job's `environment:` is checked in test/github/.
    const r = await run('push staging (deploy)', { event: 'push', ref: 'staging' });
    expect(r.exitCode).toBe(0);
    for (const image of IMAGES) expect(await digestOf(image, `staging-${today()}`)).toBe(built[image]);
    await rerun('push staging (deploy)', { event: 'push', ref: 'staging' }, /^staging-\d{8}-\d{6}$/);
  });

  test('a release tag promotes the same digests to production-vX.Y.Z; a re-run changes nothing', async () => {
    git('tag', 'v1.0.0', 'main');
    const r = await run('push tag v1.0.0 (release)', { event: 'push', ref: 'refs/tags/v1.0.0' });
    expect(r.exitCode).toBe(0);
    for (const image of IMAGES) expect(await digestOf(image, 'production-v1.0.0')).toBe(built[image]);
    // A re-run moves nothing and builds nothing: the only new tag is the run's own `<ref>-YYYYMMDD-HHMMSS` (its build clock).
    await rerun('push tag v1.0.0', { event: 'push', ref: 'refs/tags/v1.0.0' }, /^v1\.0\.0-\d{8}-\d{6}$/);
  });

  test('a pre-release tag gets its own tag and never production-*', async () => {
    git('tag', 'v1.1.0-rc.1', 'main');
    const r = await run('push tag v1.1.0-rc.1 (pre-release)', { event: 'push', ref: 'refs/tags/v1.1.0-rc.1' });
    expect(r.exitCode).toBe(0);
    for (const image of IMAGES) {
      const tags = await tagsOf(image);
      expect(tags).toContain('v1.1.0-rc.1');
      expect(tags.filter((t) => t.startsWith('production-'))).toEqual(['production-v1.0.0']);
    }
    await rerun('push tag v1.1.0-rc.1 (pre-release)', { event: 'push', ref: 'refs/tags/v1.1.0-rc.1' }, /^v1\.1\.0-rc\.1-\d{8}-\d{6}$/);
  });

  test('a dispatch on a release tag without the production environment never applies production-*', async () => {
    git('tag', 'v1.2.0', 'main');
    const r = await run('dispatch v1.2.0, environment none', { event: 'workflow_dispatch', ref: 'refs/tags/v1.2.0', inputs: { environment: 'none' } });
    expect(r.exitCode).toBe(0);
    for (const image of IMAGES) expect(await tagsOf(image)).not.toContain('production-v1.2.0');
  });

  test('an image with a HIGH finding is pushed by digest but never tagged', async () => {
    const before = git('rev-parse', 'HEAD');
    const bad = commitApiChange('change with a vulnerable base');
    const r = await run('push main, HIGH finding', { event: 'push', ref: 'main', before, vars: { TRIVY_DB_REPOSITORY: `${registry.address}/twin/trivy-db:high` } });
    expect(r.exitCode).not.toBe(0);
    // act stops a run at its first failed job, so the summary job is not seen here (its condition is checked in test/github/events.test.ts).
    expect(results(r)).toMatchObject({ 'api/reusable-build/publish api': 'failure' });
    expect(await digestOf('qualisys/api', shortSha(bad))).toBeUndefined();
    expect(await digestOf('qualisys/api', 'latest')).toBe(built['qualisys/api']);
    expect(sarif('trivy-vulnerabilities-api')).toContain('CVE-2099-0001');
  });

  test('the daily scan reads what staging and production run: passes on MEDIUM, fails on HIGH with the finding in code scanning', async () => {
    const ok = await run('schedule: scan deployed (MEDIUM only)', { event: 'schedule', ref: 'main', workflows: ['scan-deployed.yml'] });
    expect(ok.exitCode).toBe(0);
    expect(ok.jobs.length).toBe(6);
    const high = await run('schedule: scan deployed (HIGH)', { event: 'schedule', ref: 'main', workflows: ['scan-deployed.yml'], vars: { TRIVY_DB_REPOSITORY: `${registry.address}/twin/trivy-db:high` } });
    expect(high.exitCode).not.toBe(0);
    expect(high.jobs.every((j) => j.result === 'failure')).toBe(true);
    expect(sarif('trivy-deployed-api-production')).toContain('CVE-2099-0001');
    expect(sarif('trivy-deployed-api-staging')).not.toContain('CVE-2099-0002');
  });

  test('the weekly base-image update pushes new digests with the App token and opens one pull request', async () => {
    // A registry mirror that serves "newer" official images: the stand-ins, under the official names.
    const lock = JSON.parse(readFileSync(path.join(repo, 'base-images.lock.json'), 'utf8')) as Record<string, unknown>;
    seedImage(registry.address, setup.baseImages!.NODE_IMAGE, 'library/node:24-alpine');
    seedImage(registry.address, setup.baseImages!.PLAYWRIGHT_IMAGE, 'playwright:v1.65.1-noble');
    const r = await run('schedule: update base images', { event: 'schedule', ref: 'main', workflows: ['update-base-images.yml'], vars: { BASE_IMAGES_REGISTRY_URL: `http://${registry.address}` } });
    expect(r.exitCode).toBe(0);
    const bare = path.join(state, 'git', 'acme', 'app.git');
    const pushed = spawnSync('git', ['--git-dir', bare, 'show', 'refs/heads/chore/update-base-images:base-images.lock.json'], { encoding: 'utf8' });
    expect(pushed.status).toBe(0);
    expect(pushed.stdout).not.toBe(JSON.stringify(lock));
    expect(pushed.stdout).toContain((await digestOf('library/node', '24-alpine'))!);
    // Only generated and pin files changed in that commit; the App token asked for workflows too (a Dockerfile
    // change regenerates images.yml's paths and this commit may touch .github/workflows).
    const files = spawnSync('git', ['--git-dir', bare, 'diff', '--name-only', 'main', 'refs/heads/chore/update-base-images'], { encoding: 'utf8' }).stdout.trim().split('\n');
    expect(files).toEqual(expect.arrayContaining(['base-images.lock.json', 'api/Dockerfile']));
    expect(readFileSync(path.join(state, 'app-tokens', 'requests'), 'utf8')).toContain('contents=write pull-requests=write workflows=write');
    const pulls = JSON.parse(readFileSync(path.join(state, 'pulls.json'), 'utf8')) as { head: string }[];
    expect(pulls.map((p) => p.head)).toEqual(['chore/update-base-images']);
  });
});
