/**
 * Checks and quoting shared by every component. An option is validated where it is declared
 * (a constructor, an `addXxx()`), or at the latest in a root component's `preSynthesize()`, so a
 * bad value fails `npx projen` before any file is written or deleted. Every message names the
 * component, the option (and the service where there is one) and says what is allowed.
 *
 * Values that reach generated shell, JavaScript, YAML or Dockerfiles are either checked against
 * a safe alphabet here, or quoted by the one helper for that language below.
 */

/** A configuration error: synth stops with this message and writes nothing. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** `Component: option "value" (service x)` — the start of every message. */
function where(component: string, option: string, value: unknown, service?: string): string {
  return `${component}: ${option}${service ? ` of ${service}` : ''} ${JSON.stringify(value)}`;
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

/** An HTTP path for a health check: `/` then unreserved URL characters only. */
export function httpPath(component: string, option: string, value: string, service?: string): string {
  check(typeof value === 'string' && /^\/[A-Za-z0-9._~\/-]{0,200}$/.test(value), component, option, value, 'a path starting with "/" of letters, digits and . _ ~ - / (no quotes, spaces, query or shell characters)', service);
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

/** A string quoted for POSIX shell: always one word, whatever it holds. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, '\'\\\'\'')}'`;
}

/** A string as a JavaScript (and JSON) string literal. */
export function jsString(value: string): string {
  // JSON is a JavaScript literal except for U+2028/U+2029 in old engines: escape them too.
  return JSON.stringify(value).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
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

/** A cron schedule of GitHub Actions: five fields of digits and `*`, `,`, `-`, `/`. */
export function cron(component: string, option: string, value: string): string {
  const fields = typeof value === 'string' ? value.trim().split(/\s+/) : [];
  check(fields.length === 5 && fields.every((f) => /^[0-9*,\/-]+$/.test(f)), component, option, value, 'five cron fields (minute hour day month weekday) of digits and * , - /, such as "0 6 * * *"');
  return value;
}

/** A git branch name that is also safe unquoted in YAML and shell: letters, digits and `._/-`, no `..`. */
export function branchName(component: string, option: string, value: string): string {
  const ok = typeof value === 'string' && /^[A-Za-z0-9][A-Za-z0-9._\/-]{0,99}$/.test(value) && !value.includes('..') && !value.includes('//')
    && !value.endsWith('/') && !value.endsWith('.') && !value.endsWith('.lock');
  check(ok, component, option, value, 'a branch name of letters, digits, ".", "_", "/" and "-" (no "..", no trailing "/" or ".")');
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
