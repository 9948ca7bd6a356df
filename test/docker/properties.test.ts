/**
 * Whatever a string option of the Docker components holds, synth either stops with a ConfigError
 * that names the option and says what is allowed, or writes files that their own tools accept:
 * the Dockerfile passes hadolint, the HEALTHCHECK's `node -e` program parses as JavaScript, the
 * entrypoint and the run task pass `sh -n`, and the .dockerignore has one pattern a line.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as fc from 'fast-check';
import { Project } from 'projen';
import { ImageKind } from '../../projenrc/docker/kinds';
import { ConfigError } from '../../projenrc/validate';
import { monorepo, synth, tempOutdir } from '../fixtures';

type M = ReturnType<typeof monorepo>;
const NODE = { kind: ImageKind.NODE_SERVICE, port: 3000, healthPath: '/health', sizeBudget: '200MB' };
const TARGET = { name: 'web', urlEnv: 'BASE_URL', healthPath: '/api/health' };
const RUNNER = { kind: ImageKind.PLAYWRIGHT_RUNNER, sizeBudget: '2GB', runner: { targets: [TARGET], runFlags: ['--init'] } };
const runnerWith = (o: object) => ({ ...RUNNER, runner: { ...RUNNER.runner, ...o } });

/** Each file checked once per content: the same accepted value gives the same file. */
const checked = new Set<string>();
const once = (kind: string, text: string, check: () => void) => {
  const key = `${kind}:${createHash('sha256').update(text).digest('hex')}`;
  if (checked.has(key)) return;
  check();
  checked.add(key);
};
const scratch = tempOutdir();

function hadolint(dockerfile: string): void {
  once('hadolint', dockerfile, () => {
    const file = path.join(scratch, 'Dockerfile');
    writeFileSync(file, dockerfile);
    const r = spawnSync('hadolint', ['--no-color', file], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
  });
}

function shellSyntax(script: string): void {
  once('sh', script, () => {
    const r = spawnSync('sh', ['-n'], { input: script, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
}

/** The program of `HEALTHCHECK ... CMD ["node","-e","<program>"]` parses as JavaScript. */
function healthCheckParses(dockerfile: string): void {
  const line = /^\s+CMD (\[.*\])$/m.exec(dockerfile.slice(dockerfile.indexOf('HEALTHCHECK')));
  const [node, flag, program] = JSON.parse(line![1]) as string[];
  expect([node, flag]).toEqual(['node', '-e']);
  expect(() => new Function(program)).not.toThrow();
}

/** Every Docker file a valid declaration writes passes its checks. */
function filesPass(out: Record<string, any>): void {
  for (const [file, text] of Object.entries(out)) {
    if (file.endsWith('Dockerfile')) {
      hadolint(text);
      if (text.includes('HEALTHCHECK --')) healthCheckParses(text);
    }
    // One pattern a line: no value brought a line break or a control character in.
    if (file.endsWith('.dockerignore')) expect(text.split('\n').every((l: string) => !/[\u0000-\u001f]/.test(l))).toBe(true);
    if (file.endsWith('docker-entrypoint.sh')) shellSyntax(text);
  }
  for (const [name, task] of Object.entries(out['.projen/tasks.json'].tasks as Record<string, { steps?: { exec?: string }[] }>)) {
    if (name.startsWith('docker:run:')) for (const step of task.steps ?? []) shellSyntax(step.exec ?? '');
  }
}

/** Declares with `value` and synthesizes: a ConfigError with a clear message, or files that pass their checks. */
function attempt(declare: (m: M, value: string) => void, value: string): void {
  const m = monorepo();
  try {
    let out: Record<string, any>;
    try {
      declare(m, value);
      out = synth(m.root);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      // "Component: option of service <value> is not allowed: <what is>." and the like: one sentence saying what to do.
      expect((err as Error).message).toMatch(/^[\w.]+: .+ (is not allowed|is missing|is not declared|does not apply|follows .+, which is not installed)\b.*: .+\.$/s);
      return;
    }
    filesPass(out);
  } finally {
    rmSync(m.outdir, { recursive: true, force: true });
  }
}

/** Arbitrary strings, and the values that break shell, JavaScript, Dockerfiles and paths. */
const strings = fc.oneof(
  fc.string({ maxLength: 24 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom(
    '', ' ', 'ok', 'ok-1', 'UPPER', 'Upper', 'a b', "a'b", 'a"b', 'a\\b', '$(id)', '`id`', '${X}', 'a;b', 'a\nb', '../x', 'x/../y', '/abs',
    '/health', '/api/health', "/h'+process.exit()+'", '/h"', '/h}x', '/h?x=1', '/h#x', '/ü', 'BASE_URL', 'base-url', '-x', '--init', '--memory=2g', '#x', '!x', '*.log', 'qualisys/api',
    'node', '24-alpine', 'v{version}-noble', 'mcr.microsoft.com/playwright', 'localhost:5000/x', 'a:b', 'x@sha256:00', 'a_b', 'a.b', 'a-', '-a',
  ),
);

const RUNS = { numRuns: 40 };

describe.each<[string, (m: M, v: string) => void]>([
  ['node-service healthPath', (m, v) => m.images.addService(m.api, { ...NODE, healthPath: v })],
  ['imageName', (m, v) => m.images.addService(m.api, { ...NODE, imageName: v })],
  ['service folder', (m, v) => {
    let s: Project;
    try {
      s = new Project({ name: 'svc', parent: m.root, outdir: v });
    } catch {
      return; // projen's own refusal of the folder, before ours
    }
    m.images.addService(s, NODE);
  }],
  ['base repository', (m, v) => { m.images.addBaseImage('custom', { repository: v, tag: '1', buildArg: 'CUSTOM_IMAGE' }); m.images.addService(m.api, { ...NODE, base: 'custom' }); }],
  ['base tag', (m, v) => { m.images.addBaseImage('custom', { repository: 'custom', tag: v, buildArg: 'CUSTOM_IMAGE' }); m.images.addService(m.api, { ...NODE, base: 'custom' }); }],
  ['env value', (m, v) => m.images.addService(m.api, { ...NODE, env: { LOG_LEVEL: v } })],
  ['env name', (m, v) => m.images.addService(m.api, { ...NODE, env: { [v]: 'info' } })],
  ['extraAllow', (m, v) => m.images.addService(m.api, { ...NODE, extraAllow: [v] })],
  ['extraIgnores', (m, v) => m.images.addService(m.api, { ...NODE, extraIgnores: [v] })],
  ['user', (m, v) => m.images.addService(m.api, { ...NODE, user: v, uid: '1000:1000' })],
  ['runner urlEnv', (m, v) => m.images.addService(m.runner, runnerWith({ targets: [{ ...TARGET, urlEnv: v }] }))],
  ['runner healthPath', (m, v) => m.images.addService(m.runner, runnerWith({ targets: [{ ...TARGET, healthPath: v }] }))],
  ['runner target name', (m, v) => m.images.addService(m.runner, runnerWith({ targets: [{ ...TARGET, name: v }] }))],
  ['runner defaultProject', (m, v) => m.images.addService(m.runner, runnerWith({ defaultProject: v }))],
  ['runner runFlags', (m, v) => m.images.addService(m.runner, runnerWith({ runFlags: [v] }))],
])('%s: a clear error, or files that pass hadolint, sh -n and a JavaScript parse', (_option, declare) => {
  // hadolint runs once per new accepted file: seconds, more on a busy machine.
  test('for any string', () => {
    fc.assert(fc.property(strings, (v) => attempt(declare, v)), RUNS);
  }, 60_000);
});
