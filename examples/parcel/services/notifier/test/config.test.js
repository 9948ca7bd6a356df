// Tests of the compiled code (run `npm test`: tsc, then node --test).
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { loadConfig, loadHealthConfig, ConfigError } = require('../lib/config');

test('defaults', () => {
  const cfg = loadConfig({ TRACKING_URL: 'http://127.0.0.1:8080/parcels/PCL00000001/events' });
  assert.equal(cfg.pollIntervalSeconds, 5);
  assert.equal(cfg.heartbeatFile, '/tmp/notifier.heartbeat');
  assert.equal(cfg.trackingUrl.port, '8080');
});

test('bad values are one-line ConfigErrors', () => {
  for (const env of [
    {},
    { TRACKING_URL: 'not a url' },
    { TRACKING_URL: 'ftp://x/y' },
    { TRACKING_URL: 'http://x/', POLL_INTERVAL_SECONDS: '0' },
    { TRACKING_URL: 'http://x/', POLL_INTERVAL_SECONDS: '3601' },
    { TRACKING_URL: 'http://x/', POLL_INTERVAL_SECONDS: '1.5' },
  ]) {
    assert.throws(() => loadConfig(env), (err) => err instanceof ConfigError && !err.message.includes('\n'), JSON.stringify(env));
  }
});

test('the health check needs no TRACKING_URL', () => {
  assert.equal(loadHealthConfig({ POLL_INTERVAL_SECONDS: '7' }).pollIntervalSeconds, 7);
});
