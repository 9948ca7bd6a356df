import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SCRIPT = join(__dirname, '..', '..', '..', '..', 'scripts', 'image-tags.mjs');

/** A real git repository in a temporary folder. */
export class TempRepo {
  public readonly dir = mkdtempSync(join(tmpdir(), 'image-tags-'));

  constructor(init = true) {
    if (init) this.git('init', '-q', '-b', 'main');
  }

  git(...args: string[]): string {
    return execFileSync('git', args, {
      cwd: this.dir,
      encoding: 'utf8',
      env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' },
    }).trim();
  }

  commit(message = 'change'): string {
    writeFileSync(join(this.dir, 'file.txt'), `${message} ${Math.random()}\n`);
    this.git('add', '-A');
    this.git('commit', '-q', '-m', message);
    return this.git('rev-parse', 'HEAD');
  }

  write(name: string, text: string): void {
    writeFileSync(join(this.dir, name), text);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Environment without any CI variable of the machine running the tests. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(GITHUB_|CI$|SOURCE_DATE_EPOCH|TAG_|IMAGE_|DEFAULT_BRANCH|DEPLOY_ENVIRONMENT|RUNNER_)/.test(k)) env[k] = v;
  }
  return { ...env, SOURCE_DATE_EPOCH: '1769178622', ...extra }; // 2026-01-23T14:30:22Z
}

export interface ScriptResult { status: number; stdout: string; stderr: string }

/** Runs the generated script, as the workflows and build:docker do. */
export function runScript(cwd: string, args: string[], env: NodeJS.ProcessEnv = cleanEnv()): ScriptResult {
  const r = spawnSync(process.execPath, [SCRIPT, ...args], { cwd, env, encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function tagsOf(cwd: string, args: string[] = [], env?: NodeJS.ProcessEnv): string[] {
  const r = runScript(cwd, ['--image', 'qualisys/api', '--format', 'tags', ...args], env);
  if (r.status !== 0) throw new Error(`image-tags failed (${r.status}): ${r.stderr}`);
  return r.stdout.trim().split('\n');
}

export function read(file: string): string {
  return readFileSync(file, 'utf8');
}
