/**
 * Runs the generated workflows' logic for one GitHub event, without GitHub: triggers matched as
 * GitHub matches them, `if:` and `${{ }}` evaluated by GitHub's expression library, and every
 * `run:` script executed by bash in a real git repository with the variables of that event (a
 * fake GITHUB_OUTPUT and GITHUB_STEP_SUMMARY). Actions (`uses:`) are not run: their outputs are
 * given by the test.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { Contexts, interpolate } from './expressions';
import { REPO_ROOT } from '../fixtures';

export const WORKFLOWS = path.join(REPO_ROOT, '.github', 'workflows');
export const loadWorkflow = (file: string): any => parse(readFileSync(path.join(WORKFLOWS, file), 'utf8'));

/** An event as the tests describe it. */
export interface SimEvent {
  readonly name: 'pull_request' | 'push' | 'workflow_dispatch' | 'schedule';
  /** `refs/heads/main`, `refs/tags/v1.2.3`, `refs/pull/7/merge`. */
  readonly ref: string;
  readonly sha: string;
  /** push: the commit before the push (40 zeros for a new branch). */
  readonly before?: string;
  readonly pullRequest?: { readonly number: number; readonly headRepo: string; readonly headRef: string; readonly headSha: string };
  readonly inputs?: Record<string, string>;
  readonly actor?: string;
  readonly visibility?: 'public' | 'private' | 'internal';
}

export const REPOSITORY = 'acme/qualisys';

/** The `github` context of an event. */
export function githubContext(e: SimEvent): Record<string, unknown> {
  const refType = e.ref.startsWith('refs/tags/') ? 'tag' : 'branch';
  const refName = e.ref.replace(/^refs\/(heads|tags)\//, '').replace(/^refs\//, '');
  return {
    event_name: e.name,
    ref: e.ref,
    ref_type: refType,
    ref_name: e.pullRequest ? `${e.pullRequest.number}/merge` : refName,
    head_ref: e.pullRequest?.headRef ?? '',
    sha: e.sha,
    repository: REPOSITORY,
    run_id: '4242',
    actor: e.actor ?? 'octocat',
    token: 'ghs_fake',
    event: {
      before: e.before,
      repository: { default_branch: 'main', visibility: e.visibility ?? 'private', full_name: REPOSITORY },
      pull_request: e.pullRequest ? {
        number: e.pullRequest.number,
        head: { sha: e.pullRequest.headSha, ref: e.pullRequest.headRef, repo: { full_name: e.pullRequest.headRepo } },
      } : undefined,
    },
  };
}

/** Whether a workflow's `on:` starts a run for the event (branch and tag filters as GitHub matches them). */
export function triggers(workflow: any, e: SimEvent): boolean {
  const on = workflow.on ?? {};
  if (!(e.name in on)) return false;
  if (e.name !== 'push') return true;
  const filter = on.push ?? {};
  const isTag = e.ref.startsWith('refs/tags/');
  const name = e.ref.replace(/^refs\/(heads|tags)\//, '');
  const patterns: string[] | undefined = isTag ? filter.tags : filter.branches;
  if (patterns === undefined) return !isTag || filter.branches === undefined;
  return patterns.some((p) => filterPattern(p).test(name));
}

/** GitHub's filter pattern syntax: `*` (no `/`), `**`, `+` (one or more of the previous), `?`, `[...]`. */
export function filterPattern(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '*' && pattern[i + 1] === '*') { re += '.*'; i++; } else if (ch === '*') {re += '[^/]*';} else if (ch === '+' || ch === '?') {re += ch;} else if (ch === '[') { const end = pattern.indexOf(']', i); re += pattern.slice(i, end + 1); i = end; } else {re += ch.replace(/[.\\^$(){}|]/g, '\\$&');}
  }
  return new RegExp(`^${re}$`);
}

/** What a `run:` step did. */
export interface StepRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly outputs: Record<string, string>;
  readonly summary: string;
}

/** Parses a GITHUB_OUTPUT file (`k=v` lines and `k<<DELIM` blocks). */
export function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i]);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2], i + 1);
      out[heredoc[1]] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (lines[i].includes('=')) {
      const at = lines[i].indexOf('=');
      out[lines[i].slice(0, at)] = lines[i].slice(at + 1);
    }
  }
  return out;
}

/**
 * Runs a step's `run:` as GitHub's runner does on Linux (`bash -e`, the job's and step's `env:`
 * rendered with the contexts), in `cwd`, with `extraPath` first on PATH (fake tools).
 */
/** Where and with what a step runs. */
export interface RunOptions {
  readonly cwd: string;
  /** The job's `env:`, already rendered. */
  readonly jobEnv?: Record<string, string>;
  /** A folder put first on PATH (fake tools). */
  readonly extraPath?: string;
  /** Variables set last (e.g. for a local registry). */
  readonly env?: Record<string, string>;
}

export function runStep(step: any, contexts: Contexts, options: RunOptions): StepRun {
  if (typeof step.run !== 'string') throw new Error(`step "${step.name}" has no run:`);
  const dir = mkdtempSync(path.join(tmpdir(), 'gh-step-'));
  const files = { GITHUB_OUTPUT: path.join(dir, 'output'), GITHUB_STEP_SUMMARY: path.join(dir, 'summary') };
  writeFileSync(files.GITHUB_OUTPUT, '');
  writeFileSync(files.GITHUB_STEP_SUMMARY, '');
  const script = path.join(dir, 'step.sh');
  writeFileSync(script, step.run);
  const ctx: Contexts = { ...contexts, env: { ...(contexts.env as object ?? {}), ...(options.jobEnv ?? {}) } };
  const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, interpolate(v, ctx)]));
  const gh = (ctx.github ?? {}) as Record<string, any>;
  const r = spawnSync('bash', ['--noprofile', '--norc', '-e', script], {
    cwd: options.cwd,
    encoding: 'utf8',
    env: {
      PATH: `${options.extraPath ? `${options.extraPath}:` : ''}${process.env.PATH}`,
      HOME: process.env.HOME,
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: gh.event_name,
      GITHUB_REF: gh.ref,
      GITHUB_REF_TYPE: gh.ref_type,
      GITHUB_REF_NAME: gh.ref_name,
      GITHUB_HEAD_REF: gh.head_ref,
      GITHUB_SHA: gh.sha,
      GITHUB_REPOSITORY: gh.repository,
      GITHUB_SERVER_URL: 'https://github.com',
      ...files,
      ...(options.jobEnv ?? {}),
      ...stepEnv,
      ...(options.env ?? {}),
    },
  });
  return {
    status: r.status ?? -1,
    stdout: r.stdout,
    stderr: r.stderr,
    outputs: parseOutputs(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
    summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
  };
}

/** The step of a job with this id. */
export function stepById(job: any, id: string): any {
  const s = (job.steps as any[]).find((x) => x.id === id);
  if (!s) throw new Error(`no step with id ${id}`);
  return s;
}

/** A real git repository laid out like this one (service folders, shared files, scripts), for the scripts to run in. */
export function gitRepo(): { dir: string; git: (...args: string[]) => string; commit: (files: Record<string, string>, message?: string) => string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'wf-repo-'));
  const git = (...args: string[]) => {
    const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_DATE: '2026-11-20T10:00:00Z', GIT_COMMITTER_DATE: '2026-11-20T10:00:00Z' } });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim();
  };
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 't@example.com');
  git('config', 'user.name', 'T');
  git('config', 'commit.gpgsign', 'false');
  const commit = (files: Record<string, string>, message = 'change') => {
    for (const [f, content] of Object.entries(files)) {
      spawnSync('mkdir', ['-p', path.dirname(path.join(dir, f))]);
      writeFileSync(path.join(dir, f), content);
    }
    git('add', '-A');
    git('commit', '-q', '--allow-empty', '-m', message);
    return git('rev-parse', 'HEAD');
  };
  const scripts = Object.fromEntries(['scripts/image-tags.mjs', 'scripts/publish-image.sh'].map((f) => [f, readFileSync(path.join(REPO_ROOT, f), 'utf8')]));
  commit({
    ...scripts,
    'api/src/index.ts': '1',
    'web/app/page.tsx': '1',
    'playwright-runner/tests/a.spec.ts': '1',
    'base-images.lock.json': '{}',
    '.trivyignore.yaml': 'vulnerabilities: []',
    'README.md': '1',
  }, 'initial');
  return { dir, git, commit };
}
