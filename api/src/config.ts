import { isIP } from 'node:net';

/**
 * Runtime configuration of the api service, read from the environment once at start-up.
 *
 * Every value is validated by the validator of its kind (a port, a host to listen on, a number of
 * milliseconds, one of a list, a version): a wrong value stops the process with one line that names
 * the variable, quotes the value and says what is expected, instead of failing later in an obscure
 * way. A value is trimmed first; an empty one means unset. web's start.cjs applies the same rules to
 * the same kinds of values (test/config.test.ts checks that they agree).
 */
export interface ApiConfig {
  /** TCP port to listen on (`PORT`, 1 to 65535, default 3000). */
  readonly port: number;
  /** Interface to bind (`HOST`, an IP address or a host name, default `0.0.0.0` so the service is reachable in a container). */
  readonly host: string;
  /** Pino log level (`LOG_LEVEL`, default `info`). */
  readonly logLevel: string;
  /** Version reported by `/health` (`APP_VERSION`, default: package.json version). */
  readonly version: string;
  /** How long a graceful shutdown may take before the process gives up (`SHUTDOWN_TIMEOUT_MS`, default 8000). */
  readonly shutdownTimeoutMs: number;
  /** Artificial latency added to `/api/test-runs` responses, to exercise timeouts and graceful shutdown (`RESPONSE_DELAY_MS`, default 0). */
  readonly responseDelayMs: number;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The most characters of a value that a message shows. */
const MAX_SHOWN = 200;

/**
 * `value` as a one-line quoted string for a message: JSON string syntax, with every control, format
 * and line or paragraph separator character escaped as well (JSON leaves U+0085, U+2028 and bidi
 * controls raw), and no more than MAX_SHOWN characters of it.
 */
export function quote(value: string): string {
  const shown = value.length > MAX_SHOWN ? value.slice(0, MAX_SHOWN) : value;
  const quoted = JSON.stringify(shown).replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, (c) =>
    Array.from({ length: c.length }, (_, i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`).join(''));
  return value.length > MAX_SHOWN ? `${quoted}… (${value.length} characters)` : quoted;
}

/** Any text (an error's message) on one line, without control characters. */
export function oneLine(text: string): string {
  return text.replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, ' ').trim();
}

export class ConfigError extends Error {
  constructor(variable: string, value: string, expected: string) {
    super(`Invalid ${variable}=${quote(value)}: expected ${expected}. Fix or unset ${variable}.`);
    this.name = 'ConfigError';
  }
}

/** The trimmed value of `name`, or undefined when it is unset or blank. */
function read(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/** An integer from `min` to `max`, written in decimal digits only. */
export function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const value = read(env, name);
  if (value === undefined) return fallback;
  if (!/^[0-9]{1,15}$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new ConfigError(name, env[name]!, `an integer from ${min} to ${max}`);
  }
  return Number(value);
}

/** A TCP port to listen on: 1 to 65535 (0, "any free port", is no address anybody can be told). */
export function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  return integer(env, name, fallback, 1, 65535);
}

const HOST_LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const HOST_NAME = new RegExp(`^${HOST_LABEL}(?:\\.${HOST_LABEL})*$`);
/** A last label that is a number: getaddrinfo reads such a name as an IPv4 address ("127.1", "1234", "0x7f000001"). */
const NUMERIC_LAST_LABEL = /(?:^|\.)(?:[0-9]+|0x[0-9a-f]*)$/i;

/**
 * The address to listen on: an IP address (IPv4, or IPv6 without brackets) or a host name (letters,
 * digits and hyphens in dot-separated labels, up to 253 characters, and not a number in disguise such
 * as 127.1). Whether a name resolves, or an address is this machine's, only listening tells: that is a
 * failure at run time (see describeListenError), not a bad value.
 */
export function listenHost(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const value = read(env, name);
  if (value === undefined) return fallback;
  if (isIP(value)) return value;
  if (value.length <= 253 && HOST_NAME.test(value) && !NUMERIC_LAST_LABEL.test(value)) return value;
  throw new ConfigError(name, env[name]!, 'an IP address (such as 0.0.0.0, 127.0.0.1 or ::) or a host name (such as localhost) to listen on');
}

/** One of `values`, in any case. */
export function oneOf<T extends string>(env: NodeJS.ProcessEnv, name: string, fallback: T, values: readonly T[]): T {
  const value = read(env, name)?.toLowerCase();
  if (value === undefined) return fallback;
  if (!(values as readonly string[]).includes(value)) throw new ConfigError(name, env[name]!, `one of ${values.join(', ')}`);
  return value as T;
}

/** A version as image tags and SemVer write it: up to 128 letters, digits and `. _ + -`, starting with a letter, digit or `_`. */
export function version(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const value = read(env, name);
  if (value === undefined) return fallback;
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,127}$/.test(value)) {
    throw new ConfigError(name, env[name]!, 'a version such as 1.2.3, 1.2.3-rc.1 or sha-abc1234 (up to 128 letters, digits and . _ + -)');
  }
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv, defaultVersion: string): ApiConfig {
  return {
    port: port(env, 'PORT', 3000),
    host: listenHost(env, 'HOST', '0.0.0.0'),
    logLevel: oneOf(env, 'LOG_LEVEL', 'info', LOG_LEVELS),
    version: version(env, 'APP_VERSION', defaultVersion),
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 8000, 100, 600_000),
    responseDelayMs: integer(env, 'RESPONSE_DELAY_MS', 0, 0, 60_000),
  };
}

/** Error codes of a host name that does not resolve. */
const UNRESOLVED = ['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA'];

/**
 * What went wrong when listening on `host`:`port` failed, and what to do, on one line; undefined
 * when `err` is no listen error. `hostVariable` is the variable that set the host.
 */
export function describeListenError(err: unknown, hostVariable: string, host: string, listenPort: number): string | undefined {
  const e = err as NodeJS.ErrnoException | undefined;
  if (!e || typeof e.code !== 'string' || !['listen', 'bind', 'getaddrinfo'].includes(e.syscall ?? '')) return undefined;
  const where = `${quote(host)} port ${listenPort}`;
  switch (e.code) {
    case 'EADDRINUSE':
      return `cannot listen on ${where}: the port is in use (EADDRINUSE). Stop what listens there, or set PORT to a free port.`;
    case 'EACCES':
      return `cannot listen on ${where}: not allowed (EACCES). Set PORT to 1024 or above, or give the process the right to bind low ports.`;
    case 'EADDRNOTAVAIL':
      return `cannot listen on ${where}: ${hostVariable}=${quote(host)} is not an address of this machine (EADDRNOTAVAIL). Set ${hostVariable} to one of its addresses, or to 0.0.0.0 to listen on all of them.`;
    case 'EAFNOSUPPORT':
      return `cannot listen on ${where}: this machine has no network of that address family (EAFNOSUPPORT). Set ${hostVariable} to an address it has, such as 0.0.0.0.`;
    default:
      if (UNRESOLVED.includes(e.code)) {
        return `cannot listen on ${where}: ${hostVariable}=${quote(host)} does not resolve to an address (${e.code}). Set ${hostVariable} to an address of this machine, or to a name that resolves to one.`;
      }
      return `cannot listen on ${where}: ${oneLine(e.message)} (${e.code}).`;
  }
}
