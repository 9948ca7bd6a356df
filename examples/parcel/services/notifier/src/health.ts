/**
 * Health check for the image's HEALTHCHECK: `node lib/health.js` exits 0 when the heartbeat file
 * was written less than 3 poll intervals ago, else 1.
 */
import { statSync } from 'node:fs';
import { ConfigError, HealthConfig, loadHealthConfig } from './config';

export function isHealthy(cfg: HealthConfig, now: number = Date.now()): boolean {
  try {
    const age = now - statSync(cfg.heartbeatFile).mtimeMs;
    return age <= 3 * cfg.pollIntervalSeconds * 1000;
  } catch {
    return false; // no heartbeat yet, or unreadable
  }
}

if (require.main === module) {
  try {
    process.exitCode = isHealthy(loadHealthConfig()) ? 0 : 1;
  } catch (err) {
    console.error(`notifier health: ${err instanceof ConfigError ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}
