/**
 * The image tagging strategy of QUALISYS as data and small pure functions, in the manner of
 * docker/metadata-action: a context (what is being built, when) goes in, tags and OCI labels come
 * out. Nothing here reads git, the environment or the clock: the context is an input, so every
 * rule is testable with a fixed clock.
 */
import { createHash } from 'node:crypto';
import { isValidTag, MAX_TAG_LENGTH } from './docker-reference';

/** What kind of git reference the build is for. */
export type RefType = 'branch' | 'tag' | 'detached';

/** Everything the tags depend on. */
export interface TagContext {
  /** Full commit SHA (40 hex characters, or 64 in SHA-256 repositories). */
  readonly sha: string;
  /** The kind of ref being built. */
  readonly refType: RefType;
  /** Branch or tag name (for a pull request: its head branch). Empty when detached. */
  readonly refName: string;
  /** The CI event (`push`, `pull_request`, `workflow_dispatch`, ...) or `local`. */
  readonly event: string;
  /** Pull request number, when the build is for one. */
  readonly pullRequest?: number;
  /** Deployment target asked for explicitly (`staging` or `production`), if any. */
  readonly environment?: string;
  /** Build time. Tags use its UTC date and time. */
  readonly now: Date;
  /** The work tree has uncommitted changes (local builds only). */
  readonly dirty?: boolean;
}

/**
 * The defaults of {@link TagPolicyOptions}, written once: the policy, the components
 * (ImageTagScript, the workflows) and the docs read them here.
 */
export const TAG_POLICY_DEFAULTS = {
  /** The default branch when neither the options nor the project (its default release branch) name one. */
  defaultBranch: 'main',
  stagingBranch: 'staging',
  shaLength: 7,
  fullShaTag: false,
} as const;

/** Options of the tag policy. */
export interface TagPolicyOptions {
  /** The branch whose builds get `latest`. @default 'main' (ImageTagScript: the project's default release branch, else 'main') */
  readonly defaultBranch?: string;
  /**
   * The branch whose pushes are staging deploys (tagged `staging-YYYYMMDD`), or `false` for a
   * project without staging: no staging tag (a build for the `staging` environment is refused),
   * and no staging trigger, job or docs in what the components generate.
   * @default 'staging'
   */
  readonly stagingBranch?: string | false;
  /** Length of the short-SHA tag. @default 7 */
  readonly shaLength?: number;
  /** Also tag `sha-<full sha>`. @default false (the full SHA is always in the revision label) */
  readonly fullShaTag?: boolean;
}

/** One tag with the rule that made it. */
export interface Tag {
  readonly tag: string;
  readonly rule: 'production' | 'staging' | 'pull-request' | 'prerelease' | 'ref-timestamp' | 'sha' | 'full-sha' | 'latest';
}

/**
 * Rules whose tags move from one image to the next (`latest`, `staging-YYYYMMDD`, `pr-N`). Every
 * other tag names one image for good: a registry with tag immutability must exempt exactly these
 * (for Amazon ECR: IMMUTABLE_WITH_EXCLUSION with `latest`, `staging-*` and `pr-*`).
 */
export const MOVING_RULES: readonly Tag['rule'][] = ['latest', 'staging', 'pull-request'];

/** The tags of a result that may move to another image. */
export function movingTags(result: Pick<TagResult, 'tags'>): string[] {
  return result.tags.filter((t) => MOVING_RULES.includes(t.rule)).map((t) => t.tag);
}

export interface TagResult {
  /** Tags, most specific first; no duplicates. */
  readonly tags: readonly Tag[];
  /** The version of the image: the release version, else the first tag. */
  readonly version: string;
  /** The context after defaults and checks. */
  readonly context: TagContext;
}

export class TagPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TagPolicyError';
  }
}

/** Strict SemVer 2.0.0 with a leading `v`: vMAJOR.MINOR.PATCH[-prerelease][+build]. */
const SEMVER = /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

export interface ReleaseVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly prerelease?: string;
  readonly build?: string;
  /** `X.Y.Z[-pre]`, without the `v` and the build metadata. */
  readonly version: string;
}

/** Parses a release tag `vX.Y.Z[-pre][+build]`, or returns undefined when it is not one. */
export function parseReleaseTag(tag: string): ReleaseVersion | undefined {
  const m = SEMVER.exec(tag);
  if (!m) return undefined;
  const [major, minor, patch] = [m[1], m[2], m[3]].map(Number);
  // From the digits as written: a number past 2^53 would lose precision (or print as 1e+21).
  const core = `${m[1]}.${m[2]}.${m[3]}`;
  return { major, minor, patch, prerelease: m[4], build: m[5], version: m[4] ? `${core}-${m[4]}` : core };
}

const NUMERIC_IDENTIFIER = /^\d+$/;

function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

/** Compares digit strings without leading zeros (SemVer forbids them) at any length, without Number. */
function compareNumeric(a: string, b: string): number {
  return a.length !== b.length ? sign(a.length - b.length) : a < b ? -1 : a > b ? 1 : 0;
}

/** SemVer 11.4.1-3: numeric identifiers numerically, alphanumeric ones in ASCII order, numeric below alphanumeric. */
function compareIdentifiers(a: string, b: string): number {
  const numA = NUMERIC_IDENTIFIER.test(a);
  const numB = NUMERIC_IDENTIFIER.test(b);
  if (numA && numB) return compareNumeric(a, b);
  if (numA !== numB) return numA ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * SemVer 2.0.0 precedence (https://semver.org/#spec-item-11): -1, 0 or 1 as `a` is lower than,
 * equal to or higher than `b`. Major, minor and patch compare numerically; a release is higher
 * than any of its pre-releases; pre-release identifiers compare one by one (numeric ones
 * numerically and below alphanumeric ones, which compare in ASCII order), and a shorter set is
 * lower when all before it are equal. Build metadata is ignored: `v1.2.3+a` equals `v1.2.3+b`.
 */
export function compareReleaseVersions(a: ReleaseVersion, b: ReleaseVersion): number {
  const coreA = a.version.split('-', 1)[0].split('.');
  const coreB = b.version.split('-', 1)[0].split('.');
  for (let i = 0; i < 3; i++) {
    const c = compareNumeric(coreA[i], coreB[i]);
    if (c !== 0) return c;
  }
  if (a.prerelease === undefined || b.prerelease === undefined) {
    return a.prerelease === b.prerelease ? 0 : a.prerelease === undefined ? 1 : -1;
  }
  const preA = a.prerelease.split('.');
  const preB = b.prerelease.split('.');
  for (let i = 0; i < Math.min(preA.length, preB.length); i++) {
    const c = compareIdentifiers(preA[i], preB[i]);
    if (c !== 0) return c;
  }
  return sign(preA.length - preB.length);
}

/** The release tag a commit carrying several tags is built as. */
export interface ReleaseTagChoice {
  /** The release tag of highest SemVer precedence, if any tag is one. */
  readonly tag?: string;
  /** Every release tag, highest precedence first. */
  readonly releases: readonly string[];
  /** Tags that are not release tags `vX.Y.Z[-pre][+build]` (`deploy-2024`, `latest-build`, `v1.2`), by name. */
  readonly ignored: readonly string[];
}

/**
 * Picks the release of a commit from the tags on it: only strict release tags count, and the
 * highest SemVer precedence wins (`v1.2.3` over `v1.2.3-rc.1`, `v1.10.0` over `v1.9.0`). Tags of
 * equal precedence (differing in build metadata only) are ordered by name, so neither the pick
 * nor the lists depend on the order git lists the tags in.
 */
export function pickReleaseTag(tags: readonly string[]): ReleaseTagChoice {
  const releases: { tag: string; version: ReleaseVersion }[] = [];
  const ignored: string[] = [];
  for (const tag of tags) {
    const version = parseReleaseTag(tag);
    if (version) releases.push({ tag, version });
    else ignored.push(tag);
  }
  releases.sort((x, y) => compareReleaseVersions(y.version, x.version) || (x.tag < y.tag ? -1 : x.tag > y.tag ? 1 : 0));
  return { tag: releases[0]?.tag, releases: releases.map((r) => r.tag), ignored: ignored.sort() };
}

/**
 * Makes a ref name usable in a tag, as docker/metadata-action does and a little more:
 * accents are dropped (`café` -> `cafe`), everything is lowercased, every run of characters
 * outside `[a-z0-9_.-]` becomes one `-`, runs of `-` become one, and leading `.` and `-` are
 * removed. A name with nothing
 * left (`!!!`, an emoji) becomes `fallback`.
 */
export function sanitizeRefName(name: string, fallback = 'ref'): string {
  const out = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[.-]+/, '');
  return out.length > 0 ? out : fallback;
}

/**
 * Joins a variable part and a fixed suffix into a tag of at most 128 characters: the variable
 * part is cut, never the suffix, and a cut never leaves a trailing `.` or `-` behind.
 */
export function fitTag(variable: string, suffix = ''): string {
  const room = MAX_TAG_LENGTH - suffix.length;
  let head = variable.length > room ? variable.slice(0, room).replace(/[.-]+$/, '') : variable;
  if (head.length === 0) head = 'ref'.slice(0, room);
  return head + suffix;
}

/** Length of the hash {@link immutableTag} appends: 12 hex digits, 48 bits. */
export const TAG_HASH_LENGTH = 12;

/**
 * A tag that names one release for good (`production-vX.Y.Z`, a pre-release tag): the name
 * itself when it is a tag as it stands (`sanitized` equals it, 128 characters at most).
 * Otherwise (longer than 128, or changed by sanitizing: `v1.0.0-RC.1`, `v1.0.0-a+b`) it is
 * `sanitized` cut to fit, then `_` and the first 12 hex digits of the SHA-256 of the full name, so
 * two names that share their first 128 characters, or sanitize alike, still get two tags. A name
 * kept as it is never holds `_` (SemVer has none), so it never equals a hashed one.
 */
export function immutableTag(name: string, sanitized: string): string {
  if (sanitized === name && isValidTag(name)) return name;
  return fitTag(sanitized, `_${createHash('sha256').update(name).digest('hex').slice(0, TAG_HASH_LENGTH)}`);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `YYYYMMDD` in UTC. */
export function utcDate(d: Date): string {
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
}

/** `YYYYMMDD-HHMMSS` in UTC. */
export function utcTimestamp(d: Date): string {
  return `${utcDate(d)}-${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
}

const ENVIRONMENTS = ['staging', 'production'] as const;

/** Checks a context and fills in what follows from it; throws a TagPolicyError that says what to fix. */
export function checkContext(ctx: TagContext): TagContext {
  if (!/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(ctx.sha)) {
    throw new TagPolicyError(`Invalid commit SHA "${ctx.sha}": expected 40 (or 64) lowercase hex characters. Pass the full SHA (git rev-parse HEAD).`);
  }
  if (Number.isNaN(ctx.now.getTime())) {
    throw new TagPolicyError('Invalid build time: set SOURCE_DATE_EPOCH (seconds since 1970) or --timestamp to a valid date.');
  }
  if (ctx.environment && !(ENVIRONMENTS as readonly string[]).includes(ctx.environment)) {
    throw new TagPolicyError(`Invalid environment "${ctx.environment}": expected one of ${ENVIRONMENTS.join(', ')}, or none.`);
  }
  if (ctx.pullRequest !== undefined && !(Number.isSafeInteger(ctx.pullRequest) && ctx.pullRequest > 0)) {
    throw new TagPolicyError(`Invalid pull request number ${ctx.pullRequest}: expected a positive whole number below 2^53.`);
  }
  if (ctx.refType === 'tag') {
    const release = parseReleaseTag(ctx.refName);
    if (!release) {
      throw new TagPolicyError(
        `Invalid version tag "${ctx.refName}": release tags must be strict SemVer with a leading v, such as v1.2.3 or v1.2.3-rc.1.`,
      );
    }
    if (ctx.environment === 'production' && release.prerelease) {
      throw new TagPolicyError(`Pre-release ${ctx.refName} cannot be deployed to production: tag a release vX.Y.Z.`);
    }
  } else if (ctx.environment === 'production') {
    throw new TagPolicyError('A production build must be a release tag vX.Y.Z: push the tag, or build from it (--ref-type tag --ref-name vX.Y.Z).');
  }
  return ctx;
}

/** Computes the tags of one build. */
export function computeTags(input: TagContext, options: TagPolicyOptions = {}): TagResult {
  const ctx = checkContext(input);
  const defaultBranch = options.defaultBranch ?? TAG_POLICY_DEFAULTS.defaultBranch;
  const stagingBranch = options.stagingBranch ?? TAG_POLICY_DEFAULTS.stagingBranch;
  const shaLength = options.shaLength ?? TAG_POLICY_DEFAULTS.shaLength;
  if (stagingBranch === false && ctx.environment === 'staging') {
    throw new TagPolicyError('This project has no staging (stagingBranch: false in .projenrc.ts): build for production from a release tag vX.Y.Z, or without --environment.');
  }
  if (!Number.isInteger(shaLength) || shaLength < 7 || shaLength > 40) {
    throw new TagPolicyError(`Invalid shaLength ${shaLength}: expected an integer from 7 to 40.`);
  }
  const isPullRequest = ctx.pullRequest !== undefined || ctx.event === 'pull_request' || ctx.event === 'pull_request_target';
  if (isPullRequest && ctx.pullRequest === undefined) {
    throw new TagPolicyError('A pull_request build needs its number: pass --pr N (or run in GitHub Actions, where GITHUB_REF gives it).');
  }
  const dirty = ctx.dirty ? '-dirty' : '';
  const release = ctx.refType === 'tag' ? parseReleaseTag(ctx.refName) : undefined;
  const tags: Tag[] = [];
  const add = (tag: string, rule: Tag['rule']) => {
    if (!isValidTag(tag)) throw new Error(`internal error: rule ${rule} made the invalid tag "${tag}"`);
    if (!tags.some((t) => t.tag === tag)) tags.push({ tag, rule });
  };

  // Deploy tags are only for clean builds of the right ref, never for pull requests.
  const deployable = !isPullRequest && !ctx.dirty;
  // Tags that never move: one per release, even past 128 characters or through sanitizing.
  if (deployable && release && !release.prerelease) add(immutableTag(`production-v${release.version}`, `production-v${release.version}`), 'production');
  if (deployable && release?.prerelease) add(immutableTag(ctx.refName, sanitizeRefName(ctx.refName)), 'prerelease');
  const stagingBuild = stagingBranch !== false && (ctx.environment === 'staging' || (ctx.refType === 'branch' && ctx.refName === stagingBranch));
  if (deployable && stagingBuild) add(`staging-${utcDate(ctx.now)}`, 'staging');
  if (isPullRequest) add(`pr-${ctx.pullRequest}${dirty}`, 'pull-request');

  const refPart = ctx.refType === 'detached' || ctx.refName === '' ? 'detached' : sanitizeRefName(ctx.refName);
  add(fitTag(refPart, `${dirty}-${utcTimestamp(ctx.now)}`), 'ref-timestamp');
  add(`${ctx.sha.slice(0, shaLength)}${dirty}`, 'sha');
  if (options.fullShaTag) add(`sha-${ctx.sha}${dirty}`, 'full-sha');
  if (deployable && ctx.refType === 'branch' && ctx.refName === defaultBranch) add('latest', 'latest');

  return { tags, version: release?.version ?? tags[0].tag, context: ctx };
}

/** OCI image annotations (https://github.com/opencontainers/image-spec/blob/main/annotations.md). */
export interface OciLabelsInput {
  readonly result: TagResult;
  /** URL of the source repository. */
  readonly source?: string;
  /** Image title, e.g. the service name. */
  readonly title?: string;
}

export function ociLabels({ result, source, title }: OciLabelsInput): Record<string, string> {
  const labels: Record<string, string> = {
    'org.opencontainers.image.created': result.context.now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'org.opencontainers.image.revision': result.context.sha,
    'org.opencontainers.image.version': result.version,
  };
  if (source) labels['org.opencontainers.image.source'] = source;
  if (title) labels['org.opencontainers.image.title'] = title;
  return labels;
}
