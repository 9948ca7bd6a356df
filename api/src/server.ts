import closeWithGrace from 'close-with-grace';
import { buildApp } from './app';
import { ConfigError, describeListenError, loadConfig, oneLine } from './config';
import { ConnectionTracker } from './connections';
import { watchLaunchers } from './launchers';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version: packageVersion } = require('../package.json') as { version: string };

/** Writes one line to stderr and exits with `code`: no stack trace, whatever went wrong. */
function fail(message: string, code: number): never {
  process.stderr.write(`api: ${oneLine(message)}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env, packageVersion);
  } catch (err) {
    if (err instanceof ConfigError) fail(`configuration error: ${err.message}`, 78); // EX_CONFIG
    throw err;
  }

  const app = buildApp({
    version: config.version,
    responseDelayMs: config.responseDelayMs,
    logger: { level: config.logLevel },
  });
  const connections = new ConnectionTracker(app.server);
  const timeoutMs = config.shutdownTimeoutMs;

  // On SIGTERM/SIGINT: stop accepting connections, answer every request already received (each
  // response from then on with `Connection: close`), close kept-alive connections once they have
  // answered or been idle for half a second (connections.ts), then exit 0. If requests are still
  // running when the timeout passes, exit 1 and say how many.
  const shutdown = closeWithGrace({
    delay: timeoutMs,
    logger: app.log,
    onTimeout: () => app.log.error({ inFlight: connections.inFlight },
      `shutdown timed out after ${timeoutMs} ms with ${connections.inFlight} request(s) still running; exiting with 1`),
  }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info({ signal }, 'shutting down');
    // An idle connection gets half the shutdown budget at most, so that a short SHUTDOWN_TIMEOUT_MS
    // still ends in a clean exit when no request is running.
    await connections.drain(Math.min(500, timeoutMs / 2));
    await app.close(); // onClose hooks; the server has already stopped
    app.log.info('stopped');
  });

  if (process.argv.includes('--stop-with-launcher')) {
    watchLaunchers(() => {
      app.log.info('the process that started the server has exited');
      void shutdown.close();
    });
  }

  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    // A port in use, a name that does not resolve, an address that is not this machine's: the value
    // is well-formed, and the failure is the machine's, so exit 1 (a restart may succeed), not 78.
    const listenError = describeListenError(err, 'HOST', config.host, config.port);
    if (listenError) fail(listenError, 1);
    throw err;
  }
}

main().catch((err) => fail(`failed to start: ${err instanceof Error ? err.message : String(err)}`, 1));
