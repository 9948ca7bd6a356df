/**
 * Runs one GitHub event on a repository folder, for real, with the local twin of GitHub Actions:
 *
 * - act (self-hosted mode) runs the generated workflows: jobs, conditions, needs, outputs and the
 *   local reusable workflow, with every pinned action's own code (`actionsDir`, mapped by
 *   `owner/repo@sha`);
 * - the real actions/checkout fetches from a local smart-HTTP git server that holds the repository
 *   (and, for a pull request, GitHub's `refs/pull/N/head` and `refs/pull/N/merge`);
 * - the real setup-buildx and build-push-action build on a local BuildKit daemon with provenance
 *   and SBOM attestations and push to a local registry;
 * - the fakes in tools/twin/fakes stand in only where GitHub's, AWS's or Sigstore's services are
 *   needed, and record what they were asked in the state folder.
 *
 * The workflows reach these through repository variables whose defaults are what GitHub runs
 * (`BUILDKIT_ENDPOINT`, `IMAGE_BUILD_ARGS`, `TRIVY_DB_REPOSITORY`, `COSIGN_PUBLIC_KEY` with the
 * `COSIGN_PRIVATE_KEY` secret): the YAML is the one GitHub runs.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { bareRepository, startGitServer } from './git-server';
import { registryContents, registryHas, startBuildkitd, startRegistry } from './services';

/** An event to run. */
export interface TwinEvent {
  /** The repository folder (a git clone: its branches and tags are what "GitHub" holds). */
  readonly repo: string;
  readonly event: 'push' | 'pull_request' | 'workflow_dispatch' | 'schedule';
  /** `refs/heads/x`, `refs/tags/v1.2.3`, or a branch name; for a pull request its head branch. */
  readonly ref?: string;
  /** push: the commit the branch was at before (all zeros: a new branch). */
  readonly before?: string;
  /** push, workflow_dispatch: the commit the run is at. @default the tip of `ref` (set it to replay an older push whose run finishes late) */
  readonly sha?: string;
  /** pull_request: its number. @default 1 */
  readonly pr?: number;
  /** pull_request: the base branch. @default the repository's default branch (`main`) */
  readonly base?: string;
  /** workflow_dispatch inputs. */
  readonly inputs?: Record<string, string>;
  /** Workflow files to run, relative to .github/workflows. @default every workflow the event triggers */
  readonly workflows?: string[];
  /** Extra repository variables and secrets (override the twin's). */
  readonly vars?: Record<string, string>;
  readonly secrets?: Record<string, string>;
  /** `owner/repo` as GitHub would name it. @default 'acme/app' */
  readonly repository?: string;
  /** public or private. @default 'private' */
  readonly visibility?: 'public' | 'private';
  /** The actor. @default 'twin-dev' */
  readonly actor?: string;
}

/** Where the twin keeps things and finds its tools. */
export interface TwinSetup {
  /** State kept across events: registry data, the git server's repositories, the fakes' records. */
  readonly stateDir: string;
  /** Tools and caches kept across clones (install.sh's cache). */
  readonly cacheDir: string;
  /** The folder install.sh printed (act, buildkitd, node 24, ...). */
  readonly binDir: string;
  /** The folder of pinned actions, `<owner>/<repo>@<sha>/`. */
  readonly actionsDir: string;
  /** tools/twin/fakes of this repository. */
  readonly fakesDir: string;
  /** A registry already running (`HOST:PORT`); else the twin starts one over the state folder. */
  readonly registry?: string;
  /** Base images in the local Docker engine to serve for each base-image build argument, e.g. NODE_IMAGE=stand-in/node:24. */
  readonly baseImages?: Record<string, string>;
  /** Where act's output goes; printed live when unset. */
  readonly logFile?: string;
}

export interface JobResult {
  readonly job: string;
  readonly result: string;
}

export interface TwinRun {
  readonly exitCode: number;
  readonly jobs: JobResult[];
  readonly registry: string;
  readonly contents: Record<string, Record<string, string>>;
  readonly log: string;
  readonly seconds: number;
}

/** The pinned actions the fakes replace, as `owner/repo[/path]` → fake folder name. */
export const FAKED_ACTIONS: Record<string, string> = {
  'aws-actions/configure-aws-credentials': 'configure-aws-credentials',
  'aws-actions/amazon-ecr-login': 'amazon-ecr-login',
  'github/codeql-action/upload-sarif': 'upload-sarif',
  'actions/create-github-app-token': 'create-github-app-token',
  'aquasecurity/setup-trivy': 'setup-trivy',
  'sigstore/cosign-installer': 'cosign-installer',
  // act's artifact server refuses what @actions/artifact 6 sends (and its blob upload), so the
  // artifact actions are faked too: they keep the files under the state folder, by run and name.
  'actions/upload-artifact': 'upload-artifact',
  'actions/download-artifact': 'download-artifact',
};

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} (in ${cwd}) failed: ${r.stderr.trim()}`);
  return r.stdout.trim();
}

/** `--local-repository` flags: every pinned action folder, then the fakes at the same pins (a fake wins). */
export function localRepositories(actionsDir: string, fakesDir: string, pins: Record<string, { sha: string }>, mappedDir: string): string[] {
  // `owner/repo@sha` -> folder, for every action folder there is.
  const local = new Map<string, string>();
  const owners = existsSync(actionsDir) ? readdirSync(actionsDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name) : [];
  for (const owner of owners) {
    for (const entry of readdirSync(path.join(actionsDir, owner))) {
      if (/^.+@[0-9a-f]{40}$/.test(entry)) local.set(`${owner}/${entry}`, path.join(actionsDir, owner, entry));
    }
  }
  const flags = [...local].flatMap(([key, dir]) => ['--local-repository', `${key}=${dir}`]);
  for (const [action, fake] of Object.entries(FAKED_ACTIONS)) {
    const [owner, repo, ...sub] = action.split('/');
    // The fake stands at every pin of the action: the lock file's, and those other actions use (trivy-action's setup-trivy).
    const shas = new Set([pins[`${owner}/${repo}`]?.sha].filter((x): x is string => !!x));
    for (const key of local.keys()) if (key.startsWith(`${owner}/${repo}@`)) shas.add(key.slice(key.indexOf('@') + 1));
    // act resolves `owner/repo/sub@sha` through the repository's folder: a fake of a subpath sits in that subfolder.
    const dir = sub.length ? path.join(mappedDir, `${owner}-${repo}`) : path.join(fakesDir, fake);
    if (sub.length) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(path.join(dir, ...sub.slice(0, -1)), { recursive: true });
      cpSync(path.join(fakesDir, fake), path.join(dir, ...sub), { recursive: true });
    }
    for (const sha of shas) flags.push('--local-repository', `${owner}/${repo}@${sha}=${dir}`);
  }
  return flags;
}

/** Copies a local Docker engine image into the registry (BuildKit pulls from registries only). */
export function seedImage(registry: string, local: string, target: string): void {
  const dockerHost = process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  const r = spawnSync('skopeo', ['copy', '--quiet', '--src-daemon-host', dockerHost, '--dest-tls-verify=false', `docker-daemon:${local}`, `docker://${registry}/${target}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`Cannot copy ${local} from the Docker engine to ${registry}/${target}: ${r.stderr.trim()}`);
}

/** Puts what the builds and scans pull into the registry once: base images, BuildKit's SBOM scanner, the Trivy database. */
async function seedRegistry(setup: TwinSetup, registry: string, root: string): Promise<Record<string, string>> {
  const buildArgs: Record<string, string> = {};
  for (const [arg, local] of Object.entries(setup.baseImages ?? {})) {
    // stand-in/node:24 -> twin-base/stand-in/node-24:base
    const repo = `twin-base/${local.toLowerCase().replace(/[^a-z0-9._/-]/g, '-')}`;
    if (!await registryHas(registry, repo, 'base')) seedImage(registry, local, `${repo}:base`);
    buildArgs[arg] = `${registry}/${repo}:base`;
  }
  const scanner = path.join(setup.binDir, 'syft-scanner');
  if (existsSync(scanner) && !await registryHas(registry, 'docker/buildkit-syft-scanner', 'stable-1')) {
    const ctx = path.join(setup.stateDir, 'syft-scanner-image');
    mkdirSync(ctx, { recursive: true });
    cpSync(scanner, path.join(ctx, 'syft-scanner'));
    writeFileSync(path.join(ctx, 'Dockerfile'), 'FROM scratch\nCOPY syft-scanner /bin/syft-scanner\nENV BUILDKIT_SCAN_SOURCE=/run/src BUILDKIT_SCAN_DESTINATION=/run/out\nENTRYPOINT ["/bin/syft-scanner"]\n');
    const b = spawnSync('docker', ['build', '-q', '-t', 'twin/buildkit-syft-scanner:stable-1', ctx], { encoding: 'utf8' });
    if (b.status !== 0) throw new Error(`Cannot build the SBOM scanner image: ${b.stderr.trim()}`);
    seedImage(registry, 'twin/buildkit-syft-scanner:stable-1', 'docker/buildkit-syft-scanner:stable-1');
  }
  const fixtures = path.join(root, 'tools', 'twin', 'trivy-db', 'fixtures');
  // Pushed every time (a few kilobytes), so the registry always holds what the fixtures say.
  for (const [tag, files] of [['2', ['base.yaml']], ['high', ['base.yaml', 'high.yaml']]] as const) {
    const out = path.join(setup.stateDir, 'trivy-db', tag);
    const r = spawnSync(path.join(setup.binDir, 'trivy-db-fixture'), [...files.flatMap((f) => ['-fixture', path.join(fixtures, f)]), '-out', out, '-push', `${registry}/twin/trivy-db:${tag}`], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`Cannot write the Trivy database fixture: ${r.stderr.trim()}`);
  }
  return buildArgs;
}

/** Brings the repository folder's branches and tags to the git server, as a `git push` to GitHub would. */
function syncRepository(repo: string, bare: string): void {
  if (!existsSync(bare)) {
    mkdirSync(bare, { recursive: true });
    git(bare, 'init', '--bare', '--quiet', '--initial-branch=main');
    git(bare, 'config', 'http.receivepack', 'true');
    git(bare, 'config', 'uploadpack.allowAnySHA1InWant', 'true');
  }
  git(repo, 'push', '--quiet', '--force', '--prune', bare, 'refs/heads/*:refs/heads/*', 'refs/tags/*:refs/tags/*');
}

function fullRef(ref: string): string {
  return ref.startsWith('refs/') ? ref : `refs/heads/${ref}`;
}

/** The event payload GitHub would send, and the commit the run is at. */
function eventPayload(e: TwinEvent, bare: string, repository: string): { payload: Record<string, unknown>; sha: string; ref: string } {
  const repoInfo = { full_name: repository, name: repository.split('/')[1], owner: { login: repository.split('/')[0] }, default_branch: 'main', visibility: e.visibility ?? 'private', private: (e.visibility ?? 'private') !== 'public' };
  if (e.event === 'pull_request') {
    const number = e.pr ?? 1;
    const head = fullRef(e.ref ?? 'HEAD');
    const base = fullRef(e.base ?? 'main');
    const headSha = git(bare, 'rev-parse', `${head}^{commit}`);
    const baseSha = git(bare, 'rev-parse', `${base}^{commit}`);
    // GitHub's test merge commit, as refs/pull/N/merge.
    const tree = git(bare, 'merge-tree', '--write-tree', baseSha, headSha).split('\n')[0];
    const merge = spawnSync('git', ['commit-tree', tree, '-p', baseSha, '-p', headSha, '-m', `Merge ${headSha} into ${baseSha}`], {
      cwd: bare, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'GitHub', GIT_AUTHOR_EMAIL: 'noreply@github.com', GIT_COMMITTER_NAME: 'GitHub', GIT_COMMITTER_EMAIL: 'noreply@github.com' },
    }).stdout.trim();
    git(bare, 'update-ref', `refs/pull/${number}/head`, headSha);
    git(bare, 'update-ref', `refs/pull/${number}/merge`, merge);
    return {
      sha: merge,
      ref: `refs/pull/${number}/merge`,
      payload: {
        number,
        action: 'synchronize',
        pull_request: {
          number,
          head: { ref: head.replace(/^refs\/heads\//, ''), sha: headSha, repo: { full_name: repository } },
          base: { ref: base.replace(/^refs\/heads\//, ''), sha: baseSha, repo: { full_name: repository } },
        },
        repository: repoInfo,
      },
    };
  }
  const ref = fullRef(e.ref ?? 'main');
  const sha = git(bare, 'rev-parse', `${e.sha ?? ref}^{commit}`);
  if (e.event === 'push') {
    return { sha, ref, payload: { ref, before: e.before ?? '0000000000000000000000000000000000000000', after: sha, deleted: false, created: !e.before, repository: repoInfo } };
  }
  if (e.event === 'workflow_dispatch') {
    return { sha, ref, payload: { ref, after: sha, deleted: false, inputs: e.inputs ?? {}, repository: repoInfo } };
  }
  return { sha, ref, payload: { schedule: '0 6 * * *', repository: repoInfo } };
}

/** The job results act reported (its JSON log lines carry `jobResult`). */
export function parseJobResults(log: string): JobResult[] {
  const results: JobResult[] = [];
  for (const line of log.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as { jobResult?: string; jobID?: string; job?: string };
      if (entry.jobResult) results.push({ job: (entry.job ?? entry.jobID ?? '?').trim(), result: entry.jobResult });
    } catch {
      // not a JSON line
    }
  }
  return results;
}

/** Runs the event; returns each job's result, the registry and what it holds. */
export async function runEvent(e: TwinEvent, setup: TwinSetup, root: string): Promise<TwinRun> {
  const started = Date.now();
  const repository = e.repository ?? 'acme/app';
  const state = path.resolve(setup.stateDir);
  for (const d of ['git', 'registry', 'buildkit', 'work', 'docker-config/cli-plugins']) mkdirSync(path.join(state, d), { recursive: true });
  const registry = await startRegistry(path.join(state, 'registry'), setup.registry);
  const stops: (() => void | Promise<void>)[] = [() => registry.stop()];
  try {
    const buildkit = await startBuildkitd(setup.binDir, path.join(state, 'buildkit'), path.join(setup.cacheDir, 'buildkit-root'), registry.address);
    stops.push(() => buildkit.stop());
    const buildArgs = await seedRegistry(setup, registry.address, root);

    const gitRoot = path.join(state, 'git');
    const bare = bareRepository(gitRoot, repository);
    syncRepository(e.repo, bare);
    const server = await startGitServer(gitRoot);
    stops.push(() => server.close());
    const { payload, sha, ref } = eventPayload(e, bare, repository);

    // act's working folder: the commit the run is at (act reads the workflows and git facts here).
    const work = path.join(state, 'work', 'checkout');
    rmSync(work, { recursive: true, force: true });
    git(path.dirname(work), 'clone', '--quiet', '--no-checkout', bare, work);
    git(work, 'fetch', '--quiet', 'origin', `${ref}:refs/twin/run`, sha);
    git(work, 'checkout', '--quiet', '--detach', sha);
    git(work, 'remote', 'set-url', 'origin', `${server.url}/${repository}`);
    const eventFile = path.join(state, 'work', 'event.json');
    writeFileSync(eventFile, JSON.stringify(payload, null, 2));

    // The docker CLI finds buildx as a plugin; setup-node finds Node.js 24 in the tool cache.
    const dockerConfig = path.join(state, 'docker-config');
    rmSync(path.join(dockerConfig, 'cli-plugins', 'docker-buildx'), { force: true });
    symlinkSync(path.join(setup.binDir, 'docker-buildx'), path.join(dockerConfig, 'cli-plugins', 'docker-buildx'));
    const actCache = path.join(state, 'act-cache');
    const nodeVersion = spawnSync(path.join(setup.binDir, 'node'), ['--version'], { encoding: 'utf8' }).stdout.trim().replace(/^v/, '');
    const toolNode = path.join(actCache, 'tool_cache', 'node', nodeVersion);
    if (!existsSync(path.join(toolNode, 'x64.complete'))) {
      mkdirSync(toolNode, { recursive: true });
      cpSync(path.join(setup.cacheDir, 'node'), path.join(toolNode, 'x64'), { recursive: true, dereference: true });
      writeFileSync(path.join(toolNode, 'x64.complete'), '');
    }

    const keyDir = path.join(state, 'cosign');
    if (!existsSync(path.join(keyDir, 'cosign.key'))) {
      mkdirSync(keyDir, { recursive: true });
      const k = spawnSync('cosign', ['generate-key-pair'], { cwd: keyDir, env: { ...process.env, COSIGN_PASSWORD: '' }, encoding: 'utf8' });
      if (k.status !== 0) throw new Error(`cosign generate-key-pair failed: ${k.stderr}`);
    }
    const vars: Record<string, string> = {
      AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/twin-publish',
      AWS_REGION: 'us-east-1',
      BUILDKIT_ENDPOINT: buildkit.address,
      IMAGE_BUILD_ARGS: Object.entries(buildArgs).map(([k, v]) => `${k}=${v}`).join('\n'),
      TRIVY_DB_REPOSITORY: `${registry.address}/twin/trivy-db:2`,
      COSIGN_PUBLIC_KEY: readFileSync(path.join(keyDir, 'cosign.pub'), 'utf8'),
      UPDATE_APP_CLIENT_ID: 'Iv1.twin',
      ...e.vars,
    };
    const secrets: Record<string, string> = {
      GITHUB_TOKEN: 'twin-token',
      COSIGN_PRIVATE_KEY: readFileSync(path.join(keyDir, 'cosign.key'), 'utf8'),
      COSIGN_PASSWORD: '',
      UPDATE_APP_PRIVATE_KEY: 'twin-private-key',
      ...e.secrets,
    };
    const pins = JSON.parse(readFileSync(path.join(work, 'github-actions.lock.json'), 'utf8')) as Record<string, { sha: string }>;
    const varFile = path.join(state, 'work', 'vars.env');
    const secretFile = path.join(state, 'work', 'secrets.env');
    const dotenv = (o: Record<string, string>) => Object.entries(o).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join('\n') + '\n';
    writeFileSync(varFile, dotenv(vars));
    writeFileSync(secretFile, dotenv(secrets), { mode: 0o600 });

    // Each event is a run of its own: its id keys the artifacts.
    const runId = String(Math.floor(Date.now() / 1000));
    const workflows = e.workflows?.map((w) => path.join('.github', 'workflows', w)) ?? ['.github/workflows'];
    const args = [
      e.event,
      ...workflows.flatMap((w) => ['-W', w]),
      '-e', eventFile,
      '-P', 'ubuntu-24.04=-self-hosted', '-P', 'ubuntu-latest=-self-hosted',
      '--action-offline-mode', '--no-skip-checkout',
      ...localRepositories(setup.actionsDir, setup.fakesDir, pins, path.join(state, 'mapped-fakes')),
      '--action-cache-path', actCache,
      '--cache-server-addr', '127.0.0.1', '--cache-server-path', path.join(state, 'actions-cache'),
      '--env', `GITHUB_SERVER_URL=${server.url}`, '--env', `GITHUB_REPOSITORY=${repository}`, '--env', `GITHUB_ACTOR=${e.actor ?? 'twin-dev'}`, '--env', `GITHUB_RUN_ID=${runId}`,
      '--var-file', varFile, '--secret-file', secretFile,
      '--json',
    ];
    const env = {
      ...process.env,
      PATH: [path.join(setup.fakesDir, 'bin'), setup.binDir, process.env.PATH].join(':'),
      DOCKER_CONFIG: dockerConfig,
      TWIN_STATE: state,
      TWIN_GIT_ROOT: gitRoot,
      TWIN_REGISTRY: registry.address,
      REGISTRY_TLS_VERIFY: 'false',
      // No build record to upload (GitHub's artifact service): build-push-action's documented switch.
      DOCKER_BUILD_RECORD_UPLOAD: 'false',
      GITHUB_SERVER_URL: server.url,
      GIT_CONFIG_NOSYSTEM: '1',
    };
    const logPath = setup.logFile ?? path.join(state, 'work', 'act.log');
    const exitCode = await new Promise<number>((resolve) => {
      const child = spawn(path.join(setup.binDir, 'act'), args, { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'] });
      const out = createWriteStream(logPath);
      for (const s of [child.stdout, child.stderr]) s.on('data', (d: Buffer) => out.write(d));
      child.on('close', (code) => out.end(() => resolve(code ?? 1)));
    });
    const log = readFileSync(logPath, 'utf8');
    const contents = await registryContents(registry.address);
    return { exitCode, jobs: parseJobResults(log), registry: registry.address, contents, log: logPath, seconds: (Date.now() - started) / 1000 };
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
}
