/**
 * The twin's GitHub stand-ins that need no Docker: the smart-HTTP git server (what actions/checkout
 * fetches from) and the fake `gh`'s compare API (what the moving-tag guard reads).
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { bareRepository, startGitServer } from '../../src/twin/git-server';
import { REPO_ROOT } from '../fixtures';

const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

function scratch(): { root: string; work: string; bare: string } {
  const root = mkdtempSync(path.join(tmpdir(), 'twin-git-'));
  const work = path.join(root, 'work');
  const bare = bareRepository(path.join(root, 'srv'), 'acme/app');
  spawnSync('mkdir', ['-p', work, bare]);
  git(bare, 'init', '-q', '--bare', '--initial-branch=main');
  git(work, 'init', '-q', '--initial-branch=main');
  writeFileSync(path.join(work, 'a.txt'), 'a\n');
  git(work, 'add', '.');
  git(work, 'commit', '-q', '-m', 'one');
  git(work, 'push', '-q', bare, 'main');
  return { root, work, bare };
}

/** git over HTTP, run asynchronously: the server answers from this same process. */
function gitAsync(...args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile('git', args, { env }, (err, _stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stderr }));
  });
}

test('the git server serves a bare repository over smart HTTP, as checkout fetches it', async () => {
  const { root, work } = scratch();
  const server = await startGitServer(path.join(root, 'srv'));
  try {
    const clone = path.join(root, 'clone');
    const r = await gitAsync('-c', 'http.extraHeader=Authorization: basic dHdpbjp0d2lu', 'clone', '-q', `${server.url}/acme/app`, clone);
    expect(r).toEqual({ code: 0, stderr: '' });
    expect(git(clone, 'rev-parse', 'HEAD')).toBe(git(work, 'rev-parse', 'HEAD'));
    // A fetch of one commit by SHA, as actions/checkout does.
    const sha = git(work, 'rev-parse', 'HEAD');
    expect((await gitAsync('-C', clone, 'fetch', '-q', '--depth=1', 'origin', sha)).code).toBe(0);
    expect((await gitAsync('clone', '-q', `${server.url}/acme/none`, path.join(root, 'none'))).code).not.toBe(0);
  } finally {
    await server.close();
  }
});

describe('the fake gh answers the compare API from the git server\'s repository', () => {
  const gh = (root: string, ...args: string[]) => spawnSync(path.join(REPO_ROOT, 'tools', 'twin', 'fakes', 'bin', 'gh'), args, {
    encoding: 'utf8', env: { ...env, TWIN_GIT_ROOT: path.join(root, 'srv'), TWIN_STATE: path.join(root, 'state') },
  });
  const jq = '.status, (.files | length), .files[].filename';

  test('identical, ahead with the files, behind, diverged', () => {
    const { root, work, bare } = scratch();
    const first = git(work, 'rev-parse', 'HEAD');
    expect(gh(root, 'api', `repos/acme/app/compare/${first}...main`, '--jq', jq).stdout).toBe('identical\n0\n');
    writeFileSync(path.join(work, 'b.txt'), 'b\n');
    git(work, 'add', '.');
    git(work, 'commit', '-q', '-m', 'two');
    git(work, 'push', '-q', bare, 'main');
    expect(gh(root, 'api', `repos/acme/app/compare/${first}...main`, '--jq', jq).stdout).toBe('ahead\n1\nb.txt\n');
    const second = git(work, 'rev-parse', 'HEAD');
    git(work, 'push', '-q', '--force', bare, `${first}:refs/heads/main`);
    expect(gh(root, 'api', `repos/acme/app/compare/${second}...main`, '--jq', '.status').stdout).toBe('behind\n');
    expect(gh(root, 'api', 'repos/acme/app/compare/0000000...main').stderr).toContain('HTTP 404');
  });

  test('an endpoint it does not know is an error, never an empty answer', () => {
    const { root } = scratch();
    const r = gh(root, 'api', 'repos/acme/app/deployments');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('no fake for');
  });
});
