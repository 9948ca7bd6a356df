/**
 * Hostile input to the generated scripts/image-tags.mjs: every refusal is one line on stderr and
 * exit 2 (exit 1 for a $GITHUB_OUTPUT that cannot be written), never a stack trace (unless
 * DEBUG is set), never output with lines nobody asked for.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Project } from 'projen';
import { DockerImages } from '../../src/docker/docker-images';
import { registryProblem } from '../../src/image-tags/docker-reference';
import { parseRegistry } from '../../src/lib/registry-push';
import { tempOutdir } from '../fixtures';
import { cleanEnv, runScript, ScriptResult } from './git-fixtures';

const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
/** Everything git would tell: no repository needed. */
const BASE = ['--image', 'qualisys/api', '--sha', SHA, '--dirty', 'false'];
const BRANCH = [...BASE, '--ref-name', 'main'];

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'image-tags-hostile-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const run = (args: string[], env: Record<string, string> = {}): ScriptResult => runScript(dir, args, cleanEnv(env));

/** One line on stderr that contains `message`, nothing on stdout, no stack trace, the status. */
function expectRefused(res: ScriptResult, message: string, status = 2): void {
  expect({ status: res.status, stdout: res.stdout, lines: res.stderr.split('\n').length }).toEqual({ status, stdout: '', lines: 2 });
  expect(res.stderr).toMatch(/^image-tags: /);
  expect(res.stderr).toContain(message);
  expect(res.stderr).not.toMatch(/\n\s+at /);
}

describe('pull request numbers: 1 to 10 digits as written, nothing read as a Number', () => {
  const refused = ['99999999999999999999999', '9007199254740993', '12345678901', '1e3', '0x10', '0', '007', ' 12', '12 ', '１２', '+5', '1.0', '12\n'];

  test.each(refused)('--pr and TAG_PR %j are refused, naming where the value came from', (pr) => {
    expectRefused(run([...BRANCH, `--pr=${pr}`]), `Invalid pull request number ${JSON.stringify(pr)} (--pr): expected a positive whole number of 1 to 10 digits`);
    expectRefused(run(BRANCH, { TAG_PR: pr }), `Invalid pull request number ${JSON.stringify(pr)} (TAG_PR)`);
  });

  test('a number from GITHUB_REF is held to the same rule', () => {
    const res = run(['--image', 'qualisys/api'], {
      GITHUB_ACTIONS: 'true', GITHUB_SHA: SHA, GITHUB_EVENT_NAME: 'pull_request', GITHUB_HEAD_REF: 'x', GITHUB_REF: 'refs/pull/99999999999999999999999/merge',
    });
    expectRefused(res, 'Invalid pull request number "99999999999999999999999" (GITHUB_REF)');
  });

  test('the largest accepted number is kept digit for digit', () => {
    const res = run([...BRANCH, '--pr', '9999999999', '--format', 'tags']);
    expect(res.status).toBe(0);
    expect(res.stdout.split('\n')[0]).toBe('pr-9999999999');
  });
});

describe('$GITHUB_OUTPUT that cannot be written: one line, exit 1', () => {
  test.each([
    ['/nonexistent/x', 'its folder does not exist (ENOENT)'],
    ['/dev/full', 'no space left on the device (ENOSPC)'],
  ])('GITHUB_OUTPUT=%s', (file, why) => {
    expectRefused(run([...BRANCH, '--format', 'github-output'], { GITHUB_OUTPUT: file }), `Cannot write the outputs to GITHUB_OUTPUT="${file}": ${why}.`, 1);
  });

  test('DEBUG=1 adds the stack trace', () => {
    const res = run([...BRANCH, '--format', 'github-output'], { GITHUB_OUTPUT: '/nonexistent/x', DEBUG: '1' });
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/\n\s+at /);
  });
});

describe('--source and --title: one line each, so no label can be added through them', () => {
  const CONTROL = ['a\nb=c', 'a\rb', 'a\u2028b', 'a\u0085b', 'a\u001bb', 'a\tb', 'EOF_IMAGE_TAGS\nx=y', 'a\u007fb'];

  test.each(CONTROL)('--title %j is refused', (title) => {
    for (const format of ['labels', 'github-output']) expectRefused(run([...BRANCH, '--title', title, '--format', format]), 'Invalid title');
  });

  test.each([' ', ' api', 'api ', '\u00a0api'])('--title %j, with white space at an end the build action would trim, is refused', (title) => {
    expectRefused(run([...BRANCH, '--title', title, '--format', 'labels']), 'without white space at either end');
  });

  test.each([
    ...CONTROL.map((c) => [`https://github.com/acme/q/${c}`, 'white space, a newline or another control character']),
    ['https://github.com/acme/q x', 'white space'],
    ['javascript:alert(1)', 'its scheme javascript: is not https:'],
    ['ftp://example.com/q', 'its scheme ftp: is not https:'],
    ['not a url', 'white space'],
    ['github.com/acme/q', 'it is not a URL'],
    ['https://user:token@github.com/acme/q', 'it holds credentials'],
  ])('--source %j is refused: %s', (source, why) => {
    expectRefused(run([...BRANCH, '--source', source, '--format', 'labels']), why);
  });

  test('a source made from GITHUB_SERVER_URL and GITHUB_REPOSITORY is held to the same rule', () => {
    const res = run(['--image', 'qualisys/api', '--format', 'labels'], {
      GITHUB_ACTIONS: 'true',
      GITHUB_SHA: SHA,
      GITHUB_EVENT_NAME: 'push',
      GITHUB_REF_NAME: 'main',
      GITHUB_REF_TYPE: 'branch',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'acme/q\nx=y',
    });
    expectRefused(res, '(GITHUB_SERVER_URL/GITHUB_REPOSITORY)');
  });

  test('a title of any printable text, and an https source, are kept as given', () => {
    const res = run([...BRANCH, '--title', 'QUALISYS API — «beta» = 1', '--source', 'https://github.com/acme/qualisys', '--format', 'labels']);
    expect(res.status).toBe(0);
    expect(res.stdout).toContain('org.opencontainers.image.title=QUALISYS API — «beta» = 1\n');
    expect(res.stdout).toContain('org.opencontainers.image.source=https://github.com/acme/qualisys\n');
  });
});

describe('release tags that never move stay one per release', () => {
  const immutable = (refName: string): string => {
    const res = run([...BASE, '--ref-type', 'tag', '--ref-name', refName, '--format', 'json']);
    if (res.status !== 0) throw new Error(res.stderr);
    const json = JSON.parse(res.stdout) as { tags: string[]; rules: Record<string, string> };
    return json.tags.find((t) => json.rules[t] === 'production' || json.rules[t] === 'prerelease')!;
  };

  test.each([
    ['two pre-releases sharing their first 128 characters', `v1.0.0-${'a'.repeat(130)}.x`, `v1.0.0-${'a'.repeat(130)}.y`],
    ['two releases sharing their first 128 characters', `v1.0.${'1'.repeat(130)}1`, `v1.0.${'1'.repeat(130)}2`],
    ['pre-releases that differ in case only', 'v1.0.0-rc.1', 'v1.0.0-RC.1'],
    ['build metadata against a pre-release identifier', 'v1.0.0-a+b', 'v1.0.0-a-b'],
  ])('%s: two tags of at most 128 characters', (_, a, b) => {
    const [ta, tb] = [immutable(a), immutable(b)];
    expect(ta).not.toBe(tb);
    for (const t of [ta, tb]) expect(t).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/);
  });

  test('a tag that fits as it is stays as it is; one that does not keeps a hash of the full name', () => {
    expect(immutable('v2.0.0-rc.1')).toBe('v2.0.0-rc.1');
    const long = immutable(`v1.0.0-${'a'.repeat(130)}.x`);
    expect(long).toHaveLength(128);
    expect(long).toMatch(/^v1\.0\.0-a+_[0-9a-f]{12}$/);
  });
});

describe('registries: one grammar for the tag script, DockerImages and push:docker', () => {
  const GOOD = ['ghcr.io', 'ghcr.io/acme', 'ghcr.io/acme/team/', 'localhost', 'localhost:5000', '127.0.0.1:5000', '[::1]:5000', '10.0.0.1', 'Registry.Example.com:65535',
    '123456789012.dkr.ecr.eu-west-1.amazonaws.com'];
  const BAD: [string, string][] = [
    ['127.0.0.1:99999', 'port "99999" is not a number from 1 to 65535'],
    ['localhost:0', 'port "0"'],
    ['ghcr.io:', 'port ""'],
    ['ghcr.io:05000', 'port "05000"'],
    ['acme', '"acme" is not a registry host'],
    ['registry:5000', '"registry" is not a registry host'],
    ['256.1.1.1', 'is not an IPv4 address'],
    ['1.2.3', 'is not an IPv4 address'],
    ['-x.io', 'is not a host name'],
    ['a..b', 'is not a host name'],
    ['ghcr.io//acme', 'the namespace component ""'],
    ['ghcr.io/Acme', 'namespaces are lowercase'],
    ['ghcr.io/acme:tag', 'the namespace component "acme:tag"'],
    ['https://ghcr.io', 'it has a scheme'],
    ['ghcr.io:5000:1', 'more than one ":"'],
    ['::1', 'more than one ":"'],
    ['[::1', 'not an IPv6 address in brackets'],
    ['[fe80::1%eth0]:5000', 'not an IPv6 address in brackets'],
    ['ghcr.io\n/x', 'white space or a control character'],
    ['ghcr.io /x', 'white space or a control character'],
    [`${'x'.repeat(300)}.io`, 'longer than 255'],
  ];

  test.each(BAD)('%j is refused by all three: %s', (registry, why) => {
    const flag = run([...BRANCH, `--registry=${registry}`]);
    expectRefused(flag, `Invalid registry ${JSON.stringify(registry).replace(/\\n/g, '\\n')} (--registry): `);
    expect(flag.stderr).toContain(why);
    expectRefused(run(BRANCH, { IMAGE_REGISTRY: registry }), '(IMAGE_REGISTRY)');
    expect(parseRegistry(registry)).toBeUndefined();
    expect(() => new DockerImages(new Project({ name: 'root', outdir: tempOutdir() }), { namespace: 'qualisys', registry }))
      .toThrow(`DockerImages: registry ${JSON.stringify(registry)} is not allowed: a registry host with an optional port and namespace`);
  });

  test.each(GOOD)('%j is accepted by all three', (registry) => {
    expect(registryProblem(registry)).toBeUndefined();
    const res = run([...BRANCH, '--registry', registry, '--format', 'sha']);
    expect(res.stderr).toBe('');
    expect(res.stdout).toBe(`${registry.replace(/\/+$/, '')}/qualisys/api:${SHA.slice(0, 7)}\n`);
    expect(parseRegistry(registry)).toBeDefined();
    expect(new DockerImages(new Project({ name: 'root', outdir: tempOutdir() }), { namespace: 'qualisys', registry }).registry).toBe(registry.replace(/\/+$/, ''));
  });
});
