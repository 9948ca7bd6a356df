/** Settings read from the environment, validated once at start-up. */

export class ConfigError extends Error {}

export interface HealthConfig {
  /** Seconds between two polls (1..3600). */
  readonly pollIntervalSeconds: number;
  /** File touched after each loop; its age tells the health check whether the loop still runs. */
  readonly heartbeatFile: string;
}

export interface Config extends HealthConfig {
  /** The events URL polled each interval, e.g. http://tracking:8080/parcels/PCL00000001/events. */
  readonly trackingUrl: URL;
}

type Env = Record<string, string | undefined>;

function intInRange(env: Env, name: string, def: number, low: number, high: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return def;
  const text = raw.trim();
  const n = Number(text);
  if (!/^[0-9]+$/.test(text) || n < low || n > high) {
    throw new ConfigError(`${name} must be an integer from ${low} to ${high}, got ${JSON.stringify(raw)}`);
  }
  return n;
}

/** The settings the health check needs (it must not fail on a missing TRACKING_URL). */
export function loadHealthConfig(env: Env = process.env): HealthConfig {
  return {
    pollIntervalSeconds: intInRange(env, 'POLL_INTERVAL_SECONDS', 5, 1, 3600),
    heartbeatFile: env.HEARTBEAT_FILE?.trim() || '/tmp/notifier.heartbeat',
  };
}

export function loadConfig(env: Env = process.env): Config {
  const raw = env.TRACKING_URL?.trim();
  if (!raw) throw new ConfigError('TRACKING_URL is required (an http or https URL)');
  let trackingUrl: URL;
  try {
    trackingUrl = new URL(raw);
  } catch {
    throw new ConfigError(`TRACKING_URL must be an http or https URL, got ${JSON.stringify(raw)}`);
  }
  if (trackingUrl.protocol !== 'http:' && trackingUrl.protocol !== 'https:') {
    throw new ConfigError(`TRACKING_URL must be an http or https URL, got ${JSON.stringify(raw)}`);
  }
  return { trackingUrl, ...loadHealthConfig(env) };
}
