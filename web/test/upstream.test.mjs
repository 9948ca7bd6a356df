// What the home page does with every answer of the api it cannot show: api down, slow, failing, or
// answering nonsense. Each case is a 503 with the "API unavailable" state, never a blank 500 and
// never a 40 MB page. One web server, one api stand-in whose answer each test sets.
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeApi, freePort, RUNS, SERVER, startWeb } from './helpers.mjs';

const json = (body) => (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};
const run = (changes) => ({ ...RUNS[0], ...changes });
const many = (n) => ({ count: n, items: Array.from({ length: n }, (_, i) => run({ id: `tr-${100000 + i}` })) });

/** [case, api handler, what the page must say] */
const CASES = [
  ['a top-level array [{}]', json([{}]), 'without a list of test runs'],
  ['items [{}]', json({ count: 1, items: [{}] }), 'malformed test run (item 0: id)'],
  ['items [null]', json({ count: 1, items: [null] }), 'malformed test run (item 0: not an object)'],
  ['items that is no list', json({ count: 1, items: 'tr-1' }), 'without a list of test runs'],
  ['a name that is a number', json({ count: 1, items: [run({ name: 42 })] }), '(item 0: name)'],
  ['an unknown status', json({ count: 1, items: [run({ status: 'exploded' })] }), '(item 0: status)'],
  ['a duration that is a string', json({ count: 1, items: [run({ durationMs: '61s' })] }), '(item 0: durationMs)'],
  ['totals that are missing', json({ count: 1, items: [run({ totals: undefined })] }), '(item 0: totals)'],
  ['a date that is no date', json({ count: 1, items: [run({ startedAt: 'yesterday' })] }), '(item 0: startedAt)'],
  ['a valid run after a malformed one', json({ count: 2, items: [RUNS[0], { ...RUNS[1], id: 7 }] }), '(item 1: id)'],
  ['1,001 runs', json(many(1001)), 'api answered 1001 test runs, more than 1000'],
  ['50,000 runs (12 MB)', json(many(50_000)), 'api answered more than 1048576 bytes'],
  ['invalid JSON', json('{"items": ['), 'api answered with invalid JSON'],
  ['an empty body', json(''), 'api answered with invalid JSON'],
  ['a 500', (_req, res) => res.writeHead(500, { 'content-type': 'application/json' }).end('{"statusCode":500}'), 'api answered 500'],
  ['a 404', (_req, res) => res.writeHead(404).end(), 'api answered 404'],
  // Class: web followed the api's redirects and showed whatever answered at the target with a 200.
  ...[301, 302, 303, 307, 308].map((status) => [`a ${status} redirect`, (_req, res) => res.writeHead(status, { location: '/api/test-runs?page=2' }).end(), `api answered ${status}, a redirect`]),
  ['a connection closed without an answer', (req) => req.socket.destroy(), 'api unreachable'],
  ['no answer within 3 s', () => { /* never answers */ }, 'api did not answer within 3000 ms'],
];

describe('the home page with an api it cannot use', { skip: !existsSync(SERVER) && 'run `npx projen compile` first' }, () => {
  let handler;
  let api;
  let web;
  before(async () => {
    api = await fakeApi((req, res) => handler(req, res));
    web = await startWeb({ API_URL: api.url });
  });
  after(async () => {
    await web?.stop();
    api?.close();
  });

  for (const [name, answer, reason] of CASES) {
    test(`${name}: 503 with the unavailable state (${reason})`, async () => {
      handler = answer;
      const res = await fetch(`${web.base}/`);
      const html = await res.text();
      assert.equal(res.status, 503);
      assert.match(html, /data-testid="api-unavailable"/);
      assert.ok(html.includes('API unavailable'));
      assert.ok(html.includes(reason), `the page does not say "${reason}"`);
      assert.ok(!html.includes('data-testid="test-run"'));
      assert.ok(html.length < 20_000, `a ${html.length}-byte page`);
    });
  }

  test('exactly 1,000 valid runs are shown, with a 200', async () => {
    handler = json(many(1000));
    const res = await fetch(`${web.base}/`);
    assert.equal(res.status, 200);
    assert.equal((await res.text()).match(/data-testid="test-run"/g).length, 1000);
  });

  test('an empty list is no outage: 200, no rows', async () => {
    handler = json({ count: 0, items: [] });
    const res = await fetch(`${web.base}/`);
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, /data-testid="test-runs"/);
    assert.ok(!html.includes('API unavailable'));
  });

  test('a redirect is not followed: the target is never asked, the page is a 503 with Retry-After', async () => {
    let asked = 0;
    const counting = await fakeApi((req, res) => {
      asked++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ count: RUNS.length, items: RUNS }));
    });
    try {
      handler = (_req, res) => res.writeHead(302, { location: `${counting.url}/api/test-runs` }).end();
      const res = await fetch(`${web.base}/`);
      const html = await res.text();
      assert.equal(res.status, 503);
      assert.equal(res.headers.get('retry-after'), '10');
      assert.ok(html.includes('API unavailable') && html.includes('api answered 302, a redirect'));
      assert.ok(!html.includes(RUNS[0].name));
      assert.equal(asked, 0);
    } finally {
      counting.close();
    }
  });

  test('api refusing connections: 503 with the unavailable state', async () => {
    const down = await startWeb({ API_URL: `http://127.0.0.1:${await freePort()}` });
    try {
      const res = await fetch(`${down.base}/`);
      assert.equal(res.status, 503);
      assert.ok((await res.text()).includes('api unreachable: ECONNREFUSED'));
    } finally { await down.stop(); }
  });
});
