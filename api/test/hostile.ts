/**
 * Hostile environment values for the property tests of the api's configuration (config.test.ts) and
 * of the server process (server.test.ts).
 */
import fc from 'fast-check';
import { LOG_LEVELS } from '../src/config';

/** Every variable the api reads, with values it takes. */
export const VARIABLES: Record<string, readonly string[]> = {
  PORT: ['3000', '1', '65535', ' 8080 '],
  HOST: ['0.0.0.0', '::', '127.0.0.1', 'localhost', '::1', 'api.internal', 'fe80::1', 'API-1.example.com'],
  LOG_LEVEL: [...LOG_LEVELS, 'INFO', ' Debug '],
  APP_VERSION: ['1.2.3', '1.2.3-rc.1+build.5', 'sha-abc1234', 'dev', '_x'],
  SHUTDOWN_TIMEOUT_MS: ['100', '8000', '600000'],
  RESPONSE_DELAY_MS: ['0', '1500', '60000'],
};

/** Characters that break values: separators, line breaks of every kind, quotes, URL and address punctuation. */
const NASTY = [...'0123456789 \t\n\r\v\f.:-_+@/\\?#[]%"\'x\u0085\u00a0\u2028\u2029\u202e\ufeff\u200b\u{1d54f}'];

/** Any value, with a bias towards the ones that nearly pass: a valid value with a few characters inserted. */
export function hostileValue(valid: readonly string[]): fc.Arbitrary<string> {
  const nasty = fc.string({ unit: fc.constantFrom(...NASTY), maxLength: 4 });
  return fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ unit: fc.constantFrom(...NASTY), maxLength: 20 }),
    fc.tuple(fc.constantFrom(...valid), nasty, fc.nat()).map(([v, extra, at]) => {
      const i = at % (v.length + 1);
      return v.slice(0, i) + extra + v.slice(i);
    }),
    fc.constantFrom(...valid),
    fc.integer({ min: -100_000, max: 10_000_000 }).map(String),
  );
}

/** The quoted value at the start of a message `Invalid NAME="...": expected ...`, parsed back. */
export function quotedValue(message: string, name: string): string | undefined {
  const m = new RegExp(`^Invalid ${name}=("(?:[^"\\\\]|\\\\.)*")(… \\(\\d+ characters\\))?: expected `).exec(message);
  return m ? JSON.parse(m[1]) : undefined;
}

/** No line break of any kind, nor any other control character: the message is one line wherever it is read. */
export const ONE_LINE = /^[^\p{Cc}\p{Zl}\p{Zp}]*$/u;

