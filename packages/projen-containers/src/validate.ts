/**
 * Checks and quoting shared by every component. An option is validated where it is declared
 * (a constructor, an `addXxx()`), or at the latest in a root component's `preSynthesize()`, so a
 * bad value fails `npx projen` before any file is written or deleted. Every message names the
 * component, the option (and the service where there is one) and says what is allowed.
 *
 * Values that reach generated shell, JavaScript, YAML or Dockerfiles are either checked against
 * a safe alphabet here, or quoted by the one helper for that language below.
 */
import { REGISTRY_FORMS, registryProblem } from './image-tags/docker-reference';

import { installConfigErrorReport, runningProjenrc } from './lib/config-error-report';

// `npx projen` (tsx .projenrc.ts) prints a ConfigError as one line, not as a crash with a stack.
if (runningProjenrc()) installConfigErrorReport();

/** A configuration error: synth stops with this message and writes nothing. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** `Component: option "value" (service x)` — the start of every message. */
function where(component: string, option: string, value: unknown, service?: string): string {
  // JSON has no Infinity or NaN (it would print null): show them as they were given.
  const shown = typeof value === 'number' && !Number.isFinite(value) ? String(value) : JSON.stringify(value);
  return `${component}: ${option}${service ? ` of ${service}` : ''} ${shown}`;
}

/** Throws unless `test` holds, with a message that says what is allowed. */
export function check(ok: boolean, component: string, option: string, value: unknown, allowed: string, service?: string): void {
  if (!ok) throw new ConfigError(`${where(component, option, value, service)} is not allowed: ${allowed}.`);
}

/**
 * A path relative to the repository that stays inside it: no `..`, not absolute, no empty or `.`
 * segment, only `[A-Za-z0-9._-]` in each segment (so it is safe unquoted in shell, YAML and
 * Dockerfiles). Returns the path in POSIX form.
 */
export function repoPath(component: string, option: string, value: string, service?: string): string {
  const segments = typeof value === 'string' ? value.split('/') : [];
  const ok = typeof value === 'string' && value.length > 0 && value.length <= 200 && !value.startsWith('/')
    && segments.every((s) => /^[A-Za-z0-9._-]+$/.test(s) && s !== '.' && s !== '..');
  check(ok, component, option, value, 'a relative path inside the repository, such as scripts/x.sh: segments of letters, digits, ".", "_" and "-", no ".." and no leading "/"', service);
  return value;
}

/** A name for an environment variable or build argument: `UPPER_SNAKE_CASE`. */
export function envName(component: string, option: string, value: string, service?: string): string {
  check(typeof value === 'string' && /^[A-Z][A-Z0-9_]{0,63}$/.test(value), component, option, value, 'UPPER_SNAKE_CASE (A-Z, 0-9 and _, starting with a letter)', service);
  return value;
}

/** An HTTP path for a health check: `/` then unreserved URL characters only, no `.` or `..` segment. */
export function httpPath(component: string, option: string, value: string, service?: string): string {
  const ok = typeof value === 'string' && /^\/[A-Za-z0-9._~\/-]{0,200}$/.test(value) && value.split('/').every((s) => s !== '.' && s !== '..');
  check(ok, component, option, value, 'a path starting with "/" of letters, digits and . _ ~ - / (no quotes, spaces, query or shell characters, no "." or ".." segment)', service);
  return value;
}

/** A calendar date `YYYY-MM-DD` that exists (2026-11-31 does not). */
export function calendarDate(component: string, option: string, value: string, service?: string): Date {
  const m = typeof value === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) : null;
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  const ok = !!d && d.getUTCFullYear() === Number(m![1]) && d.getUTCMonth() === Number(m![2]) - 1 && d.getUTCDate() === Number(m![3]);
  check(ok, component, option, value, 'a date that exists, written YYYY-MM-DD', service);
  return d!;
}

/** A whole number in a range. */
export function integer(component: string, option: string, value: number, min: number, max: number, service?: string): number {
  check(Number.isInteger(value) && value >= min && value <= max, component, option, value, `a whole number from ${min} to ${max}`, service);
  return value;
}

/**
 * A registry reference `HOST[:PORT][/NAMESPACE]` (`ghcr.io/acme`, `127.0.0.1:5000`): the grammar
 * the tag script (`--registry`) and push:docker check too ({@link registryProblem}).
 */
export function registryReference(component: string, option: string, value: string, service?: string): string {
  const problem = registryProblem(value);
  check(problem === undefined, component, option, value, `${REGISTRY_FORMS}; here ${problem}`, service);
  return value;
}

/** A string quoted for POSIX shell: always one word, whatever it holds. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, '\'\\\'\'')}'`;
}

/** A string as a JavaScript (and JSON) string literal. */
export function jsString(value: string): string {
  // JSON is a JavaScript literal except for U+2028/U+2029 in old engines: escape them too.
  return JSON.stringify(value).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/**
 * The name of a projen task (a package.json script, a shell word): `[a-z0-9][a-z0-9:._-]*`, and,
 * given the project's tasks, not one of them.
 */
export function taskName(component: string, option: string, value: string, existing: readonly string[] = []): string {
  check(typeof value === 'string' && /^[a-z0-9][a-z0-9:._-]{0,99}$/.test(value), component, option, value, 'a task name of lowercase letters, digits and : . _ -, starting with a letter or digit, such as image-tags');
  check(!existing.includes(value), component, option, value, `a task name of its own: the project has a task named so already (${existing.join(', ')})`);
  return value;
}

/**
 * The content of a committed lock or pins file, as `readLockFile()` (lib/lock-files.ts) read it:
 * a ConfigError naming the file, the part that is wrong and what is allowed there, telling to fix
 * or delete it. Undefined when the file does not exist.
 */
export function lockFile<T>(
  component: string, label: string, read: { readonly data?: T; readonly problem?: readonly [unknown, string] } | undefined,
): T | undefined {
  if (read?.problem) check(false, component, `lock file ${label}`, read.problem[0], `${read.problem[1]}; fix or delete ${label} and run \`npx projen\` again`);
  return read?.data;
}

/** A workflow file name without `.yml`, or a job id: letters, digits, `_` and `-`. */
export function identifier(component: string, option: string, value: string, service?: string): string {
  check(typeof value === 'string' && /^[A-Za-z_][A-Za-z0-9_-]{0,99}$/.test(value), component, option, value, 'letters, digits, "_" and "-", starting with a letter or "_"', service);
  return value;
}

/** A runner label such as `ubuntu-24.04` or `self-hosted`. */
export function runnerLabel(component: string, option: string, value: string): string {
  check(typeof value === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(value), component, option, value, 'a runner label such as ubuntu-24.04 (letters, digits, ".", "_" and "-")');
  return value;
}

/** The five fields of a cron schedule: their bounds, and the names a field may use instead of numbers. */
const CRON_FIELDS: readonly { readonly name: string; readonly min: number; readonly max: number; readonly names?: readonly string[] }[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day of week', min: 0, max: 6, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

/**
 * What is wrong with one cron field (undefined when nothing is): a list of `*`, a value or a
 * range `a-b`, each with an optional step `/n`; values within the field's bounds (or, for month
 * and day of week, their three-letter names), ranges rising, steps from 1 to the field's span.
 */
export function cronFieldProblem(field: string, index: number): string | undefined {
  const spec = CRON_FIELDS[index];
  const value = (v: string): number | undefined => {
    if (/^\d{1,2}$/.test(v)) return Number(v);
    const named = spec.names?.indexOf(v.toUpperCase()) ?? -1;
    return named >= 0 ? named + spec.min : undefined;
  };
  for (const item of field.split(',')) {
    const m = /^([^/]+)(?:\/(\d{1,2}))?$/.exec(item);
    if (!m) return `${spec.name} "${item}" is not *, a value or a range, with an optional /step`;
    const [, base, step] = m;
    if (step !== undefined && (Number(step) < 1 || Number(step) > spec.max - spec.min + 1)) return `${spec.name} step ${step} is not from 1 to ${spec.max - spec.min + 1}`;
    if (base === '*') continue;
    const [lo, hi, ...rest] = base.split('-').map(value);
    const parts = base.split('-').length;
    if (rest.length || lo === undefined || (parts === 2 && hi === undefined)) return `${spec.name} "${base}" is not a value or range of ${spec.min}-${spec.max}${spec.names ? ` or ${spec.names[0]}-${spec.names[spec.names.length - 1]}` : ''}`;
    for (const v of [lo, hi]) if (v !== undefined && (v < spec.min || v > spec.max)) return `${spec.name} ${v} is outside ${spec.min}-${spec.max}`;
    if (hi !== undefined && hi < lo) return `${spec.name} range ${base} goes down`;
  }
  return undefined;
}

/** The minutes (0-59, ascending) a valid minute field names. */
function cronMinutes(field: string): number[] {
  const set = new Set<number>();
  for (const item of field.split(',')) {
    const [base, step] = item.split('/');
    const [lo, hi] = base === '*' ? [0, 59] : base.split('-').map(Number);
    const end = hi ?? (step ? 59 : lo);
    for (let m = lo; m <= end; m += Number(step ?? 1)) set.add(m);
  }
  return [...set].sort((a, b) => a - b);
}

/**
 * A cron schedule of GitHub Actions (UTC): five fields, minute (0-59) hour (0-23) day of month
 * (1-31) month (1-12 or JAN-DEC) day of week (0-6 or SUN-SAT), each a list of `*`, values or
 * ranges with optional steps, at least 5 minutes apart (GitHub's shortest interval). `61 25 * * *`
 * is refused, not left for GitHub to ignore silently.
 */
export function cron(component: string, option: string, value: string): string {
  const fields = typeof value === 'string' && value.trim() !== '' ? value.trim().split(/[ \t]+/) : [];
  const problem = typeof value !== 'string' || /[^ \tA-Za-z0-9*,\/-]/.test(value) ? 'it holds characters a cron field never has'
    : fields.length !== 5 ? `it has ${fields.length} field(s)`
      : fields.map(cronFieldProblem).find((p) => p !== undefined);
  const minutes = problem === undefined ? cronMinutes(fields[0]) : [];
  const gap = Math.min(...minutes.map((m, i) => (i + 1 < minutes.length ? minutes[i + 1] : minutes[0] + 60) - m));
  const tooOften = minutes.length > 1 && gap < 5 ? `it runs ${gap} minute(s) apart; GitHub runs a schedule at most every 5 minutes` : undefined;
  check((problem ?? tooOften) === undefined, component, option, value, `five cron fields, minute (0-59) hour (0-23) day (1-31) month (1-12 or JAN-DEC) weekday (0-6 or SUN-SAT), each *, a value or a range with an optional /step, or a list of them, such as "0 6 * * 1" (${problem ?? tooOften})`);
  return value;
}

/**
 * A git branch name that is also safe unquoted in YAML and shell: letters, digits and `._/-`, no
 * `..`, no segment starting with `.`, and a short name, never a ref (`refs/heads/main` is refused:
 * workflows and scripts compare it with the short name GitHub gives).
 */
export function branchName(component: string, option: string, value: string): string {
  const ok = typeof value === 'string' && /^[A-Za-z0-9][A-Za-z0-9._\/-]{0,99}$/.test(value) && !value.includes('..') && !value.includes('//')
    && !value.endsWith('/') && !value.endsWith('.') && !value.endsWith('.lock') && !value.includes('/.') && !value.includes('.lock/')
    && !/^refs\//.test(value) && value !== 'HEAD';
  check(ok, component, option, value, 'a branch name, short, such as main or release/1.2: letters, digits, ".", "_", "/" and "-" (no "..", no "refs/" prefix, no trailing "/" or ".")');
  return value;
}

/** The default and staging branches: each a {@link branchName}, and two different branches. */
export function branchPair(component: string, branches: { readonly defaultBranch: string; readonly stagingBranch: string }, prefix = ''): void {
  branchName(component, `${prefix}defaultBranch`, branches.defaultBranch);
  branchName(component, `${prefix}stagingBranch`, branches.stagingBranch);
  check(branches.stagingBranch !== branches.defaultBranch, component, `${prefix}stagingBranch`, branches.stagingBranch,
    'a branch other than the default branch (a staging deploy and a default-branch build of one push would tag the same image both ways)');
}

/** Branches a bot's force-push must never reach, whatever the project calls its own: these names, and anything under these prefixes. */
export const PROTECTED_LOOKING_BRANCHES: readonly string[] = ['main', 'master', 'trunk', 'develop', 'development', 'staging', 'stage', 'production', 'prod', 'gh-pages', 'HEAD'];
export const PROTECTED_LOOKING_PREFIXES: readonly string[] = ['release/', 'releases/', 'hotfix/', 'production/', 'stable/', 'refs/'];

/**
 * A branch a workflow force-pushes (a bot's working branch): a {@link branchName} that is none
 * of `reserved` (the project's default and staging branches), no protected-looking name
 * ({@link PROTECTED_LOOKING_BRANCHES}) and under no protected-looking prefix.
 */
export function workBranch(component: string, option: string, value: string, reserved: readonly string[]): string {
  const lower = typeof value === 'string' ? value.toLowerCase() : '';
  const taken = [...reserved, ...PROTECTED_LOOKING_BRANCHES].find((b) => b.toLowerCase() === lower)
    ?? PROTECTED_LOOKING_PREFIXES.find((p) => lower.startsWith(p));
  check(taken === undefined, component, option, value, `a branch of its own, such as chore/update-base-images: the workflow force-pushes it, so never the default or staging branch (${reserved.join(', ') || 'none declared'}) nor a protected-looking one (${PROTECTED_LOOKING_BRANCHES.join(', ')}, ${PROTECTED_LOOKING_PREFIXES.map((p) => `${p}*`).join(', ')})`);
  return branchName(component, option, value);
}

/** A Node.js version for actions/setup-node: a major, major.minor or major.minor.patch. */
export function nodeVersion(component: string, option: string, value: string): string {
  check(typeof value === 'string' && /^\d{1,3}(\.\d{1,4}){0,2}$/.test(value), component, option, value, 'a Node.js version such as 24 or 24.11.1');
  return value;
}

/**
 * The name of a GitHub Actions secret or variable: UPPER_SNAKE_CASE, and not `GITHUB_*`
 * (GitHub refuses those names: they are its own).
 */
export function secretName(component: string, option: string, value: string): string {
  check(typeof value === 'string' && /^[A-Z][A-Z0-9_]{0,99}$/.test(value) && !value.startsWith('GITHUB_'), component, option, value,
    'UPPER_SNAKE_CASE (A-Z, 0-9 and _, starting with a letter), not starting with GITHUB_ (GitHub refuses secrets and variables named so)');
  return value;
}

/**
 * A path inside a service's folder (its Docker build context), such as `lib/server.js`: the same
 * alphabet as {@link repoPath}, relative to the folder.
 */
export function contextPath(component: string, option: string, value: string, service?: string): string {
  let inside = true;
  try {
    repoPath(component, option, value, service);
  } catch {
    inside = false;
  }
  check(inside, component, option, value, 'a relative path inside the service folder (its build context), such as lib/server.js: segments of letters, digits, ".", "_" and "-", no ".." and no leading "/"', service);
  return value;
}

/** One line of text (a description, a comment): no newline or other control character, at most 300 characters. */
export function oneLine(component: string, option: string, value: string, service?: string): string {
  check(typeof value === 'string' && value.length <= 300 && !/[\u0000-\u001f\u007f\u2028\u2029]/.test(value), component, option, value, 'one line of text of at most 300 characters, with no newline or other control character', service);
  return value;
}

/** An options object with no key but those listed (a misspelt option is an error, not ignored). */
export function knownKeys(component: string, option: string, value: object, keys: readonly string[], service?: string): void {
  for (const [key, v] of Object.entries(value ?? {})) {
    check(v === undefined || keys.includes(key), component, `${option}.${key}`, v, `not an option; ${option} takes ${keys.join(', ')}`, service);
  }
}

/**
 * Every key of an options interface, for {@link knownKeys}. The compiler refuses a list that
 * misses a key of `T` or names one it does not have, so the check cannot fall behind the
 * interface: `const KEYS = optionKeys<FooOptions>({ a: true, b: true })`.
 */
export function optionKeys<T extends object>(keys: { readonly [K in keyof Required<T>]: true }): readonly string[] {
  return Object.keys(keys);
}
