// web checks its environment before it starts, like the api: a bad value stops start-up with exit
// code 78 (EX_CONFIG) and one line that names the variable, the value and what is expected.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { freePort, SERVER, START } from './helpers.mjs';

const { loadConfig, ConfigError } = createRequire(import.meta.url)('../start.cjs');

const BAD = [
  ['PORT', 'abc', 'Invalid PORT="abc": expected an integer from 1 to 65535. Fix or unset PORT.'],
  ['PORT', '99999', 'Invalid PORT="99999": expected an integer from 1 to 65535.'],
  ['PORT', '0', 'Invalid PORT="0": expected an integer from 1 to 65535.'],
  ['PORT', '80.5', 'Invalid PORT="80.5"'],
  ['PORT', '-1', 'Invalid PORT="-1"'],
  ['PORT', '3000abc', 'Invalid PORT="3000abc"'],
  ['SHUTDOWN_TIMEOUT_MS', 'abc', 'Invalid SHUTDOWN_TIMEOUT_MS="abc": expected an integer from 100 to 600000. Fix or unset SHUTDOWN_TIMEOUT_MS.'],
  ['SHUTDOWN_TIMEOUT_MS', '-5', 'Invalid SHUTDOWN_TIMEOUT_MS="-5"'],
  ['SHUTDOWN_TIMEOUT_MS', '0', 'Invalid SHUTDOWN_TIMEOUT_MS="0"'],
  ['SHUTDOWN_TIMEOUT_MS', '1e4', 'Invalid SHUTDOWN_TIMEOUT_MS="1e4"'],
  ['API_URL', 'not a url', 'Invalid API_URL="not a url": expected an http:// or https:// URL of the api'],
  ['API_URL', '127.0.0.1:3000', 'Invalid API_URL="127.0.0.1:3000"'],
  ['API_URL', 'ftp://127.0.0.1/', 'Invalid API_URL="ftp://127.0.0.1/"'],
  ['API_URL', 'http://', 'Invalid API_URL="http://"'],
  ['HOSTNAME', 'two words', 'Invalid HOSTNAME="two words": expected an IP address or a host name to listen on.'],
  ['HOSTNAME', '-leading-dash', 'Invalid HOSTNAME="-leading-dash"'],
  ['HOSTNAME', 'http://127.0.0.1', 'Invalid HOSTNAME="http://127.0.0.1"'],
];

describe('web configuration', () => {
  test('defaults, and valid values', () => {
    assert.deepEqual(loadConfig({}), { port: 3000, hostname: '0.0.0.0', apiUrl: 'http://127.0.0.1:3000', shutdownTimeoutMs: 8000 });
    assert.deepEqual(
      loadConfig({ PORT: ' 8080 ', HOSTNAME: 'web.internal', API_URL: 'https://api.example.com/base/', SHUTDOWN_TIMEOUT_MS: '2500' }),
      { port: 8080, hostname: 'web.internal', apiUrl: 'https://api.example.com/base/', shutdownTimeoutMs: 2500 },
    );
    for (const hostname of ['127.0.0.1', '::', '::1', 'localhost', '0.0.0.0']) assert.equal(loadConfig({ HOSTNAME: hostname }).hostname, hostname);
    assert.equal(loadConfig({ PORT: '', SHUTDOWN_TIMEOUT_MS: ' ' }).port, 3000, 'empty means unset');
  });

  for (const [name, value, message] of BAD) {
    test(`${name}=${JSON.stringify(value)} is refused`, () => {
      assert.throws(() => loadConfig({ [name]: value }), (err) => err instanceof ConfigError && err.message.startsWith(message));
    });
  }

  for (const [name, value, message] of BAD) {
    test(`${name}=${JSON.stringify(value)} stops start-up: exit 78 and one line`, async () => {
      const port = await freePort();
      const proc = spawn(process.execPath, [START, SERVER], {
        env: { ...process.env, PORT: String(port), HOSTNAME: '127.0.0.1', API_URL: 'http://127.0.0.1:3000', [name]: value },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      proc.stdout.on('data', (d) => (out += d));
      proc.stderr.on('data', (d) => (err += d));
      const [code] = await once(proc, 'exit');
      assert.equal(code, 78, `exit code ${code}; stderr: ${err}`);
      assert.equal(out, '');
      assert.equal(err.trim().split('\n').length, 1, `more than one line: ${err}`);
      assert.ok(err.startsWith(`web: configuration error: ${message}`), err);
    });
  }
});
