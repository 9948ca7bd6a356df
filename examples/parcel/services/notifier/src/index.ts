/** Entry point: validate the environment, then poll until SIGTERM/SIGINT and exit 0. */
import { ConfigError, loadConfig } from './config';
import { jsonLog, Notifier } from './notifier';

async function main(): Promise<number> {
  let cfg;
  try {
    cfg = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`notifier: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const stop = new AbortController();
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    process.once(sig, () => {
      jsonLog({ level: 'info', msg: 'stopping', signal: sig });
      stop.abort();
    });
  }
  jsonLog({ level: 'info', msg: 'started', trackingUrl: cfg.trackingUrl.href, pollIntervalSeconds: cfg.pollIntervalSeconds });
  await new Notifier(cfg).run(stop.signal);
  jsonLog({ level: 'info', msg: 'stopped' });
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`notifier: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
