/**
 * How a failed `npx projen` reports a configuration error: one line, `ConfigError: <message>`,
 * instead of Node's source excerpt and stack. The stack follows only when asked for
 * (`PROJEN_DEBUG=1`, or `DEBUG`, which `npx projen --debug` sets). Any other error keeps its stack.
 *
 * Installed by projenrc/validate.ts (which every component imports) when the program is
 * `.projenrc.ts` itself, so nothing in .projenrc.ts changes and tests are unaffected.
 */
import * as path from 'node:path';

/** Whether the environment asks for stacks: PROJEN_DEBUG or DEBUG set to anything but "", "0" or "false". */
export function debugRequested(env: NodeJS.ProcessEnv): boolean {
  return [env.PROJEN_DEBUG, env.DEBUG].some((v) => v !== undefined && !['', '0', 'false'].includes(v.toLowerCase()));
}

/** What stderr shows for an uncaught error (pure: the handler below writes it). */
export function formatUncaught(err: unknown, debug: boolean): string {
  const e = err as { name?: unknown; message?: unknown; stack?: unknown } | undefined;
  if (e && e.name === 'ConfigError' && typeof e.message === 'string') {
    const first = `ConfigError: ${e.message}\n`;
    if (debug) return `${first}${String(e.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l)).join('\n')}\n`;
    return `${first}Fix the option in .projenrc.ts and run \`npx projen\` again (PROJEN_DEBUG=1 shows where it was raised).\n`;
  }
  return `${typeof e?.stack === 'string' ? e.stack : String(err)}\n`;
}

/** Whether this process runs `.projenrc.ts` (or `.projenrc.js`) as its main program. */
export function runningProjenrc(main: { filename?: string } | undefined = require.main): boolean {
  return !!main?.filename && /^\.projenrc\.[cm]?[jt]s$/.test(path.basename(main.filename));
}

let installed = false;

/** Reports uncaught errors with {@link formatUncaught} and exits 1. Installed once. */
export function installConfigErrorReport(): void {
  if (installed) return;
  installed = true;
  process.on('uncaughtException', (err) => {
    process.stderr.write(formatUncaught(err, debugRequested(process.env)));
    process.exit(1);
  });
}
