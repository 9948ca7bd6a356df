const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { Notifier } = require('../lib/notifier');
const { isHealthy } = require('../lib/health');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'notifier-'));
const cfg = {
  trackingUrl: new URL('http://127.0.0.1:1/parcels/PCL00000001/events'),
  pollIntervalSeconds: 1,
  heartbeatFile: path.join(tmp, 'heartbeat'),
};
const events = [
  { id: 1, time: '2026-01-05T08:00:00Z', status: 'label_created', location: 'Lyon, FR' },
  { id: 2, time: '2026-01-05T11:00:00Z', status: 'picked_up', location: 'Lyon, FR' },
];
const answer = (body, status = 200) => async () => new Response(JSON.stringify(body), { status });

test('logs each event once', async () => {
  const lines = [];
  const n = new Notifier(cfg, (l) => lines.push(l), answer({ parcel: 'PCL00000001', events }));
  assert.equal(await n.pollOnce(), 2);
  assert.equal(await n.pollOnce(), 0);
  assert.deepEqual(lines.map((l) => l.event), ['label_created', 'picked_up']);
});

test('tolerates a down or failing tracking service', async () => {
  const lines = [];
  const down = new Notifier(cfg, (l) => lines.push(l), async () => { throw new TypeError('fetch failed', { cause: new Error('ECONNREFUSED') }); });
  assert.equal(await down.pollOnce(), 0);
  const failing = new Notifier(cfg, (l) => lines.push(l), answer({ error: 'x' }, 503));
  assert.equal(await failing.pollOnce(), 0);
  assert.deepEqual(lines.map((l) => l.msg), ['tracking unreachable', 'tracking answered an error']);
  assert.equal(lines[0].reason, 'ECONNREFUSED');
});

test('run writes a heartbeat and stops when aborted', async () => {
  const stop = new AbortController();
  const n = new Notifier(cfg, () => {}, answer({ events: [] }));
  const done = n.run(stop.signal);
  await new Promise((r) => setTimeout(r, 100));
  stop.abort();
  await done;
  assert.ok(isHealthy(cfg));
  assert.ok(!isHealthy(cfg, Date.now() + 3001));
  assert.ok(!isHealthy({ ...cfg, heartbeatFile: path.join(tmp, 'missing') }));
});

test('a missing TRACKING_URL stops the process with one line and exit 1', () => {
  const res = spawnSync(process.execPath, [path.join(__dirname, '..', 'lib', 'index.js')], {
    env: { PATH: process.env.PATH }, encoding: 'utf8',
  });
  assert.equal(res.status, 1);
  assert.equal(res.stderr, 'notifier: TRACKING_URL is required (an http or https URL)\n');
});
