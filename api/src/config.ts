/**
 * Runtime configuration of the api service, read from the environment once at start-up.
 *
 * Every value is validated: a wrong value stops the process with a message that names the
 * variable, the value and what is expected, instead of failing later in an obscure way.
 */
export interface ApiConfig {
  /** TCP port to listen on (`PORT`, default 3000). */
  readonly port: number;
  /** Interface to bind (`HOST`, default `0.0.0.0` so the service is reachable in a container). */
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

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) {
    throw new ConfigError(`Invalid ${name}="${raw}": expected an integer from ${min} to ${max}. Fix or unset ${name}.`);
  }
  const value = Number(raw.trim());
  if (value < min || value > max) {
    throw new ConfigError(`Invalid ${name}="${raw}": expected an integer from ${min} to ${max}. Fix or unset ${name}.`);
  }
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv, defaultVersion: string): ApiConfig {
  const logLevel = (env.LOG_LEVEL ?? 'info').trim().toLowerCase() || 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(`Invalid LOG_LEVEL="${env.LOG_LEVEL}": expected one of ${LOG_LEVELS.join(', ')}.`);
  }
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: env.HOST?.trim() || '0.0.0.0',
    logLevel,
    version: env.APP_VERSION?.trim() || defaultVersion,
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 8000, 100, 600_000),
    responseDelayMs: integer(env, 'RESPONSE_DELAY_MS', 0, 0, 60_000),
  };
}
