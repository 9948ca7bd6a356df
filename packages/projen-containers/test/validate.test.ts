/** The shared checks and quoting helpers: each quoting helper round-trips any string through its language. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as fc from 'fast-check';
import { formatUncaught } from '../src/lib/config-error-report';
import { branchName, branchPair, calendarDate, ConfigError, cron, httpPath, jsString, nodeVersion, repoPath, secretName, shellQuote, workBranch } from '../src/validate';

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

describe('cron: five fields, each within its bounds', () => {
  test.each([
    '0 5 * * 1', '*/15 * * * *', '*/5 * * * *', '0,30 * * * *', '0 0 1 1 0', '59 23 31 12 6', '0 9 * * MON-FRI', '0 0 1 JAN,jul *', '5-50/15 1,2,3 1-31/10 */3 sun', '0 6 * * *',
  ])('%j is accepted', (value) => {
    expect(cron('C', 'schedule', value)).toBe(value);
  });

  test.each([
    ['61 25 * * *', 'minute 61 is outside 0-59'], ['0 24 * * *', 'hour 24 is outside 0-23'], ['0 0 0 * *', 'day of month 0 is outside 1-31'],
    ['0 0 32 * *', 'day of month 32'], ['0 0 * 13 *', 'month 13'], ['0 0 * * 7', 'day of week 7'], ['99 99 99 99 99', 'minute 99'],
    ['*/0 * * * *', 'minute step 0'], ['10-5 * * * *', 'range 10-5 goes down'], ['0 0 * * FOO', 'day of week "FOO"'], ['0 0 * * *', undefined],
    ['0 5 * *', '4 field(s)'], ['0 5 * * 1 2026', '6 field(s)'], ['daily', '1 field(s)'], ['', '0 field(s)'], ['0 5 * * 1;id', 'characters'],
    ['${{ github.event.inputs.cron }}', 'characters'], ['1,,2 * * * *', 'minute ""'], ['-1 * * * *', 'minute "-1"'], ['0 0 * * MON-', 'day of week "MON-"'],
    ['* * * * *', 'runs 1 minute(s) apart'], ['*/4 * * * *', 'runs 4 minute(s) apart'], ['0,58 * * * *', 'runs 2 minute(s) apart'], ['*/5 * * * *', undefined],
  ])('%j', (value, problem) => {
    if (problem === undefined) return void expect(cron('C', 's', value)).toBe(value);
    expect(() => cron('C', 'schedule', value)).toThrow(ConfigError);
    expect(() => cron('C', 'schedule', value)).toThrow(new RegExp(`^C: schedule ${JSON.stringify(value).replace(/[$()*+.?[\\\]^{|}]/g, '\\$&')} is not allowed: five cron fields.*\\(.*${problem.replace(/[$()*+.?[\\\]^{|}]/g, '\\$&')}.*\\)\\.$`));
  });

  test('any value built from in-bounds fields is accepted; one field out of its bounds is refused', () => {
    const bounds: [number, number][] = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 6]];
    const field = (lo: number, hi: number) => fc.oneof(
      fc.constant('*'), fc.integer({ min: lo, max: hi }).map(String),
      fc.tuple(fc.integer({ min: lo, max: hi }), fc.integer({ min: lo, max: hi }), fc.integer({ min: 1, max: hi - lo + 1 })).map(([a, b, st]) => `${Math.min(a, b)}-${Math.max(a, b)}/${st}`),
    );
    // One minute an hour (GitHub runs a schedule at most every 5 minutes).
    const arbitraries = bounds.map(([lo, hi], i) => (i === 0 ? fc.integer({ min: lo, max: hi }).map(String) : field(lo, hi)));
    fc.assert(fc.property(fc.tuple(...arbitraries), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 1, max: 40 }), (fields, i, over) => {
      expect(cron('C', 's', fields.join(' '))).toBe(fields.join(' '));
      const bad = [...fields];
      bad[i] = String(bounds[i][1] + over);
      expect(() => cron('C', 's', bad.join(' '))).toThrow(ConfigError);
    }), { numRuns: 200 });
  });
});

test('branches: short names only, two different branches, and a work branch that is none of the protected ones', () => {
  for (const bad of ['refs/heads/main', 'HEAD', 'a/.hidden', '${{ github.head_ref }}', 'x.lock/y']) expect(() => branchName('C', 'b', bad)).toThrow(ConfigError);
  expect(() => branchPair('C', { defaultBranch: 'main', stagingBranch: 'main' })).toThrow('C: stagingBranch "main" is not allowed: a branch other than the default branch');
  expect(() => branchPair('C', { defaultBranch: 'refs/heads/main', stagingBranch: 'staging' })).toThrow('C: defaultBranch "refs/heads/main" is not allowed: a branch name, short');
  for (const bad of ['main', 'Main', 'trunk', 'staging', 'preprod', 'release/1.2', 'releases/x', 'refs/heads/x', 'gh-pages', 'production']) {
    expect(() => workBranch('C', 'updateBranch', bad, ['trunk', 'preprod'])).toThrow(/^C: updateBranch ".*" is not allowed: a branch of its own/);
  }
  expect(workBranch('C', 'updateBranch', 'chore/update-base-images', ['main', 'staging'])).toBe('chore/update-base-images');
});

test('secret and variable names: UPPER_SNAKE_CASE, never GITHUB_*; Node.js versions: numbers only', () => {
  for (const bad of ['GITHUB_TOKEN', 'GITHUB_X', 'lower', '1X', 'A-B', '${{ secrets.X }}']) expect(() => secretName('C', 's', bad)).toThrow(ConfigError);
  expect(secretName('C', 's', 'UPDATE_APP_PRIVATE_KEY')).toBe('UPDATE_APP_PRIVATE_KEY');
  for (const bad of ['${{ github.head_ref }}', 'lts/*', '24; id', 'node24', '']) expect(() => nodeVersion('C', 'n', bad)).toThrow(ConfigError);
  expect(nodeVersion('C', 'n', '24.11.1')).toBe('24.11.1');
});

describe('a failed synth prints one line, not a crash', () => {
  const broken = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'projenrc-'));
    writeFileSync(path.join(dir, '.projenrc.ts'), `import { cron } from ${JSON.stringify(path.join(__dirname, '..', 'src', 'validate'))};\ncron('PinWorkflows', 'schedule', '61 25 * * *');\n`);
    return dir;
  };
  const tsx = path.join(__dirname, '..', '..', '..', 'node_modules', '.bin', 'tsx');
  const run = (env: NodeJS.ProcessEnv) => {
    const { DEBUG: _d, PROJEN_DEBUG: _p, ...rest } = process.env;
    const dir = broken();
    return spawnSync(tsx, ['.projenrc.ts'], { cwd: dir, encoding: 'utf8', env: { ...rest, ...env } });
  };

  test('ConfigError: <component>: <option> "<value>" is not allowed: ..., then how to go on; no source excerpt, no stack', () => {
    const r = run({});
    expect(r.status).toBe(1);
    const lines = r.stderr.split('\n');
    expect(lines[0]).toMatch(/^ConfigError: PinWorkflows: schedule "61 25 \* \* \*" is not allowed: five cron fields.*\(minute 61 is outside 0-59\)\.$/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stderr).not.toContain('throw new ConfigError');
    expect(lines.filter((l) => l.trim()).length).toBe(2);
  });

  test.each([{ PROJEN_DEBUG: '1' }, { DEBUG: 'true' }])('with %j, the stack follows the line', (env) => {
    const r = run(env);
    expect(r.status).toBe(1);
    expect(r.stderr.split('\n')[0]).toMatch(/^ConfigError: PinWorkflows: schedule/);
    expect(r.stderr).toMatch(/^\s+at cron \(/m);
  });

  test('any other error keeps its stack', () => {
    expect(formatUncaught(new TypeError('boom'), false)).toMatch(/^TypeError: boom\n\s+at /);
  });
});
