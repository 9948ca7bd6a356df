import { isIP } from 'node:net';
import { join } from 'node:path';
import fc from 'fast-check';
import { hostileValue, ONE_LINE, quotedValue, VARIABLES } from './hostile';
import { ConfigError, describeListenError, LOG_LEVELS, loadConfig, quote } from '../src/config';

const HOST_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
/** A label getaddrinfo (like the WHATWG URL parser) reads as a number when it ends a name: digits, or 0x and hex digits. */
const NUMBER_LABEL = /^(?:[0-9]+|0x[0-9a-f]*)$/i;

describe('loadConfig', () => {
  test('defaults', () => {
    expect(loadConfig({}, '1.2.3')).toEqual({
      port: 3000, host: '0.0.0.0', logLevel: 'info', version: '1.2.3', shutdownTimeoutMs: 8000, responseDelayMs: 0,
    });
  });

  test('reads PORT, HOST, LOG_LEVEL and APP_VERSION', () => {
    const c = loadConfig({ PORT: '8080', HOST: '127.0.0.1', LOG_LEVEL: 'DEBUG', APP_VERSION: 'abc' }, '1');
    expect(c).toMatchObject({ port: 8080, host: '127.0.0.1', logLevel: 'debug', version: 'abc' });
  });

  test('an empty or blank value means unset', () => {
    expect(loadConfig({ PORT: '', HOST: ' ', LOG_LEVEL: '\t', APP_VERSION: '', SHUTDOWN_TIMEOUT_MS: ' ', RESPONSE_DELAY_MS: '' }, '1.2.3'))
      .toEqual(loadConfig({}, '1.2.3'));
  });

  test.each([['abc'], ['80.5'], ['-1'], ['70000'], ['3000abc'], ['0'], ['0x10'], ['1e3'], ['+3000']])('rejects PORT=%s with a message naming the variable', (port) => {
    expect(() => loadConfig({ PORT: port }, '1')).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: port }, '1')).toThrow(`Invalid PORT="${port}": expected an integer from 1 to 65535. Fix or unset PORT.`);
  });

  test('rejects an unknown LOG_LEVEL', () => {
    expect(() => loadConfig({ LOG_LEVEL: 'loud' }, '1')).toThrow(/Invalid LOG_LEVEL="loud": expected one of fatal, error/);
  });

  // Class: HOST was not validated (exit 1 "failed to start" at listen, or a silent bind to 127.0.0.1 for "127.1").
  test.each(VARIABLES.HOST)('HOST=%s is taken', (host) => {
    expect(loadConfig({ HOST: host }, '1').host).toBe(host.trim());
  });
  // A last label with a hyphen is a name, not a number: getaddrinfo looks it up (found by the property below).
  test.each(['0-0', '10.0-1', '0x-1'])('HOST=%s is a name, and taken', (host) => {
    expect(loadConfig({ HOST: host }, '1').host).toBe(host);
  });
  test.each([
    'two words', '-leading-dash', 'trailing-.example', 'http://127.0.0.1', '[::1]', '256.1.1.1', '127.1', '1234', '0x7f000001',
    'a..b', 'a_b.example', '*', 'localhost:3000', 'bücher.example', '$(id)', 'local\nhost', 'localhost.', 'x'.repeat(254),
  ])('HOST=%j is refused: exit 78, not a failure to listen', (host) => {
    expect(() => loadConfig({ HOST: host }, '1')).toThrow(
      `Invalid HOST=${quote(host)}: expected an IP address (such as 0.0.0.0, 127.0.0.1 or ::) or a host name (such as localhost) to listen on. Fix or unset HOST.`);
  });

  test.each([['1.2.3\nX-Injected: 1'], ['<script>'], ['v 1'], ['x'.repeat(129)], ['.hidden']])('APP_VERSION=%j is refused', (version) => {
    expect(() => loadConfig({ APP_VERSION: version }, '1')).toThrow(/^Invalid APP_VERSION=".*": expected a version such as 1\.2\.3/);
  });
});

// Class: a value with a newline was echoed raw, so the "one line" message was two.
describe('messages quote the value', () => {
  test.each([
    ['PORT', '30\n00'], ['HOST', 'local\r\nhost'], ['LOG_LEVEL', 'info\nerror'], ['APP_VERSION', '1\u20282'],
    ['SHUTDOWN_TIMEOUT_MS', '50\u008500'], ['RESPONSE_DELAY_MS', '\u202e10'],
  ])('%s=%j: one line, with the value escaped', (name, value) => {
    let message = '';
    try {
      loadConfig({ [name]: value }, '1');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(ONE_LINE);
    expect(quotedValue(message, name)).toBe(value);
  });

  test('a long value is cut, and the message says how long it was', () => {
    const message = (() => {
      try {
        loadConfig({ HOST: 'x '.repeat(3000) }, '1');
      } catch (err) {
        return (err as Error).message;
      }
      return '';
    })();
    expect(message).toContain(`${JSON.stringify('x '.repeat(100))}… (6000 characters)`);
    expect(message.length).toBeLessThan(500);
  });
});

describe('every variable, any value: taken as a valid setting, or refused with one line that names it and quotes the value', () => {
  for (const [name, valid] of Object.entries(VARIABLES)) {
    test(name, () => {
      fc.assert(fc.property(hostileValue(valid), (value) => {
        let config;
        try {
          config = loadConfig({ [name]: value }, '0.0.0');
        } catch (err) {
          expect(err).toBeInstanceOf(ConfigError);
          const message = (err as Error).message;
          expect(message).toMatch(ONE_LINE);
          expect(message).toContain(`Fix or unset ${name}.`);
          expect(quotedValue(message, name)).toBe(value.length > 200 ? value.slice(0, 200) : value);
          return;
        }
        const v = value.trim();
        switch (name) {
          case 'PORT':
            expect(Number.isInteger(config.port) && config.port >= 1 && config.port <= 65535).toBe(true);
            expect(v === '' ? 3000 : Number(v)).toBe(config.port);
            break;
          case 'HOST':
            expect(config.host).toBe(v || '0.0.0.0');
            expect(isIP(config.host) !== 0 || (HOST_NAME.test(config.host) && !NUMBER_LABEL.test(config.host.split('.').pop()!))).toBe(true);
            break;
          case 'LOG_LEVEL':
            expect(LOG_LEVELS).toContain(config.logLevel);
            break;
          case 'APP_VERSION':
            expect(config.version).toMatch(/^[\w.+-]{1,128}$/);
            break;
          case 'SHUTDOWN_TIMEOUT_MS':
            expect(config.shutdownTimeoutMs >= 100 && config.shutdownTimeoutMs <= 600_000).toBe(true);
            break;
          case 'RESPONSE_DELAY_MS':
            expect(config.responseDelayMs >= 0 && config.responseDelayMs <= 60_000).toBe(true);
            break;
        }
      }), { numRuns: 2000 });
    });
  }
});

describe('describeListenError: a failure to listen on one line, naming the host, the port and what to do', () => {
  const err = (code: string, syscall = 'listen') => Object.assign(new Error(`${syscall} ${code}: something\nsecond line`), { code, syscall });
  test.each([
    ['EADDRINUSE', 'listen', 'cannot listen on "127.0.0.1" port 3000: the port is in use (EADDRINUSE). Stop what listens there, or set PORT to a free port.'],
    ['EACCES', 'listen', 'cannot listen on "127.0.0.1" port 3000: not allowed (EACCES). Set PORT to 1024 or above'],
    ['EADDRNOTAVAIL', 'listen', 'HOST="127.0.0.1" is not an address of this machine (EADDRNOTAVAIL). Set HOST to one of its addresses, or to 0.0.0.0'],
    ['ENOTFOUND', 'getaddrinfo', 'HOST="127.0.0.1" does not resolve to an address (ENOTFOUND). Set HOST to an address of this machine'],
    ['EAI_AGAIN', 'getaddrinfo', 'does not resolve to an address (EAI_AGAIN)'],
    ['EWHATEVER', 'listen', 'cannot listen on "127.0.0.1" port 3000: listen EWHATEVER: something second line (EWHATEVER).'],
  ])('%s', (code, syscall, message) => {
    const line = describeListenError(err(code, syscall), 'HOST', '127.0.0.1', 3000)!;
    expect(line).toContain(message);
    expect(line).toMatch(ONE_LINE);
  });

  test('an error that is no failure to listen is not described', () => {
    expect(describeListenError(new Error('boom'), 'HOST', '::', 1)).toBeUndefined();
    expect(describeListenError(Object.assign(new Error('x'), { code: 'ENOENT', syscall: 'open' }), 'HOST', '::', 1)).toBeUndefined();
    expect(describeListenError(undefined, 'HOST', '::', 1)).toBeUndefined();
  });
});

// The two servers read the same kinds of values: web's start.cjs must decide as the api does.
describe('api and web agree', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const web = require(join(__dirname, '..', '..', 'web', 'start.cjs')) as {
    loadConfig: (env: NodeJS.ProcessEnv) => { port: number; hostname: string; shutdownTimeoutMs: number; version?: string };
    quote: (value: string) => string;
    describeListenError: typeof describeListenError;
  };
  const decide = <T>(f: () => T): { ok: T } | { error: string } => {
    try {
      return { ok: f() };
    } catch (err) {
      return { error: (err as Error).message };
    }
  };
  const cases: [string, string, string, (c: any) => unknown, (c: any) => unknown][] = [
    ['PORT', 'PORT', 'PORT', (c) => c.port, (c) => c.port],
    ['HOST', 'HOST', 'HOSTNAME', (c) => c.host, (c) => c.hostname],
    ['SHUTDOWN_TIMEOUT_MS', 'SHUTDOWN_TIMEOUT_MS', 'SHUTDOWN_TIMEOUT_MS', (c) => c.shutdownTimeoutMs, (c) => c.shutdownTimeoutMs],
    ['APP_VERSION', 'APP_VERSION', 'APP_VERSION', (c) => c.version, (c) => c.version ?? 'default'],
  ];
  for (const [kind, apiName, webName, apiValue, webValue] of cases) {
    test(`${apiName} (api) and ${webName} (web) take and refuse the same values, with the same words`, () => {
      fc.assert(fc.property(hostileValue(VARIABLES[kind]), (value) => {
        const a = decide(() => apiValue(loadConfig({ [apiName]: value }, 'default')));
        const w = decide(() => webValue(web.loadConfig({ [webName]: value })));
        if ('error' in a && 'error' in w) expect(w.error.replaceAll(webName, apiName)).toBe(a.error);
        else expect(w).toEqual(a);
      }), { numRuns: 2000 });
    });
  }

  test('quote and describeListenError are the same', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (value) => {
      expect(web.quote(value)).toBe(quote(value));
    }));
    for (const code of ['EADDRINUSE', 'EACCES', 'EADDRNOTAVAIL', 'ENOTFOUND', 'EAFNOSUPPORT', 'EOTHER']) {
      const e = Object.assign(new Error(`listen ${code}`), { code, syscall: code === 'ENOTFOUND' ? 'getaddrinfo' : 'listen' });
      expect(web.describeListenError(e, 'HOSTNAME', 'h', 80)!.replaceAll('HOSTNAME', 'HOST')).toBe(describeListenError(e, 'HOST', 'h', 80));
    }
  });
});
