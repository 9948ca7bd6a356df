/**
 * Reads a TagContext from the places a build can run: flags first, then the CI environment
 * (GitHub Actions variables), then git. The thin I/O layer around the pure policy.
 */
import { execFileSync } from 'node:child_process';
import { RefType, TagContext, TagPolicyError } from './policy';

/** Values given explicitly (flags or variables); each wins over what git says. */
export interface ContextOverrides {
  readonly sha?: string;
  readonly refType?: string;
  readonly refName?: string;
  readonly event?: string;
  readonly pullRequest?: string;
  readonly environment?: string;
  /** Seconds since the epoch (SOURCE_DATE_EPOCH) or an ISO 8601 date. */
  readonly timestamp?: string;
  /** Whether the tree is dirty; computed from git when unset. */
  readonly dirty?: boolean;
}

export interface ReadContextOptions {
  /** Repository folder. @default process.cwd() */
  readonly cwd?: string;
  /** Environment to read CI variables from. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  readonly overrides?: ContextOverrides;
  /** The clock, for tests. @default () => new Date() */
  readonly clock?: () => Date;
}

export class GitContextError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitContextError';
  }
}

function git(cwd: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch {
    return undefined;
  }
}

/** Parses SOURCE_DATE_EPOCH-style seconds or an ISO 8601 date. */
export function parseTimestamp(value: string): Date {
  const v = value.trim();
  const d = /^\d+$/.test(v) ? new Date(Number(v) * 1000) : new Date(v);
  if (Number.isNaN(d.getTime())) {
    throw new TagPolicyError(`Invalid timestamp "${value}": expected seconds since 1970 (SOURCE_DATE_EPOCH) or an ISO 8601 date such as 2026-01-23T14:30:22Z.`);
  }
  return d;
}

/** Facts about the local repository. */
export interface GitFacts {
  readonly sha: string;
  readonly branch?: string;
  /** Release tag pointing at HEAD, when HEAD is detached on one. */
  readonly tagAtHead?: string;
  readonly dirty: boolean;
  readonly shallow: boolean;
  readonly remoteUrl?: string;
}

export function readGit(cwd: string): GitFacts {
  if (git(cwd, ['rev-parse', '--git-dir']) === undefined) {
    throw new GitContextError(`${cwd} is not a git repository: run from inside the repository, or pass --sha, --ref-type and --ref-name.`);
  }
  const sha = git(cwd, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']);
  if (!sha) {
    throw new GitContextError('The repository has no commits yet: commit first (images are tagged by commit), or pass --sha.');
  }
  const branch = git(cwd, ['symbolic-ref', '--quiet', '--short', 'HEAD']) || undefined;
  const tags = branch ? '' : git(cwd, ['tag', '--points-at', 'HEAD', '--list', 'v*']) ?? '';
  // Several release tags on one commit: the highest version wins.
  const tagAtHead = tags.split('\n').filter(Boolean).sort((a, b) => b.localeCompare(a, 'en', { numeric: true }))[0];
  const status = git(cwd, ['status', '--porcelain']);
  return {
    sha,
    branch,
    tagAtHead,
    dirty: status !== undefined && status.length > 0,
    shallow: git(cwd, ['rev-parse', '--is-shallow-repository']) === 'true',
    remoteUrl: git(cwd, ['config', '--get', 'remote.origin.url']) || undefined,
  };
}

/** Turns a git remote (ssh or https) into the https URL of the repository, without credentials. */
export function sourceUrlFromRemote(remote: string): string | undefined {
  const scp = /^(?:ssh:\/\/)?git@([^:/]+)[:/](.+?)(?:\.git)?\/?$/.exec(remote);
  if (scp) return `https://${scp[1]}/${scp[2]}`;
  try {
    const u = new URL(remote);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') return undefined;
    return `https://${u.host}${u.pathname.replace(/\.git\/?$/, '').replace(/\/$/, '')}`;
  } catch {
    return undefined;
  }
}

function refTypeOf(value: string): RefType {
  if (value === 'branch' || value === 'tag' || value === 'detached') return value;
  throw new TagPolicyError(`Invalid ref type "${value}": expected branch, tag or detached.`);
}

/** The GitHub Actions view of the build, when running there. */
function fromGitHub(env: NodeJS.ProcessEnv): Partial<Record<keyof ContextOverrides, string>> {
  if (env.GITHUB_ACTIONS !== 'true') return {};
  const prFromRef = /^refs\/pull\/(\d+)\//.exec(env.GITHUB_REF ?? '')?.[1];
  const isPr = env.GITHUB_EVENT_NAME?.startsWith('pull_request') ?? false;
  return {
    sha: env.GITHUB_SHA,
    // For a pull request GITHUB_REF_NAME is "123/merge": the head branch names the build.
    refType: isPr ? 'branch' : env.GITHUB_REF_TYPE,
    refName: isPr ? env.GITHUB_HEAD_REF : env.GITHUB_REF_NAME,
    event: env.GITHUB_EVENT_NAME,
    pullRequest: isPr ? prFromRef : undefined,
  };
}

/** Reads the context of the build: flags, then CI variables, then git. */
export function readContext(options: ReadContextOptions = {}): { context: TagContext; git?: GitFacts; source?: string } {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const o = options.overrides ?? {};
  const gh = fromGitHub(env);
  const inCi = env.GITHUB_ACTIONS === 'true';

  const explicitSha = o.sha ?? gh.sha;
  const explicitRef = (o.refName ?? gh.refName) !== undefined || (o.refType ?? gh.refType) !== undefined;
  // git is read unless everything it would tell is given.
  const facts = explicitSha && explicitRef && (inCi || o.dirty !== undefined) ? undefined : readGit(cwd);

  let refType: RefType;
  let refName: string;
  const givenType = o.refType ?? gh.refType;
  const givenName = o.refName ?? gh.refName;
  if (givenType !== undefined || givenName !== undefined) {
    refType = refTypeOf(givenType ?? 'branch');
    refName = givenName ?? '';
  } else if (facts?.branch) {
    refType = 'branch';
    refName = facts.branch;
  } else if (facts?.tagAtHead) {
    refType = 'tag';
    refName = facts.tagAtHead;
  } else {
    refType = 'detached';
    refName = '';
  }
  if (refType === 'branch' && refName === '') {
    throw new TagPolicyError('A branch build needs the branch name: pass --ref-name.');
  }

  const prRaw = o.pullRequest ?? gh.pullRequest;
  const pullRequest = prRaw === undefined || prRaw === '' ? undefined : /^\d+$/.test(prRaw) ? Number(prRaw) : NaN;
  if (Number.isNaN(pullRequest)) throw new TagPolicyError(`Invalid pull request number "${prRaw}": expected a positive integer.`);

  const timestamp = o.timestamp ?? env.SOURCE_DATE_EPOCH;
  const context: TagContext = {
    sha: (explicitSha ?? facts!.sha).toLowerCase(),
    refType,
    refName,
    event: o.event ?? gh.event ?? (pullRequest !== undefined ? 'pull_request' : 'local'),
    pullRequest,
    environment: (o.environment ?? env.DEPLOY_ENVIRONMENT)?.trim() || undefined,
    now: timestamp ? parseTimestamp(timestamp) : (options.clock ?? (() => new Date()))(),
    dirty: o.dirty ?? (inCi ? false : facts?.dirty ?? false),
  };

  const source = env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY
    ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}`
    : facts?.remoteUrl ? sourceUrlFromRemote(facts.remoteUrl) : undefined;
  return { context, git: facts, source };
}
