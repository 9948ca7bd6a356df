/** The shared checks and quoting helpers: each quoting helper round-trips any string through its language. */
import { execFileSync } from 'node:child_process';
import * as fc from 'fast-check';
import { branchName, calendarDate, ConfigError, httpPath, jsString, repoPath, shellQuote } from '../projenrc/validate';

test('shellQuote: sh reads back exactly the string, whatever it holds', () => {
  fc.assert(fc.property(fc.string({ unit: 'binary' }).map((s) => s.replace(/\0/g, '')), (v) => {
    expect(execFileSync('sh', ['-c', `printf %s ${shellQuote(v)}`]).toString()).toBe(v);
  }), { numRuns: 40 });
});

test('jsString: JavaScript reads back exactly the string', () => {
  fc.assert(fc.property(fc.string({ unit: 'binary' }), (v) => {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    expect(new Function(`return ${jsString(v)};`)()).toBe(v);
  }), { numRuns: 200 });
});

test.each([
  ['../x', false], ['/abs', false], ['a/./b', false], ['a b', false], ['', false], ['scripts/x.sh', true], ['.github/workflows/x.yml', true],
])('repoPath %j accepted: %s', (value, ok) => {
  if (ok) expect(repoPath('C', 'path', value)).toBe(value);
  else expect(() => repoPath('C', 'path', value)).toThrow(ConfigError);
});

test('calendarDate refuses days that do not exist', () => {
  expect(calendarDate('C', 'd', '2028-02-29').toISOString()).toBe('2028-02-29T00:00:00.000Z');
  for (const bad of ['2026-02-29', '2026-11-31', '2026-13-01', '2026-1-1', 'tomorrow']) {
    expect(() => calendarDate('C', 'd', bad)).toThrow(`C: d "${bad}" is not allowed: a date that exists, written YYYY-MM-DD.`);
  }
});

test('httpPath and branchName keep to their alphabets', () => {
  expect(() => httpPath('C', 'healthPath', "/h');process.exit(0);('")).toThrow(ConfigError);
  expect(httpPath('C', 'healthPath', '/api/health')).toBe('/api/health');
  for (const bad of ['a..b', '-x', 'x/', 'x.lock', 'a b', 'x;y']) expect(() => branchName('C', 'b', bad)).toThrow(ConfigError);
  expect(branchName('C', 'b', 'release/1.2')).toBe('release/1.2');
});
