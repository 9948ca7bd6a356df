/**
 * Reads a TagContext from the places a build can run: flags first, then the CI environment
 * (GitHub Actions variables), then git. The thin I/O layer around the pure policy.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { checkSourceUrl, parsePullRequest } from './inputs';
import { compareReleaseVersions, parseReleaseTag, pickReleaseTag, RefType, TagContext, TagPolicyError } from './policy';
import { parseTimestamp } from './timestamp';

/** Values given explicitly (flags or variables); each wins over what git says. */
export interface ContextOverrides {
  readonly sha?: string;
  readonly refType?: string;
  readonly refName?: string;
  readonly event?: string;
  readonly pullRequest?: string;
  readonly environment?: string;
  /** Build time: seconds since 1970 or strict ISO 8601 (see TIMESTAMP_FORMS); wins over SOURCE_DATE_EPOCH. */
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
  /** Where overrides.pullRequest came from, for messages. @default '--pr' */
  readonly pullRequestSource?: string;
  /** The clock, for tests. @default () => new Date() */
  readonly clock?: () => Date;
}

export class GitContextError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitContextError';
  }
}

class GitNotFoundError extends Error {}

/** Runs git; undefined when it fails. Throws GitNotFoundError when git itself cannot be started. */
function git(cwd: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new GitNotFoundError();
    return undefined;
  }
}

/** Facts about the local repository. */
export interface GitFacts {
  /** The commit at HEAD; undefined before the first commit. */
  readonly sha?: string;
  readonly branch?: string;
  /** Every tag pointing at HEAD, when HEAD is detached. */
  readonly tagsAtHead: readonly string[];
  readonly dirty: boolean;
  readonly shallow: boolean;
  readonly remoteUrl?: string;
}

/** Why there are no git facts to read. */
export type GitProblem = 'no-folder' | 'git-not-found' | 'not-a-repository';

/** Reads the facts of the repository at `cwd`, or says why there are none. */
export function readGit(cwd: string): GitFacts | GitProblem {
  if (!existsSync(cwd)) return 'no-folder';
  try {
    if (git(cwd, ['rev-parse', '--is-inside-work-tree']) !== 'true') return 'not-a-repository';
    const sha = git(cwd, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']) || undefined;
    // On an unborn branch (no commit yet) symbolic-ref still names the branch.
    const branch = git(cwd, ['symbolic-ref', '--quiet', '--short', 'HEAD']) || undefined;
    const tagsAtHead = branch || !sha ? [] : (git(cwd, ['tag', '--points-at', 'HEAD']) ?? '').split('\n').filter(Boolean);
    const status = git(cwd, ['status', '--porcelain']);
    return {
      sha,
      branch,
      tagsAtHead,
      dirty: status !== undefined && status.length > 0,
      shallow: git(cwd, ['rev-parse', '--is-shallow-repository']) === 'true',
      remoteUrl: git(cwd, ['config', '--get', 'remote.origin.url']) || undefined,
    };
  } catch (err) {
    if (err instanceof GitNotFoundError) return 'git-not-found';
    throw err;
  }
}

/** Notes on a detached build from the tags at HEAD: which release it is, and which tags do not count. */
export function tagNotes(choice: ReturnType<typeof pickReleaseTag>): string[] {
  const notes: string[] = [];
  if (choice.releases.length > 1) {
    const [first, second] = choice.releases.map((t) => parseReleaseTag(t)!);
    const why = compareReleaseVersions(first, second) === 0 ? 'equal SemVer precedence, so the first by name' : 'the highest SemVer precedence';
    notes.push(`HEAD has the release tags ${choice.releases.join(', ')}: building ${choice.tag}, ${why}.`);
  }
  // Only a tag that looks like a version is worth a word; deploy-2024 or latest-build are not.
  const malformed = choice.ignored.filter((t) => /^v\d/.test(t));
  if (malformed.length > 0) {
    notes.push(`ignoring ${malformed.join(', ')} at HEAD: not a release tag vX.Y.Z[-pre][+build] (SemVer 2.0.0 with a leading v).`);
  }
  return notes;
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

/** Reads the context of the build: flags, then CI variables, then git (only for what is not given). */
export function readContext(options: ReadContextOptions = {}): { context: TagContext; git?: GitFacts; source?: string; notes: string[] } {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const o = options.overrides ?? {};
  const gh = fromGitHub(env);
  const inCi = env.GITHUB_ACTIONS === 'true';

  const explicitSha = o.sha ?? gh.sha;
  const givenType = o.refType ?? gh.refType;
  const givenName = o.refName ?? gh.refName;
  // What git would tell, as the flags that tell it instead. With all of them given, git is not run.
  const missing = [
    ...(explicitSha ? [] : ['--sha SHA']),
    ...(givenType !== undefined || givenName !== undefined ? [] : ['--ref-name BRANCH']),
    ...(inCi || o.dirty !== undefined ? [] : ['--dirty false']),
  ];
  const read = missing.length === 0 ? undefined : readGit(cwd);
  if (typeof read === 'string') {
    const instead = `pass what git would tell: ${missing.join(' ')} (for a release: --ref-type tag --ref-name vX.Y.Z; for files that differ from the commit: --dirty true).`;
    throw new GitContextError({
      'no-folder': `The folder ${cwd} does not exist: run in the repository, or give it with --cwd.`,
      'git-not-found': `git is not installed (or not on PATH): install it, or ${instead}`,
      'not-a-repository': `${cwd} is not a git repository: run inside the repository, or ${instead}`,
    }[read]);
  }
  const facts = read;
  if (facts && !explicitSha && !facts.sha) {
    throw new GitContextError('The repository has no commits yet: commit first (images are tagged by commit), or pass --sha SHA.');
  }

  let refType: RefType;
  let refName: string;
  const notes: string[] = [];
  if (givenType !== undefined || givenName !== undefined) {
    refType = refTypeOf(givenType ?? 'branch');
    refName = givenName ?? '';
  } else if (facts?.branch) {
    refType = 'branch';
    refName = facts.branch;
  } else {
    // Detached: a release when a release tag is at HEAD; other tags never fail the build.
    const release = pickReleaseTag(facts?.tagsAtHead ?? []);
    notes.push(...tagNotes(release));
    refType = release.tag ? 'tag' : 'detached';
    refName = release.tag ?? '';
  }
  if (refType === 'branch' && refName === '') {
    throw new TagPolicyError('A branch build needs the branch name: pass --ref-name.');
  }

  const prRaw = o.pullRequest ?? gh.pullRequest;
  const prSource = o.pullRequest !== undefined ? (options.pullRequestSource ?? '--pr') : 'GITHUB_REF';
  const pullRequest = prRaw === undefined || prRaw === '' ? undefined : parsePullRequest(prRaw, prSource);

  // An empty SOURCE_DATE_EPOCH counts as unset (CI templates often leave it so); an empty --timestamp does not.
  const now = o.timestamp !== undefined ? parseTimestamp(o.timestamp, '--timestamp')
    : env.SOURCE_DATE_EPOCH ? parseTimestamp(env.SOURCE_DATE_EPOCH, 'SOURCE_DATE_EPOCH')
      : (options.clock ?? (() => new Date()))();
  const context: TagContext = {
    sha: (explicitSha ?? facts!.sha!).toLowerCase(),
    refType,
    refName,
    event: o.event ?? gh.event ?? (pullRequest !== undefined ? 'pull_request' : 'local'),
    pullRequest,
    environment: (o.environment ?? env.DEPLOY_ENVIRONMENT)?.trim() || undefined,
    now,
    dirty: o.dirty ?? (inCi ? false : facts?.dirty ?? false),
  };

  let source: string | undefined;
  if (env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY) {
    source = checkSourceUrl(`${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}`, 'GITHUB_SERVER_URL/GITHUB_REPOSITORY');
  } else if (facts?.remoteUrl) {
    // A remote that makes no web address leaves the source label out (--source gives it).
    source = sourceUrlFromRemote(facts.remoteUrl);
    try {
      if (source !== undefined) checkSourceUrl(source, 'the remote origin');
    } catch {
      source = undefined;
    }
  }
  return { context, git: facts, source, notes };
}
