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
import { baseImagesFromEnv, twinTools } from '../../projenrc/tools/ci-local';
import { runEvent, TwinEvent, TwinRun, TwinSetup } from '../../projenrc/twin/run-event';
import { registryContents, Service, startRegistry } from '../../projenrc/twin/services';
import { REPO_ROOT } from '../fixtures';

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

describe('the twin: events in order on one repository', () => {
  let mainSha: string;

  test('a first push to main builds, scans, pushes, signs and tags every image', async () => {
    mainSha = git('rev-parse', 'HEAD');
    const r = await run('push main (new branch)', { event: 'push', ref: 'main' });
    expect(results(r)).toMatchObject({ changes: 'success', images: 'success' });
    expect(r.exitCode).toBe(0);
    const c = await contents();
    for (const image of IMAGES) {
      expect(Object.keys(c[image] ?? {})).toEqual(expect.arrayContaining([shortSha(mainSha), 'latest']));
      // One digest under every tag of this build.
      expect(new Set([c[image][shortSha(mainSha)], c[image].latest]).size).toBe(1);
    }
    // Each digest is signed with the twin's key (cosign's tag fallback: this registry has no referrers API).
    const signatures = Object.keys(c['qualisys/api']).filter((t) => t.startsWith('sha256-'));
    expect(signatures.length).toBeGreaterThan(0);
  });
});
