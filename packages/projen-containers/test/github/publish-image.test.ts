/**
 * The generated scripts/publish-image.sh against a real registry (Debian's docker-registry on
 * 127.0.0.1, plain HTTP), the way the workflows run it: every case checks what the registry holds
 * afterwards, read with skopeo and hashed here, not through the script.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../fixtures';
import { freePort, MEDIA_TYPES, pushImage, pushIndex, registryDigest, startRegistry, TestRegistry } from '../registry';

const SCRIPT = path.join(REPO_ROOT, 'scripts', 'publish-image.sh');
// Each case takes well under a second alone; room for a machine busy with the other suites.
jest.setTimeout(20_000);

let registry: TestRegistry | undefined;
let host = '';
// A `skopeo` first on PATH that logs its arguments and runs the real one: shows what the script pushes.
let shim = '';
beforeAll(async () => {
  registry = await startRegistry();
  host = registry.host;
  shim = mkdtempSync(path.join(tmpdir(), 'skopeo-shim-'));
  writeFileSync(path.join(shim, 'skopeo'), `#!/usr/bin/env bash\necho "$*" >>"${shim}/calls.log"\nexec ${JSON.stringify(realSkopeo())} "$@"\n`);
  chmodSync(path.join(shim, 'skopeo'), 0o755);
}, 30_000);
afterAll(async () => {
  await registry?.stop();
  if (shim) rmSync(shim, { recursive: true, force: true });
});

function realSkopeo(): string {
  const r = spawnSync('bash', ['-c', 'command -v skopeo'], { encoding: 'utf8' });
  return r.stdout.trim() || 'skopeo';
}

/** Runs the script as the workflows do, with plain HTTP; returns its output and the skopeo commands it ran. */
function publish(args: string[], env: Record<string, string> = {}) {
  writeFileSync(path.join(shim, 'calls.log'), '');
  const r = spawnSync('bash', [SCRIPT, ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, MOVING_TAGS: '', REGISTRY_TLS_VERIFY: 'false', PATH: `${shim}:${process.env.PATH}`, ...env },
  });
  const skopeoCalls = readFileSync(path.join(shim, 'calls.log'), 'utf8').split('\n').filter(Boolean);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, skopeoCalls };
}

const copies = (calls: string[]) => calls.filter((c) => c.startsWith('copy '));

describe('digest REF', () => {
  test('gives the digest of an image, of an index and of a manifest ending with a newline, as pushed', () => {
    const image = pushImage(host, 'digest/app', 'v1', 'digest image');
    const index = pushIndex(host, 'digest/app', 'v2', 'digest index');
    const newline = pushImage(host, 'digest/app', 'v3', 'digest newline', { manifestSuffix: '\n' });
    expect(new Set([image, index, newline]).size).toBe(3);
    for (const [tag, digest] of [['v1', image], ['v2', index], ['v3', newline]]) {
      const r = publish(['digest', `${host}/digest/app:${tag}`]);
      expect({ tag, status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ tag, status: 0, stdout: `${digest}\n`, stderr: '' });
    }
    // By digest too, as the workflows read back what they pushed.
    expect(publish(['digest', `${host}/digest/app@${index}`]).stdout).toBe(`${index}\n`);
  });

  test('exit 1 and no output for a tag that a repository does not have', () => {
    pushImage(host, 'digest/one', 'v1', 'one');
    const r = publish(['digest', `${host}/digest/one:nope`]);
    expect(r).toMatchObject({ status: 1, stdout: '', stderr: '' });
  });

  test('exit 1 for a repository that the registry does not have', () => {
    const r = publish(['digest', `${host}/no/such-repository:v1`]);
    expect(r).toMatchObject({ status: 1, stdout: '' });
  });

  test('exit 2, with skopeo\'s error, when the registry cannot be reached', async () => {
    const closed = await freePort();
    const r = publish(['digest', `127.0.0.1:${closed}/digest/app:v1`]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`publish-image: cannot read 127.0.0.1:${closed}/digest/app:v1 from the registry:`);
    expect(r.stderr).toMatch(/connection refused/);
  });
});

describe('tag REPOSITORY@DIGEST TAG...', () => {
  test('puts several tags on an image, and a re-run leaves them alone without pushing anything', () => {
    const repo = `${host}/tag/image`;
    const digest = pushImage(host, 'tag/image', 'build-1', 'tag image');
    const tags = ['sha-1234567', 'main-20260123-143022', 'latest'];

    const first = publish(['tag', `${repo}@${digest}`, ...tags, `${repo}:production-v1.2.3`], { MOVING_TAGS: 'latest' });
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout.trim().split('\n')).toEqual([...tags, 'production-v1.2.3'].map((t) => `${repo}:${t} -> ${digest}`));
    for (const tag of [...tags, 'production-v1.2.3']) expect([tag, registryDigest(`${repo}:${tag}`)]).toEqual([tag, digest]);

    // A re-run (a workflow retried), as on ECR with tag immutability: nothing is pushed again.
    const again = publish(['tag', `${repo}@${digest}`, ...tags, 'production-v1.2.3']);
    expect(again.status).toBe(0);
    expect(again.stdout.trim().split('\n')).toEqual([...tags, 'production-v1.2.3'].map((t) => `${repo}:${t} already on ${digest}`));
    expect(copies(again.skopeoCalls)).toEqual([]);
    for (const tag of tags) expect(registryDigest(`${repo}:${tag}`)).toBe(digest);
  });

  test('tags of an index (image + attestation, as BuildKit pushes) keep the index digest', () => {
    const repo = `${host}/tag/index`;
    const digest = pushIndex(host, 'tag/index', 'build-1', 'tag index');
    const r = publish(['tag', `${repo}@${digest}`, 'sha-89abcde', 'staging-20260123']);
    expect(r.status).toBe(0);
    expect(copies(r.skopeoCalls)).toHaveLength(2);
    expect(copies(r.skopeoCalls)[0]).toMatch(/--all --preserve-digests/);
    for (const tag of ['sha-89abcde', 'staging-20260123']) {
      expect(registryDigest(`${repo}:${tag}`)).toBe(digest);
      const raw = spawnSync('skopeo', ['inspect', '--tls-verify=false', '--raw', `docker://${repo}:${tag}`], { encoding: 'utf8' });
      const index = JSON.parse(raw.stdout);
      expect(index.mediaType).toBe(MEDIA_TYPES.index);
      expect(index.manifests.map((m: any) => `${m.platform.os}/${m.platform.architecture}`)).toEqual(['linux/amd64', 'unknown/unknown']);
    }
    const again = publish(['tag', `${repo}@${digest}`, 'sha-89abcde', 'staging-20260123']);
    expect(again).toMatchObject({ status: 0, stdout: `${repo}:sha-89abcde already on ${digest}\n${repo}:staging-20260123 already on ${digest}\n` });
  });

  test('a manifest whose bytes end with a newline is "already on" at a re-run, not another image', () => {
    const repo = `${host}/tag/newline`;
    const digest = pushImage(host, 'tag/newline', 'sha-1111111', 'newline', { manifestSuffix: '\n' });
    const r = publish(['tag', `${repo}@${digest}`, 'sha-1111111']);
    expect(r).toMatchObject({ status: 0, stdout: `${repo}:sha-1111111 already on ${digest}\n`, stderr: '' });
  });

  test('an immutable tag already on another digest is an error, and stays where it was', () => {
    const repo = `${host}/tag/immutable`;
    const old = pushImage(host, 'tag/immutable', 'production-v1.0.0', 'first build');
    const rebuilt = pushImage(host, 'tag/immutable', 'build-2', 'second build');
    const r = publish(['tag', `${repo}@${rebuilt}`, 'production-v1.0.0'], { MOVING_TAGS: 'latest staging-20260123' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`publish-image: ${repo}:production-v1.0.0 is already on ${old}, not on ${rebuilt}.`);
    expect(r.stderr).toMatch(/immutable tag \(only latest staging-20260123 may move\)/);
    expect(copies(r.skopeoCalls)).toEqual([]);
    expect(registryDigest(`${repo}:production-v1.0.0`)).toBe(old);
  });

  test('every tag is read before any is applied: an immutable tag on another digest stops the run with no tag applied', () => {
    const repo = `${host}/tag/all-first`;
    const old = pushImage(host, 'tag/all-first', 'production-v2.0.0', 'released build');
    const rebuilt = pushIndex(host, 'tag/all-first', 'build-2', 'another build');
    // The new tag comes first: a script that tagged as it went would have applied it already.
    const r = publish(['tag', `${repo}@${rebuilt}`, 'sha-4444444', 'latest', 'production-v2.0.0'], { MOVING_TAGS: 'latest' });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`publish-image: ${repo}:production-v2.0.0 is already on ${old}, not on ${rebuilt}.`);
    expect(r.stderr).toContain('No tag was applied.');
    expect(copies(r.skopeoCalls)).toEqual([]);
    expect(registryDigest(`${repo}:sha-4444444`)).toBeUndefined();
    expect(registryDigest(`${repo}:latest`)).toBeUndefined();
    expect(registryDigest(`${repo}:production-v2.0.0`)).toBe(old);
  });

  test('a moving tag before the conflicting immutable one does not move either', () => {
    const repo = `${host}/tag/all-first-moving`;
    const yesterday = pushImage(host, 'tag/all-first-moving', 'latest', 'yesterday');
    const old = pushImage(host, 'tag/all-first-moving', 'sha-5555555', 'first build of 5555555');
    const rebuilt = pushImage(host, 'tag/all-first-moving', 'build-2', 'second build of 5555555');
    const r = publish(['tag', `${repo}@${rebuilt}`, 'latest', 'sha-5555555'], { MOVING_TAGS: 'latest' });
    expect(r.status).toBe(1);
    expect(copies(r.skopeoCalls)).toEqual([]);
    expect(registryDigest(`${repo}:latest`)).toBe(yesterday);
    expect(registryDigest(`${repo}:sha-5555555`)).toBe(old);
  });

  test('a tag given as REPOSITORY:TAG is applied by its tag part', () => {
    const repo = `${host}/tag/qualified`;
    const digest = pushImage(host, 'tag/qualified', 'build-1', 'qualified');
    const r = publish(['tag', `${repo}@${digest}`, `${repo}:sha-6666666`]);
    expect(r).toMatchObject({ status: 0, stdout: `${repo}:sha-6666666 -> ${digest}\n` });
    expect(registryDigest(`${repo}:sha-6666666`)).toBe(digest);
  });

  test('a tag listed in MOVING_TAGS moves to the new digest', () => {
    const repo = `${host}/tag/moving`;
    const old = pushIndex(host, 'tag/moving', 'latest', 'yesterday');
    const fresh = pushIndex(host, 'tag/moving', 'build-2', 'today');
    const r = publish(['tag', `${repo}@${fresh}`, 'sha-2222222', 'latest'], { MOVING_TAGS: 'staging-20260123\nlatest' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${repo}:sha-2222222 -> ${fresh}\n${repo}:latest moved from ${old} to ${fresh}\n`);
    expect(registryDigest(`${repo}:latest`)).toBe(fresh);
    expect(registryDigest(`${repo}:sha-2222222`)).toBe(fresh);
    expect(registryDigest(`${repo}@${old}`)).toBe(old); // the old image is still there, by digest
  });

  test('exit 2, not 1, when the source digest is not in the registry', () => {
    const repo = `${host}/tag/missing-source`;
    pushImage(host, 'tag/missing-source', 'v1', 'present');
    const r = publish(['tag', `${repo}@sha256:${'0'.repeat(64)}`, 'sha-3333333']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`publish-image: cannot put sha-3333333 on ${repo}@sha256:${'0'.repeat(64)}`);
    expect(registryDigest(`${repo}:sha-3333333`)).toBeUndefined();
  });
});

describe('newest-tag REPOSITORY PREFIX', () => {
  test('the newest tag of a prefix in version order, not in the registry\'s (alphabetical) order', () => {
    const repo = `${host}/newest/dated`;
    pushImage(host, 'newest/dated', 'staging-20261201', 'deployed on the 1st');
    pushImage(host, 'newest/dated', 'staging-20261130', 'deployed on the 30th');
    pushImage(host, 'newest/dated', 'production-v1.10.0', 'release 1.10.0');
    pushImage(host, 'newest/dated', 'production-v1.9.2', 'release 1.9.2');
    pushImage(host, 'newest/dated', 'latest', 'main');
    expect(publish(['newest-tag', repo, 'staging-'])).toMatchObject({ status: 0, stdout: 'staging-20261201\n', stderr: '' });
    expect(publish(['newest-tag', repo, 'production-v'])).toMatchObject({ status: 0, stdout: 'production-v1.10.0\n', stderr: '' });
    const r = publish(['newest-tag', repo, 'staging-']);
    expect(r.skopeoCalls).toEqual([`list-tags --tls-verify=false docker://${repo}`]);
  });

  test('a staging tag with a time (staging-YYYYMMDD-HHMMSS) is newer than the day\'s tag', () => {
    const repo = `${host}/newest/timed`;
    pushImage(host, 'newest/timed', 'staging-20261201', 'the day');
    pushImage(host, 'newest/timed', 'staging-20261130-235959', 'the evening before');
    expect(publish(['newest-tag', repo, 'staging-']).stdout).toBe('staging-20261201\n');
  });

  test('exit 1 and no output when no tag has the prefix', () => {
    const repo = `${host}/newest/none`;
    pushImage(host, 'newest/none', 'latest', 'never deployed');
    pushImage(host, 'newest/none', 'sha-1234567', 'never deployed');
    expect(publish(['newest-tag', repo, 'production-v'])).toMatchObject({ status: 1, stdout: '', stderr: '' });
  });

  test('exit 1 for a repository whose every tag was deleted (only untagged images left)', () => {
    const repo = `${host}/newest/untagged`;
    pushImage(host, 'newest/untagged', 'staging-20261201', 'tag deleted since');
    expect(spawnSync('skopeo', ['delete', '--tls-verify=false', `docker://${repo}:staging-20261201`]).status).toBe(0);
    expect(publish(['newest-tag', repo, 'staging-'])).toMatchObject({ status: 1, stdout: '', stderr: '' });
  });

  test('exit 1 when the registry has no such repository', () => {
    expect(publish(['newest-tag', `${host}/newest/no-such-repository`, 'staging-'])).toMatchObject({ status: 1, stdout: '' });
  });

  test('exit 2, with skopeo\'s error, when the tags cannot be read', async () => {
    const closed = await freePort();
    const r = publish(['newest-tag', `127.0.0.1:${closed}/newest/dated`, 'staging-']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`publish-image: cannot list the tags of 127.0.0.1:${closed}/newest/dated:`);
    expect(r.stderr).toMatch(/connection refused/);
  });
});

describe('usage', () => {
  test.each([
    [[], 'usage: publish-image.sh digest REF | tag REPOSITORY@sha256:DIGEST TAG... | newest-tag REPOSITORY PREFIX'],
    [['push', 'x'], 'usage: publish-image.sh digest REF | tag REPOSITORY@sha256:DIGEST TAG... | newest-tag REPOSITORY PREFIX'],
    [['newest-tag', 'registry.example/app'], 'usage: publish-image.sh newest-tag REPOSITORY PREFIX'],
    [['newest-tag', 'registry.example/app', 'staging-', 'extra'], 'usage: publish-image.sh newest-tag REPOSITORY PREFIX'],
    [['digest'], 'usage: publish-image.sh digest REF'],
    [['tag', 'registry.example/app@sha256:abc'], 'usage: publish-image.sh tag REPOSITORY@sha256:DIGEST TAG...'],
    [['tag', 'registry.example/app:build-1', 'latest'], 'registry.example/app:build-1: give the image by digest (REPOSITORY@sha256:...)'],
  ])('%j: exit 2 with the usage, talking to no registry', (args, message) => {
    const r = publish(args);
    expect(r).toMatchObject({ status: 2, stdout: '', stderr: `publish-image: ${message}\n` });
    expect(r.skopeoCalls).toEqual([]);
  });
});
