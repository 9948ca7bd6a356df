// web checks its environment before it starts, like the api: a bad value stops start-up with exit
// code 78 (EX_CONFIG) and one line that names the variable and quotes the value (API_URL's without
// its credentials). Every variable web reads is here, with property tests: any value is taken as a
// valid setting, or refused that way.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { tsImport } from 'tsx/esm/api';
import { freePort, ONE_LINE, quotedValue, ROOT, runWeb, SERVER, startWeb } from './helpers.mjs';

const { ConfigError, loadConfig, parseArgs, redactUserinfo, UsageError } = createRequire(import.meta.url)('../start.cjs');
const { redactUserinfo: redactText } = await tsImport('../src/lib/redact.ts', import.meta.url);

/** Every variable web reads, with values it takes. */
const VARIABLES = {
  PORT: ['3000', '1', '65535', ' 8080 '],
  HOSTNAME: ['0.0.0.0', '::', '127.0.0.1', 'localhost', '::1', 'web.internal', 'fe80::1'],
  API_URL: ['http://127.0.0.1:3000', 'https://api.example.com/base/', 'http://[::1]:3000', 'HTTP://API:80/', 'http://qualisys_api:3000'],
  SHUTDOWN_TIMEOUT_MS: ['100', '8000', '600000'],
  KEEP_ALIVE_TIMEOUT: ['100', '5000', '600000'],
  APP_VERSION: ['1.2.3', '1.2.3-rc.1+build.5', 'sha-abc1234', 'dev'],
};

/** Characters that break values: separators, line breaks of every kind, quotes, URL and address punctuation. */
const NASTY = [...'0123456789 \t\n\r\v\f.:-_+@/\\?#[]%"\'x\u0085\u00a0\u2028\u2029\u202e\ufeff\u200b\u{1d54f}'];

/** Any value, with a bias towards the ones that nearly pass: a valid value with a few characters inserted. */
function hostileValue(valid) {
  const nasty = fc.string({ unit: fc.constantFrom(...NASTY), maxLength: 4 });
  return fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ unit: fc.constantFrom(...NASTY), maxLength: 20 }),
    fc.tuple(fc.constantFrom(...valid), nasty, fc.nat()).map(([v, extra, at]) => v.slice(0, at % (v.length + 1)) + extra + v.slice(at % (v.length + 1))),
    fc.constantFrom(...valid),
    fc.integer({ min: -100_000, max: 10_000_000 }).map(String),
    // URLs of every shape: credentials, ports, IPv6, queries, fragments.
    fc.webUrl({ validSchemes: ['http', 'https', 'ftp', 'file'], authoritySettings: { withIPv4: true, withIPv6: true, withPort: true, withUserInfo: true }, withQueryParameters: true, withFragments: true }),
  );
}

/** What the message quotes of a refused value of `name`. */
const shown = (name, value) => {
  const v = name === 'API_URL' ? redactUserinfo(value) : value;
  return v.length > 200 ? v.slice(0, 200) : v;
};

const BAD = [
  ['PORT', 'abc', 'Invalid PORT="abc": expected an integer from 1 to 65535. Fix or unset PORT.'],
  ['PORT', '99999', 'Invalid PORT="99999": expected an integer from 1 to 65535.'],
  ['PORT', '0', 'Invalid PORT="0": expected an integer from 1 to 65535.'],
  ['PORT', '80.5', 'Invalid PORT="80.5"'],
  ['PORT', '-1', 'Invalid PORT="-1"'],
  ['PORT', '3000abc', 'Invalid PORT="3000abc"'],
  ['PORT', '30\n00', 'Invalid PORT="30\\n00": expected an integer from 1 to 65535.'],
  ['SHUTDOWN_TIMEOUT_MS', 'abc', 'Invalid SHUTDOWN_TIMEOUT_MS="abc": expected an integer from 100 to 600000. Fix or unset SHUTDOWN_TIMEOUT_MS.'],
  ['SHUTDOWN_TIMEOUT_MS', '-5', 'Invalid SHUTDOWN_TIMEOUT_MS="-5"'],
  ['SHUTDOWN_TIMEOUT_MS', '0', 'Invalid SHUTDOWN_TIMEOUT_MS="0"'],
  ['SHUTDOWN_TIMEOUT_MS', '1e4', 'Invalid SHUTDOWN_TIMEOUT_MS="1e4"'],
  ['KEEP_ALIVE_TIMEOUT', 'abc', 'Invalid KEEP_ALIVE_TIMEOUT="abc": expected an integer from 100 to 600000. Fix or unset KEEP_ALIVE_TIMEOUT.'],
  ['KEEP_ALIVE_TIMEOUT', '0', 'Invalid KEEP_ALIVE_TIMEOUT="0"'],
  ['APP_VERSION', '1.2.3\nX-Injected: 1', 'Invalid APP_VERSION="1.2.3\\nX-Injected: 1": expected a version such as 1.2.3'],
  ['APP_VERSION', '<script>', 'Invalid APP_VERSION="<script>"'],
  ['API_URL', 'not a url', 'Invalid API_URL="not a url": expected an http:// or https:// URL of the api'],
  ['API_URL', '127.0.0.1:3000', 'Invalid API_URL="127.0.0.1:3000"'],
  ['API_URL', 'ftp://127.0.0.1/', 'Invalid API_URL="ftp://127.0.0.1/"'],
  ['API_URL', 'javascript:alert(1)', 'Invalid API_URL="javascript:alert(1)"'],
  ['API_URL', 'http://', 'Invalid API_URL="http://"'],
  ['API_URL', 'http:127.0.0.1:3000', 'Invalid API_URL="http:127.0.0.1:3000"'],
  ['API_URL', 'http://127.0.0.1:3000/a b', 'Invalid API_URL="http://127.0.0.1:3000/a b"'],
  ['API_URL', 'http://127.0.0.1:30\n00', 'Invalid API_URL="http://127.0.0.1:30\\n00"'],
  ['API_URL', 'http://127.0.0.1:0', 'Invalid API_URL="http://127.0.0.1:0": expected an http:// or https:// URL of the api, such as http://127.0.0.1:3000, with a port from 1 to 65535.'],
  // Class: credentials in API_URL were shown to every visitor; they are refused, and the message does not repeat them.
  ['API_URL', 'http://user:pass@127.0.0.1:4001', 'Invalid API_URL="http://***@127.0.0.1:4001": expected a URL without credentials (user:password@): credentials do not belong in API_URL'],
  ['API_URL', 'https://token@api.example.com', 'Invalid API_URL="https://***@api.example.com": expected a URL without credentials'],
  ['API_URL', 'http://:pass@127.0.0.1:4001', 'Invalid API_URL="http://***@127.0.0.1:4001": expected a URL without credentials'],
  ['API_URL', 'http://@127.0.0.1:4001', 'Invalid API_URL="http://***@127.0.0.1:4001": expected a URL without credentials'],
  ['API_URL', 'http:user:pass@127.0.0.1:4001', 'Invalid API_URL="http:***@127.0.0.1:4001": expected an http:// or https:// URL'],
  // Class: a query or a fragment passed, and made every page a 503.
  ['API_URL', 'http://127.0.0.1:4001/?x=1', 'Invalid API_URL="http://127.0.0.1:4001/?x=1": expected a URL without a query (?) or a fragment (#)'],
  ['API_URL', 'http://127.0.0.1:4001#top', 'Invalid API_URL="http://127.0.0.1:4001#top": expected a URL without a query (?) or a fragment (#)'],
  ['API_URL', 'http://127.0.0.1:4001?', 'Invalid API_URL="http://127.0.0.1:4001?": expected a URL without a query'],
  ['HOSTNAME', 'two words', 'Invalid HOSTNAME="two words": expected an IP address (such as 0.0.0.0, 127.0.0.1 or ::) or a host name (such as localhost) to listen on. Fix or unset HOSTNAME.'],
  ['HOSTNAME', '-leading-dash', 'Invalid HOSTNAME="-leading-dash"'],
  ['HOSTNAME', 'http://127.0.0.1', 'Invalid HOSTNAME="http://127.0.0.1"'],
  ['HOSTNAME', '127.1', 'Invalid HOSTNAME="127.1"'],
  ['HOSTNAME', '256.1.1.1', 'Invalid HOSTNAME="256.1.1.1"'],
  ['HOSTNAME', 'local\u2028host', 'Invalid HOSTNAME="local\\u2028host"'],
];

describe('web configuration', () => {
  test('defaults, and valid values', () => {
    assert.deepEqual(loadConfig({}), { port: 3000, hostname: '0.0.0.0', apiUrl: 'http://127.0.0.1:3000', shutdownTimeoutMs: 8000, keepAliveTimeoutMs: undefined, version: undefined });
    assert.deepEqual(
      loadConfig({ PORT: ' 8080 ', HOSTNAME: 'web.internal', API_URL: 'https://api.example.com/base/', SHUTDOWN_TIMEOUT_MS: '2500', KEEP_ALIVE_TIMEOUT: '65000', APP_VERSION: ' 1.2.3 ' }),
      { port: 8080, hostname: 'web.internal', apiUrl: 'https://api.example.com/base', shutdownTimeoutMs: 2500, keepAliveTimeoutMs: 65000, version: '1.2.3' },
    );
    for (const hostname of ['127.0.0.1', '::', '::1', 'localhost', '0.0.0.0']) assert.equal(loadConfig({ HOSTNAME: hostname }).hostname, hostname);
    assert.equal(loadConfig({ API_URL: 'HTTP://API:3000//' }).apiUrl, 'http://api:3000', 'written as the URL parser writes it, without a trailing slash');
    assert.equal(loadConfig({ PORT: '', SHUTDOWN_TIMEOUT_MS: ' ' }).port, 3000, 'empty means unset');
  });

  for (const [name, value, message] of BAD) {
    test(`${name}=${JSON.stringify(value)} is refused`, () => {
      assert.throws(() => loadConfig({ [name]: value }), (err) => err instanceof ConfigError && err.message.startsWith(message));
    });
  }

  for (const [name, value, message] of BAD) {
    test(`${name}=${JSON.stringify(value)} stops start-up: exit 78 and one line`, async () => {
      const { code, stdout, stderr } = await runWeb({ [name]: value });
      assert.equal(code, 78, `exit code ${code}; stderr: ${stderr}`);
      assert.equal(stdout, '');
      assert.match(stderr, ONE_LINE);
      assert.ok(stderr.startsWith(`web: configuration error: ${message}`), stderr);
      const userinfo = value.includes('@') ? value.slice(value.indexOf(':') + 1, value.lastIndexOf('@')).replace(/^\/\//, '') : '';
      assert.ok(!userinfo || !stderr.includes(`${userinfo}@`), `the message repeats the credentials: ${stderr}`);
    });
  }
});

describe('every variable, any value: taken as a valid setting, or refused with one line that names it and quotes the value', () => {
  for (const [name, valid] of Object.entries(VARIABLES)) {
    test(name, () => {
      fc.assert(fc.property(hostileValue(valid), (value) => {
        let config;
        try {
          config = loadConfig({ [name]: value });
        } catch (err) {
          assert.ok(err instanceof ConfigError, err);
          assert.match(`${err.message}\n`, ONE_LINE);
          assert.ok(err.message.endsWith(`Fix or unset ${name}.`), err.message);
          assert.equal(quotedValue(err.message, name), shown(name, value));
          return;
        }
        const v = value.trim();
        switch (name) {
          case 'PORT':
            assert.ok(Number.isInteger(config.port) && config.port >= 1 && config.port <= 65535);
            break;
          case 'HOSTNAME':
            assert.equal(config.hostname, v || '0.0.0.0');
            break;
          case 'API_URL': {
            const url = new URL(`${config.apiUrl}/api/test-runs`);
            assert.match(config.apiUrl, /^https?:\/\/[^@/?#\s]+(\/[^?#\s]*)?$/);
            assert.equal(url.username + url.password, '');
            assert.notEqual(url.port, '0');
            assert.ok(url.pathname.endsWith('/api/test-runs') && url.search === '' && url.hash === '', config.apiUrl);
            break;
          }
          case 'SHUTDOWN_TIMEOUT_MS':
            assert.ok(config.shutdownTimeoutMs >= 100 && config.shutdownTimeoutMs <= 600000);
            break;
          case 'KEEP_ALIVE_TIMEOUT':
            assert.ok(v === '' ? config.keepAliveTimeoutMs === undefined : config.keepAliveTimeoutMs >= 100 && config.keepAliveTimeoutMs <= 600000);
            break;
          case 'APP_VERSION':
            assert.ok(v === '' ? config.version === undefined : /^[\w.+-]{1,128}$/.test(config.version));
            break;
        }
      }), { numRuns: 2000 });
    });
  }
});

// Class: a URL's user information was shown to every visitor and written in messages.
describe('credentials are never shown', () => {
  const withSecret = fc.tuple(
    fc.constantFrom('http', 'https', 'HTTP', 'ftp', ''),
    fc.constantFrom('://', ':', ':/', '//', ':\\\\', ''),
    fc.stringMatching(/^[a-z0-9._~-]{0,8}$/),
    fc.nat(),
    fc.constantFrom('127.0.0.1:4001', '[::1]', 'api.example.com', 'h'),
    fc.constantFrom('', '/', '/base', '/a@b', '?q=1', '#f', '\n'),
  ).map(([scheme, sep, user, n, host, rest]) => ({ value: `${scheme}${sep}${user}:Secret${n}@${host}${rest}`, secret: `Secret${n}` }));

  test('API_URL with a password: refused, and the message does not hold it', () => {
    fc.assert(fc.property(withSecret, ({ value, secret }) => {
      assert.throws(() => loadConfig({ API_URL: value }), (err) => err instanceof ConfigError && !err.message.includes(secret));
    }));
  });

  test('what a page shows of an error that quotes a URL has no credentials', () => {
    fc.assert(fc.property(
      fc.webUrl({ authoritySettings: { withUserInfo: true, withPort: true, withIPv6: true }, withQueryParameters: true, withFragments: true }),
      fc.nat(),
      (url, n) => {
        const parsed = new URL(url);
        parsed.password = `Secret${n}`;
        const text = `Request cannot be constructed from a URL that includes credentials: ${parsed.href} (again: ${parsed.href})`;
        const redacted = redactText(text);
        assert.ok(!redacted.includes(`Secret${n}`), redacted);
        assert.ok(redacted.includes(`${parsed.protocol}//***@${parsed.host}`), redacted);
      },
    ));
    assert.equal(redactText('see http://u:p@h:1/x and https://a@b/ and mailto:x@y'), 'see http://***@h:1/x and https://***@b/ and mailto:x@y');
  });

  test('fetchTestRuns: a base URL with credentials gives a reason without them', async () => {
    const { fetchTestRuns } = await tsImport('../src/lib/api.ts', import.meta.url);
    const result = await fetchTestRuns(`http://user:Secret42@127.0.0.1:${await freePort()}`, 1000);
    assert.equal(result.ok, false);
    assert.ok(!result.reason.includes('Secret42') && !result.reason.includes('user:'), result.reason);
  });
});

// Class: start.cjs crashed with a stack trace on a missing server path or no argument.
describe('start.cjs command line', () => {
  test('parseArgs', () => {
    assert.deepEqual(parseArgs(['a/server.js', '--stop-with-launcher']), { entry: resolve('a/server.js'), stopWithLauncher: true });
    assert.deepEqual(parseArgs([]), { entry: join(ROOT, 'server.js'), stopWithLauncher: false });
    assert.throws(() => parseArgs(['--stop']), (err) => err instanceof UsageError && err.message.startsWith('unknown option "--stop"; usage: node start.cjs'));
    assert.throws(() => parseArgs(['a', 'b']), (err) => err instanceof UsageError && err.message.startsWith('one server path at most, got 2 ("a", "b")'));
  });

  for (const [what, args, code, message] of [
    ['no argument, and no server.js beside start.cjs', [], 66, /^web: cannot start: no Next\.js server at ".*\/web\/server\.js"\. Build it \(npx projen compile\), or pass the path of \.next\/standalone\/server\.js\.\n$/],
    ['a server path that does not exist', ['/nonexistent/server.js'], 66, /^web: cannot start: no Next\.js server at "\/nonexistent\/server\.js"\./],
    ['a directory', ['/'], 66, /^web: cannot start: no Next\.js server at "\/"\./],
    ['an unknown option', [SERVER, '--bogus\nline'], 64, /^web: unknown option "--bogus\\nline"; usage: /],
    ['two paths', ['a', 'b'], 64, /^web: one server path at most/],
  ]) {
    test(`${what}: exit ${code}, one line`, async () => {
      const r = await runWeb({}, args);
      assert.equal(r.code, code, r.stderr);
      assert.match(r.stderr, ONE_LINE);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, '');
    });
  }
});

/**
 * Every variable, values from the property generator, for the real process: it starts (and stops
 * on SIGTERM with 0), or exits 78 with one line that names the variable and quotes the value. A
 * value the configuration takes is replaced by one that can work here for PORT (a free port) and
 * HOSTNAME (a loopback address), so that no test binds a random port or resolves a random name.
 */
describe('web process, any value of any variable', { skip: !existsSync(SERVER) && 'run `npx projen compile` first' }, () => {
  const LOCAL = ['127.0.0.1', ' 127.0.0.1\t', '0.0.0.0', '::1', 'localhost', '::'];
  for (const [name, valid] of Object.entries(VARIABLES)) {
    test(name, async () => {
      await fc.assert(fc.asyncProperty(hostileValue(valid).filter((v) => !v.includes('\0') && v.isWellFormed()), fc.nat(), async (candidate, pick) => {
        let taken = true;
        try {
          loadConfig({ [name]: candidate });
        } catch {
          taken = false;
        }
        if (taken) {
          const value = name === 'PORT' ? undefined : name === 'HOSTNAME' ? LOCAL[pick % LOCAL.length] : candidate;
          const web = await startWeb(value === undefined ? {} : { [name]: value });
          assert.equal(await web.stop(), 0, web.output());
          return;
        }
        const r = await runWeb({ [name]: candidate });
        assert.equal(r.code, 78, r.stderr);
        assert.equal(r.stdout, '');
        assert.match(r.stderr, ONE_LINE);
        assert.ok(r.stderr.startsWith(`web: configuration error: Invalid ${name}=`), r.stderr);
        assert.equal(quotedValue(r.stderr, name), shown(name, candidate));
      }), { numRuns: 10 });
    });
  }
});
