/**
 * The run: scripts of the two pin workflows (update-base-images.yml, dependabot-sync.yml), taken
 * from the generated YAML and executed as GitHub runs them (`bash -e`), in a real git repository
 * whose origin is a local bare repository, with a fake `gh` on PATH and fake GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY files. A `git` shim records the credentials git sees at each push.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../fixtures';

const TOKEN = 'ghs_fake_app_installation_token';
const REPO = 'acme/qualisys';
const AUTH_HEADER = `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`;
const DEPENDABOT_BRANCH = 'dependabot/npm_and_yarn/playwright-runner/npm-1a2b3c';

type Step = { name: string; run?: string; env?: Record<string, string> };
function step(workflow: string, job: string, name: string): Step {
  const wf = parse(readFileSync(path.join(REPO_ROOT, '.github', 'workflows', workflow), 'utf8'));
  const found = (wf.jobs[job].steps as Step[]).find((s) => s.name === name);
  if (!found?.run) throw new Error(`${workflow}: no run: step "${name}" in job ${job}`);
  return found;
}

/** The value of each `${{ }}` expression the steps use, as GitHub would give it. */
const CONTEXT: Record<string, string> = {
  'steps.app-token.outputs.token': TOKEN,
  'github.repository': REPO,
  'github.event.pull_request.head.ref': DEPENDABOT_BRANCH,
  'vars.UPDATE_APP_CLIENT_ID': 'Iv23liFAKECLIENTID',
  "secrets.UPDATE_APP_PRIVATE_KEY != ''": 'true',
};
function resolveEnv(env: Record<string, string> = {}, overrides: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v).replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_m, expr: string) => {
    const key = Object.keys(overrides).includes(expr) ? overrides[expr] : CONTEXT[expr];
    if (key === undefined) throw new Error(`no test value for \${{ ${expr} }}`);
    return key;
  })]));
}

const SANDBOX_FILES: Record<string, string> = {
  '.projen/files.json': JSON.stringify({ files: ['.github/workflows/images.yml', '.projen/files.json'] }),
  '.github/workflows/images.yml': 'name: images\n',
  'api/.projen/files.json': JSON.stringify({ files: ['Dockerfile', '.projen/files.json'] }),
  'api/Dockerfile': 'FROM node@sha256:1\n',
  'api/package-lock.json': '{}\n',
  'README.md': 'readme\n',
  '.projenrc.ts': 'new Project();\n',
};

const REAL_GIT = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();

interface Sandbox { dir: string; work: string; bare: string; bin: string; ghLog: string; pushLog: string; output: string; summary: string }

/** A clone as actions/checkout leaves it with persist-credentials: false, and its origin. */
function sandbox(branch = 'main'): Sandbox {
  const dir = mkdtempSync(path.join(tmpdir(), 'pin-wf-'));
  const s: Sandbox = {
    dir,
    work: path.join(dir, 'work'),
    bare: path.join(dir, 'origin.git'),
    bin: path.join(dir, 'bin'),
    ghLog: path.join(dir, 'gh.log'),
    pushLog: path.join(dir, 'push.log'),
    output: path.join(dir, 'output'),
    summary: path.join(dir, 'summary'),
  };
  const git = (...args: string[]) => execFileSync(REAL_GIT, args, { cwd: s.work, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
  execFileSync(REAL_GIT, ['init', '-q', '--bare', '-b', 'main', s.bare]);
  mkdirSync(s.work);
  git('init', '-q', '-b', 'main');
  writeFileSync(path.join(s.work, 'base-images.lock.json'), '{ "node:24-alpine": { "digest": "sha256:1" } }\n');
  // Generated files, as projen lists them (the root's and a subproject's), and files that are not.
  for (const [file, text] of Object.entries(SANDBOX_FILES)) {
    mkdirSync(path.dirname(path.join(s.work, file)), { recursive: true });
    writeFileSync(path.join(s.work, file), text);
  }
  git('add', '.');
  git('commit', '-q', '-m', 'initial');
  git('remote', 'add', 'origin', s.bare);
  git('push', '-q', 'origin', 'main');
  if (branch !== 'main') {
    git('switch', '-q', '-c', branch);
    git('push', '-q', 'origin', branch);
  }
  mkdirSync(s.bin);
  // gh: `pr list` prints FAKE_GH_EXISTING, `pr create` prints a URL or fails with FAKE_GH_CREATE_FAIL.
  writeFileSync(path.join(s.bin, 'gh'), [
    '#!/usr/bin/env bash',
    'echo "gh $* [GH_TOKEN=${GH_TOKEN:-} GH_REPO=${GH_REPO:-}]" >> "$FAKE_GH_LOG"',
    'case "$1 $2" in',
    '  "pr list") echo "${FAKE_GH_EXISTING:-}" ;;',
    '  "pr create") if [ -n "${FAKE_GH_CREATE_FAIL:-}" ]; then echo "pull request create failed: GraphQL: Resource not accessible by integration (createPullRequest)" >&2; exit 1; fi; echo "https://github.com/acme/qualisys/pull/7" ;;',
    '  "pr edit") echo "https://github.com/acme/qualisys/pull/$3" ;;',
    '  *) echo "fake gh: unexpected $*" >&2; exit 2 ;;',
    'esac',
  ].join('\n') + '\n');
  // git: on push, record the extra header git would send to GitHub, then push for real.
  writeFileSync(path.join(s.bin, 'git'), [
    '#!/usr/bin/env bash',
    `for a in "$@"; do if [ "$a" = push ]; then "${REAL_GIT}" config --get-urlmatch http.extraheader "$GITHUB_SERVER_URL/${REPO}.git" >> "$PUSH_LOG" || echo "(no credentials)" >> "$PUSH_LOG"; break; fi; done`,
    `exec "${REAL_GIT}" "$@"`,
  ].join('\n') + '\n');
  chmodSync(path.join(s.bin, 'gh'), 0o755);
  chmodSync(path.join(s.bin, 'git'), 0o755);
  writeFileSync(s.output, '');
  writeFileSync(s.summary, '');
  return s;
}

function run(s: Sandbox, st: Step, extraEnv: Record<string, string> = {}, overrides: Record<string, string> = {}) {
  const script = path.join(s.dir, 'step.sh');
  writeFileSync(script, st.run!);
  const env: NodeJS.ProcessEnv = {
    PATH: `${s.bin}:${process.env.PATH}`,
    HOME: s.dir,
    LANG: 'C.UTF-8',
    GITHUB_OUTPUT: s.output,
    GITHUB_STEP_SUMMARY: s.summary,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: REPO,
    GITHUB_ACTOR: 'octocat',
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    FAKE_GH_LOG: s.ghLog,
    PUSH_LOG: s.pushLog,
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    // The "Commit checked out" step's output: the sandbox's HEAD before the step runs.
    ...resolveEnv(st.env, { 'steps.checked-out.outputs.sha': execFileSync(REAL_GIT, ['rev-parse', 'HEAD'], { cwd: s.work, encoding: 'utf8' }).trim(), ...overrides }),
    ...extraEnv,
  };
  // GitHub's default shell for run: on Linux.
  const r = spawnSync('bash', ['--noprofile', '--norc', '-e', script], { cwd: s.work, env, encoding: 'utf8' });
  const log = (f: string) => { try { return readFileSync(f, 'utf8'); } catch { return ''; } };
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, gh: log(s.ghLog), pushes: log(s.pushLog), summary: log(s.summary) };
}

const remoteHead = (s: Sandbox, branch: string) => spawnSync(REAL_GIT, ['--git-dir', s.bare, 'log', '-1', '--format=%s', `refs/heads/${branch}`], { encoding: 'utf8' });
const gitConfig = (s: Sandbox) => readFileSync(path.join(s.work, '.git', 'config'), 'utf8');
const changeLock = (s: Sandbox) => writeFileSync(path.join(s.work, 'base-images.lock.json'), '{ "node:24-alpine": { "digest": "sha256:2" } }\n');

describe.each([
  ['update-base-images.yml', 'update', 'The weekly base-image update'],
  ['dependabot-sync.yml', 'sync', 'The Dependabot sync'],
])('%s: "GitHub App set up"', (workflow, job, purpose) => {
  const check = () => step(workflow, job, 'GitHub App set up');

  test('passes when the variable and the secret are set', () => {
    const r = run(sandbox(), check());
    expect(r.stdout).toContain('GitHub App client ID: Iv23liFAKECLIENTID');
    expect(r.status).toBe(0);
  });

  test('fails with an error saying exactly what to set up when both are missing', () => {
    const r = run(sandbox(), check(), {}, { 'vars.UPDATE_APP_CLIENT_ID': '', "secrets.UPDATE_APP_PRIVATE_KEY != ''": 'false' });
    expect(r.status).not.toBe(0);
    expect(r.stdout).toContain(`::error title=GitHub App not set up::Set the repository variable UPDATE_APP_CLIENT_ID (the app's client ID) and the Actions secret UPDATE_APP_PRIVATE_KEY (the app's private key). ${purpose} pushes with a GitHub App installation token`);
    expect(r.stdout).toContain('both as an Actions secret and as a Dependabot secret');
    expect(r.summary).toContain('Set the repository variable UPDATE_APP_CLIENT_ID');
  });

  test('in a run started by Dependabot, names the Dependabot secret', () => {
    const r = run(sandbox(), check(), { GITHUB_ACTOR: 'dependabot[bot]' }, { "secrets.UPDATE_APP_PRIVATE_KEY != ''": 'false' });
    expect(r.status).not.toBe(0);
    expect(r.stdout).toContain('::error title=GitHub App not set up::Set the Dependabot secret UPDATE_APP_PRIVATE_KEY (the app\'s private key).');
  });
});

describe('update-base-images.yml: "Open or update the pull request"', () => {
  const openPr = () => step('update-base-images.yml', 'update', 'Open or update the pull request');
  const BRANCH = 'chore/update-base-images';

  test('nothing to update: exit 0, no push, no pull request', () => {
    const s = sandbox();
    const r = run(s, openPr());
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Every base image is pinned to its current digest: no pull request.');
    expect(r.gh).toBe('');
    expect(remoteHead(s, BRANCH).status).not.toBe(0);
  });

  test('changes: the branch is pushed with the app token (never stored), then the pull request is opened', () => {
    const s = sandbox();
    changeLock(s);
    const r = run(s, openPr());
    expect(r.stderr).not.toContain('fake gh: unexpected');
    expect(r.status).toBe(0);
    expect(remoteHead(s, BRANCH).stdout.trim()).toBe('chore: update base-image digests');
    expect(r.pushes.trim()).toBe(AUTH_HEADER);
    expect(gitConfig(s)).not.toContain('extraheader');
    expect(gitConfig(s)).not.toContain(Buffer.from(`x-access-token:${TOKEN}`).toString('base64'));
    const calls = r.gh.trim().split('\n');
    expect(calls[0]).toBe(`gh pr list --head ${BRANCH} --state open --json number --jq .[0].number // empty [GH_TOKEN=${TOKEN} GH_REPO=${REPO}]`);
    expect(calls[1]).toMatch(new RegExp(`^gh pr create --head ${BRANCH} --title chore: update base-image digests --body Digests resolved by \`npx projen update-base-images\``));
    expect(calls).toHaveLength(2);
    expect(r.summary).toContain('Opened https://github.com/acme/qualisys/pull/7');
  });

  test('a refused pull request fails the job', () => {
    const s = sandbox();
    changeLock(s);
    const r = run(s, openPr(), { FAKE_GH_CREATE_FAIL: '1' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('pull request create failed');
  });

  test('a pull request already open for the branch is updated (force-pushed, edited), exit 0', () => {
    const s = sandbox();
    // Last week's branch, with a commit this run does not have.
    const last = path.join(s.dir, 'last-week');
    execFileSync(REAL_GIT, ['clone', '-q', s.bare, last]);
    execFileSync(REAL_GIT, ['-c', 'user.name=a', '-c', 'user.email=a@a', 'commit', '-q', '--allow-empty', '-m', 'last week'], { cwd: last });
    execFileSync(REAL_GIT, ['push', '-q', 'origin', `HEAD:refs/heads/${BRANCH}`], { cwd: last });
    changeLock(s);
    const r = run(s, openPr(), { FAKE_GH_EXISTING: '12' });
    expect(r.status).toBe(0);
    expect(remoteHead(s, BRANCH).stdout.trim()).toBe('chore: update base-image digests');
    expect(r.gh).toContain('gh pr edit 12 --title chore: update base-image digests');
    expect(r.gh).not.toContain('pr create');
    expect(r.summary).toContain('Updated pull request #12');
  });

  test('a failing push fails the job before any pull request', () => {
    const s = sandbox();
    changeLock(s);
    execFileSync(REAL_GIT, ['remote', 'set-url', 'origin', path.join(s.dir, 'missing.git')], { cwd: s.work });
    const r = run(s, openPr());
    expect(r.status).not.toBe(0);
    expect(r.gh).toBe('');
  });
});

describe('dependabot-sync.yml: "Push the regenerated files"', () => {
  const push = () => step('dependabot-sync.yml', 'sync', 'Push the regenerated files');

  test('nothing regenerated: exit 0, nothing pushed', () => {
    const s = sandbox(DEPENDABOT_BRANCH);
    const r = run(s, push());
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('nothing to push');
    expect(remoteHead(s, DEPENDABOT_BRANCH).stdout.trim()).toBe('initial');
    expect(r.pushes).toBe('');
  });

  test("regenerated files are committed and pushed to Dependabot's branch with the app token (never stored)", () => {
    const s = sandbox(DEPENDABOT_BRANCH);
    changeLock(s);
    const r = run(s, push());
    expect(r.status).toBe(0);
    expect(remoteHead(s, DEPENDABOT_BRANCH).stdout.trim()).toBe('chore: regenerate from .projenrc.ts after the dependency update');
    expect(r.pushes.trim()).toBe(AUTH_HEADER);
    expect(gitConfig(s)).not.toContain('extraheader');
    expect(r.summary).toContain(`Pushed the regenerated files to ${DEPENDABOT_BRANCH}.`);
  });

  test('a refused push (Dependabot pushed again meanwhile) fails the job', () => {
    const s = sandbox(DEPENDABOT_BRANCH);
    // Dependabot pushed to its branch meanwhile: the remote moved on.
    const other = path.join(s.dir, 'other');
    execFileSync(REAL_GIT, ['clone', '-q', '-b', DEPENDABOT_BRANCH, s.bare, other]);
    writeFileSync(path.join(other, 'x'), 'x');
    execFileSync(REAL_GIT, ['add', 'x'], { cwd: other });
    execFileSync(REAL_GIT, ['-c', 'user.name=d', '-c', 'user.email=d@d', 'commit', '-q', '-m', 'newer update'], { cwd: other });
    execFileSync(REAL_GIT, ['push', '-q', 'origin', DEPENDABOT_BRANCH], { cwd: other });
    changeLock(s);
    const r = run(s, push());
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/rejected|non-fast-forward|fetch first/);
  });
});

describe('the pin workflows keep no write token in .git/config while dependency code runs', () => {
  test.each([['update-base-images.yml', 'update'], ['dependabot-sync.yml', 'sync']])('%s: checkout without credentials, installs without scripts, read-only GITHUB_TOKEN', (workflow, job) => {
    const wf = parse(readFileSync(path.join(REPO_ROOT, '.github', 'workflows', workflow), 'utf8'));
    const j = wf.jobs[job];
    expect(j.permissions).toEqual({ contents: 'read' });
    const steps = j.steps as (Step & { uses?: string; with?: Record<string, unknown> })[];
    const checkout = steps.find((x) => x.uses?.startsWith('actions/checkout@'))!;
    expect(checkout.with?.['persist-credentials']).toBe(false);
    // Every step running npm or projen: no install scripts, no token in its environment.
    for (const st of steps.filter((x) => /^(npm ci|npx projen)\b/m.test(x.run ?? ''))) {
      expect(/--ignore-scripts/.test(st.run!) || st.env?.npm_config_ignore_scripts === 'true').toBe(true);
      expect(JSON.stringify(st.env ?? {})).not.toMatch(/token|secrets\./i);
    }
    // The app token is made after them, and only the push step reads it.
    const tokenAt = steps.findIndex((x) => x.uses?.startsWith('actions/create-github-app-token@'));
    expect(tokenAt).toBeGreaterThan(steps.findIndex((x) => /^npx projen/m.test(x.run ?? '')));
    expect(steps.filter((x) => JSON.stringify(x.env ?? {}).includes('steps.app-token.outputs.token'))).toHaveLength(1);
  });
});

describe.each([
  ['update-base-images.yml', 'update', 'Open or update the pull request', 'chore/update-base-images', 'chore: update base-image digests'],
  ['dependabot-sync.yml', 'sync', 'Push the regenerated files', DEPENDABOT_BRANCH, 'chore: regenerate from .projenrc.ts after the dependency update'],
])('%s: only generated, pin and lock files are committed, and no hook runs', (workflow, job, name, branch, subject) => {
  const push = () => step(workflow, job, name);
  const start = () => sandbox(branch === DEPENDABOT_BRANCH ? branch : 'main');
  const write = (s: Sandbox, file: string, text: string) => writeFileSync(path.join(s.work, file), text);
  const pushedFiles = (s: Sandbox) => execFileSync(REAL_GIT, ['--git-dir', s.bare, 'diff-tree', '--no-commit-id', '--name-only', '-r', `refs/heads/${branch}`], { encoding: 'utf8' }).trim().split('\n').sort();

  test('generated files (of the root and of a subproject), pin and lock files are committed and pushed; untracked files are not', () => {
    const s = start();
    changeLock(s);
    write(s, '.github/workflows/images.yml', 'name: images v2\n');
    write(s, 'api/Dockerfile', 'FROM node@sha256:2\n');
    write(s, 'api/package-lock.json', '{ "v": 2 }\n');
    write(s, 'stray.txt', 'untracked\n');
    const r = run(s, push());
    expect(r.stderr).not.toMatch(/error|fatal/i);
    expect(r.status).toBe(0);
    expect(remoteHead(s, branch).stdout.trim()).toBe(subject);
    expect(pushedFiles(s)).toEqual(['.github/workflows/images.yml', 'api/Dockerfile', 'api/package-lock.json', 'base-images.lock.json']);
  });

  test.each([
    [['README.md'], 'README.md'],
    [['.projenrc.ts', 'README.md'], '.projenrc.ts, README.md'],
  ])('a change outside the allow-list (%j) fails naming the files, and nothing is pushed', (files, named) => {
    const s = start();
    changeLock(s);
    for (const f of files) write(s, f, 'changed by a dependency\n');
    const r = run(s, push());
    expect(r.status).not.toBe(0);
    expect(r.stdout).toContain(`::error title=Unexpected changes::Only generated files and pin or lock files may change here; these changed too: ${named}. Nothing is pushed`);
    expect(r.pushes).toBe('');
    expect(r.gh).toBe('');
    expect(remoteHead(s, branch).stdout.trim()).not.toBe(subject);
  });

  test('a files.json rewritten in the work tree does not widen the list: it is read from the commit checked out', () => {
    const s = start();
    write(s, '.projen/files.json', JSON.stringify({ files: ['.github/workflows/images.yml', '.projen/files.json', 'README.md'] }));
    write(s, 'README.md', 'changed by a dependency\n');
    const r = run(s, push());
    expect(r.status).not.toBe(0);
    expect(r.stdout).toContain('these changed too: README.md.');
    expect(r.pushes).toBe('');
  });

  test('a deleted file outside the list, staged by the code that ran, is refused too', () => {
    const s = start();
    changeLock(s);
    execFileSync(REAL_GIT, ['rm', '-q', 'README.md'], { cwd: s.work });
    const r = run(s, push());
    expect(r.status).not.toBe(0);
    expect(r.stdout).toContain('these changed too: README.md.');
  });

  test('a commit made during the run (HEAD moved) fails: nothing is pushed', () => {
    const s = start();
    const checkedOut = execFileSync(REAL_GIT, ['rev-parse', 'HEAD'], { cwd: s.work, encoding: 'utf8' }).trim();
    write(s, 'README.md', 'sneaked in\n');
    execFileSync(REAL_GIT, ['-c', 'user.name=x', '-c', 'user.email=x@x', 'commit', '-q', '-am', 'sneaked'], { cwd: s.work });
    changeLock(s);
    const r = run(s, push(), {}, { 'steps.checked-out.outputs.sha': checkedOut });
    expect(r.status).not.toBe(0);
    expect(r.stdout).toContain('::error title=Unexpected commit::');
    expect(r.pushes).toBe('');
  });

  test('hooks planted in .git/hooks or through core.hooksPath do not run (they would see the token)', () => {
    const s = start();
    changeLock(s);
    const marker = path.join(s.dir, 'hook-ran');
    const planted = path.join(s.dir, 'planted-hooks');
    mkdirSync(planted);
    for (const dir of [path.join(s.work, '.git', 'hooks'), planted]) {
      for (const hook of ['pre-push', 'pre-commit', 'commit-msg', 'post-commit', 'reference-transaction']) {
        writeFileSync(path.join(dir, hook), `#!/bin/sh\necho "${hook} GH_TOKEN=$GH_TOKEN" >> "${marker}"\n`);
        chmodSync(path.join(dir, hook), 0o755);
      }
    }
    const r1 = run(s, push());
    expect(r1.status).toBe(0);
    expect(() => readFileSync(marker, 'utf8')).toThrow();
    // The same with core.hooksPath pointing at the planted hooks (a dependency could set it in .git/config).
    const s2 = start();
    changeLock(s2);
    execFileSync(REAL_GIT, ['config', 'core.hooksPath', planted], { cwd: s2.work });
    const r2 = run(s2, push());
    expect(r2.status).toBe(0);
    expect(remoteHead(s2, branch).stdout.trim()).toBe(subject);
    expect(() => readFileSync(marker, 'utf8')).toThrow();
  });
});

describe('the app token asks for exactly what each push needs', () => {
  test.each([
    // The weekly branch changes images.yml (a workflow) and opens a pull request.
    ['update-base-images.yml', 'update', { 'permission-contents': 'write', 'permission-pull-requests': 'write', 'permission-workflows': 'write' }],
    // The sync pushes regenerated workflows to Dependabot's branch; it opens nothing.
    ['dependabot-sync.yml', 'sync', { 'permission-contents': 'write', 'permission-workflows': 'write' }],
  ])('%s', (workflow, job, permissions) => {
    const wf = parse(readFileSync(path.join(REPO_ROOT, '.github', 'workflows', workflow), 'utf8'));
    const token = (wf.jobs[job].steps as { uses?: string; with?: Record<string, string> }[]).find((x) => x.uses?.startsWith('actions/create-github-app-token@'))!;
    const asked = Object.fromEntries(Object.entries(token.with!).filter(([k]) => k.startsWith('permission-')));
    expect(asked).toEqual(permissions);
    // Every input is one the action declares.
    const action = readFileSync(path.join('/work/shared/actions/actions', readdirSync('/work/shared/actions/actions').find((d) => d.startsWith('create-github-app-token@'))!, 'action.yml'), 'utf8');
    for (const input of Object.keys(token.with!)) expect(parse(action).inputs).toHaveProperty([input]);
  });
});
