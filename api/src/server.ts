import closeWithGrace from 'close-with-grace';
import { buildApp } from './app';
import { ConfigError, loadConfig } from './config';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version: packageVersion } = require('../package.json') as { version: string };

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env, packageVersion);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`api: configuration error: ${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }

  const app = buildApp({
    version: config.version,
    responseDelayMs: config.responseDelayMs,
    logger: { level: config.logLevel },
  });

  // On SIGTERM/SIGINT: stop accepting connections, let in-flight requests finish, then exit 0.
  // If that takes longer than the timeout, exit 1 so the orchestrator knows it was not clean.
  closeWithGrace({ delay: config.shutdownTimeoutMs, logger: app.log }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info({ signal }, 'shutting down');
    await app.close();
  });

  await app.listen({ port: config.port, host: config.host });
}

main().catch((err) => {
  process.stderr.write(`api: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
