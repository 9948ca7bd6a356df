/**
 * The three images shipped to a real registry (Debian's docker-registry on 127.0.0.1, started
 * here): `push:docker` pushes exactly the built image IDs with every tag, signs each digest with a
 * key pair made here and attests its SBOM; a pull by digest gives back the same image, which runs;
 * cosign's verification passes for the signed digest and fails for an unsigned image, a tag moved
 * to another image and another key; the attested SBOM lists each service's npm dependencies at
 * their lockfile versions; every refusal (no build report, stale image, unreachable registry,
 * authentication, a tag that never moves) stops with a clear error; and the size change against
 * the default branch's image, pulled by tag, is the one lib/image-size.ts computes.
 * Needs a Docker engine, Trivy and cosign (tools/setup-test-env.sh).
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { removeContainers, ROOT, runContainer, waitHealthy } from './harness';
import { reportEntry, writeBuildReport } from '../../packages/projen-containers/src/engine/build-report-file';
import { assertEngine, docker, dockerOk, imageFacts, imageId } from '../../packages/projen-containers/src/engine/docker-cli';
import { baseImageOf, buildImage } from '../../packages/projen-containers/src/engine/image-build';
import { findReference } from '../../packages/projen-containers/src/engine/reference-image';
import { generateSbom } from '../../packages/projen-containers/src/engine/trivy-sbom';
import { BuiltImage, PushReport, sbomFileName } from '../../packages/projen-containers/src/lib/build-report';
import { parseSizeThreshold, sizeChange } from '../../packages/projen-containers/src/lib/image-size';
import { readImagesManifest } from '../../packages/projen-containers/src/lib/images-manifest';
import { CycloneDx, lockedVersions, missingFromSbom, npmPackages, sbomImageId } from '../../packages/projen-containers/src/lib/sbom';
import { runTsTool } from '../../packages/projen-containers/test/fixtures';
import { freePort, pushImage, registryDigest, startRegistry, TestRegistry } from '../../packages/projen-containers/test/registry';

jest.setTimeout(30 * 60_000);

const manifest = readImagesManifest(ROOT);
const RUN = randomBytes(4).toString('hex');
/** A tag that never moves (as the commit SHA), and one that moves (as latest). */
const TAG = `registry-test-${RUN}`;
const MOVING = `registry-test-${RUN}-moving`;
const entryOf = (service: string) => manifest.images.find((i) => i.service === service)!;
const localRef = (service: string, tag = TAG) => `${entryOf(service).image}:${tag}`;

let registry: TestRegistry;
let work: string;
let reportFile: string;
const built: Record<string, BuiltImage> = {};
const keys = { a: { key: '', pub: '' }, b: { key: '', pub: '' } };
/** Local references this file created, removed at the end. */
const created = new Set<string>();
const timings: string[] = [];

const pushTool = (args: string[], env: NodeJS.ProcessEnv = {}) => runTsTool('packages/projen-containers/src/tools/push-images.ts', args, env);

function cosign(args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync('cosign', args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, COSIGN_PASSWORD: '' } });
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') throw new Error('cosign is not installed: tools/setup-test-env.sh installs it (bash tools/install-linters.sh --with-cosign).');
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
const verify = (pub: string, ref: string) => cosign(['verify', '--key', pub, '--insecure-ignore-tlog=true', ref]);

beforeAll(async () => {
  assertEngine();
  registry = await startRegistry();
  work = mkdtempSync(path.join(tmpdir(), 'registry-test-'));
  reportFile = path.join(work, 'build', 'build.json');
  const images: BuiltImage[] = [];
  for (const entry of manifest.images) {
    const refs = [localRef(entry.service), localRef(entry.service, MOVING)];
    refs.forEach((r) => created.add(r));
    // A version of its own makes an image ID of its own (the layers come from the cache).
    const labels = { 'org.opencontainers.image.revision': RUN.repeat(5), 'org.opencontainers.image.created': '2026-01-23T14:30:22Z', 'org.opencontainers.image.source': 'https://github.com/acme/qualisys' };
    const result = await buildImage(entry, { refs, labels, version: `registry-test-${RUN}`, quiet: true });
    if (!result.ok || !result.id) throw new Error(`${entry.service} did not build; see the log above`);
    const sbomSeconds = generateSbom(refs[0], path.join(work, 'build', sbomFileName(entry.service)), result.id);
    timings.push(`SBOM ${entry.service}: ${sbomSeconds.toFixed(1)} s`);
    images.push(reportEntry(result, entry, { refs, version: `registry-test-${RUN}`, labels, moving: [MOVING] }, { baseImage: baseImageOf(entry), sbom: sbomFileName(entry.service), sbomSeconds }));
  }
  writeBuildReport(reportFile, { schema: 1, createdAt: new Date().toISOString(), images });
  for (const i of images) built[i.service] = i;
  for (const name of ['a', 'b'] as const) {
    const dir = path.join(work, `key-${name}`);
    mkdirSync(dir);
    const r = spawnSync('cosign', ['generate-key-pair'], { cwd: dir, encoding: 'utf8', env: { ...process.env, COSIGN_PASSWORD: '' } });
    if (r.status !== 0) throw new Error(`cosign generate-key-pair failed (${r.status}): ${r.stderr}${r.error?.message ?? ''}`);
    keys[name] = { key: path.join(dir, 'cosign.key'), pub: path.join(dir, 'cosign.pub') };
  }
});

afterAll(async () => {
  removeContainers();
  for (const ref of created) docker(['rmi', ref]);
  await registry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
  if (timings.length) console.log(`registry tests, measured:\n  ${timings.join('\n  ')}`);
});

/** The tags a repository of the test registry holds. */
async function tagsIn(repository: string, host = registry.host): Promise<string[]> {
  const res = await fetch(`http://${host}/v2/${repository}/tags/list`);
  if (res.status === 404) return [];
  return ((await res.json()) as { tags?: string[] }).tags ?? [];
}

describe('push:docker refuses, and pushes nothing', () => {
  test('without a build report: "run npx projen build:docker first" (exit 2)', () => {
    const r = pushTool(['--report', path.join(work, 'none', 'build.json'), '--registry', registry.host]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('run npx projen build:docker first');
  });

  test('an image whose tag moved since the build: stale, names both IDs (exit 2)', async () => {
    const ref = localRef('api', MOVING);
    dockerOk(['tag', built.web.id!, ref]);
    try {
      const r = pushTool(['--report', reportFile, '--registry', registry.host]);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`api: ${ref} is now image ${built.web.id}, not image ${built.api.id} that build:docker built and the tests saw`);
      expect(r.stderr).toContain('Nothing was pushed. Run npx projen build:docker again');
      expect(await tagsIn('qualisys/api')).toEqual([]);
    } finally {
      dockerOk(['tag', built.api.id!, ref]);
    }
  });

  test('a registry nobody listens on: cannot be reached (exit 1)', async () => {
    const host = `127.0.0.1:${await freePort()}`;
    const r = pushTool(['--report', reportFile, '--registry', host, 'api']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`push:docker: ${host} cannot be reached for a lookup of ${host}/qualisys/api:${TAG}.`);
    expect(r.stderr).toMatch(/ECONNREFUSED|connection refused/);
  });

  test('a registry that wants a login: not authorized, with the command to log in (exit 1)', async () => {
    const auth = await startAuthRegistry(work);
    try {
      const r = pushTool(['--report', reportFile, '--registry', auth.host, 'api']);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`push:docker: ${auth.host} refused a lookup of ${auth.host}/qualisys/api:${TAG}: not authorized.`);
      expect(r.stderr).toContain(`docker login ${auth.host}`);
    } finally {
      await auth.stop();
    }
  });

  test('a tag already on another image never moves: refused before any push (exit 1); a moving tag moves', async () => {
    // Another image under the API's tags, in a namespace of its own.
    const other = pushImage(registry.host, 'conflict/qualisys/api', TAG, 'another image');
    const otherMoving = pushImage(registry.host, 'conflict/qualisys/api', MOVING, 'another image, moving');
    const r = pushTool(['--report', reportFile, '--registry', `${registry.host}/conflict`, 'api']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${registry.host} already holds other images under these tags, which never move:\n  ${registry.host}/conflict/qualisys/api:${TAG} (now ${other})`);
    expect(r.stderr).not.toContain(`api:${MOVING} (now`);
    expect(registryDigest(`${registry.host}/conflict/qualisys/api:${TAG}`)).toBe(other);
    expect(registryDigest(`${registry.host}/conflict/qualisys/api:${MOVING}`)).toBe(otherMoving);

    pushImage(registry.host, 'moving/qualisys/api', MOVING, 'an older image');
    const moved = pushTool(['--report', reportFile, '--registry', `${registry.host}/moving`, 'api']);
    expect([moved.status, moved.stderr]).toEqual([0, expect.anything()]);
    expect(moved.stdout).toContain(`${registry.host}/moving/qualisys/api:${MOVING} (now `);
    const digest = registryDigest(`${registry.host}/moving/qualisys/api:${TAG}`);
    expect(registryDigest(`${registry.host}/moving/qualisys/api:${MOVING}`)).toBe(digest);
    for (const t of [TAG, MOVING]) created.add(`${registry.host}/moving/qualisys/api:${t}`);
  });
});

describe('push:docker --sign-key: every image, every tag, signed, SBOM attested', () => {
  let report: PushReport;
  const digestOf = (service: string) => report.images.find((i) => i.service === service)!.digest;
  const repo = (service: string) => `${registry.host}/${entryOf(service).image}`;

  beforeAll(() => {
    const t0 = Date.now();
    const r = pushTool(['--report', reportFile, '--registry', registry.host, '--sign-key', keys.a.key]);
    timings.push(`push:docker --sign-key, 3 images to an empty registry: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    if (r.status !== 0) throw new Error(`push:docker failed (${r.status}):\n${r.stdout.slice(-3000)}\n${r.stderr}`);
    report = JSON.parse(readFileSync(path.join(work, 'build', 'push.json'), 'utf8')) as PushReport;
    for (const i of report.images) {
      timings.push(`${i.service}: push ${i.seconds.push.toFixed(1)} s, sign and attest ${i.seconds.sign?.toFixed(1)} s`);
      for (const t of i.tags) created.add(`${i.repository}:${t}`);
    }
  });

  test('prints each digest; every tag in the registry is on it; push.json records it', () => {
    expect(report.images.map((i) => i.service)).toEqual(manifest.images.map((i) => i.service));
    for (const i of report.images) {
      expect(i).toMatchObject({ id: built[i.service].id, repository: repo(i.service), ref: `${repo(i.service)}@${i.digest}`, tags: [TAG, MOVING], signed: true, sbom: sbomFileName(i.service) });
      for (const tag of i.tags) expect(registryDigest(`${repo(i.service)}:${tag}`)).toBe(i.digest);
    }
  });

  test('pushing again changes nothing: the same digests, no tag refused', () => {
    const r = pushTool(['--report', reportFile, '--registry', registry.host, 'api', 'web']);
    expect(r.status).toBe(0);
    for (const service of ['api', 'web']) expect(r.stdout).toContain(`${repo(service)}@${digestOf(service)}`);
  });

  test('cosign verify passes for the signed digest, and by a tag on it', () => {
    for (const i of report.images) {
      const v = verify(keys.a.pub, i.ref);
      expect([i.service, v.status, v.stderr]).toEqual([i.service, 0, expect.stringContaining('The signatures were verified against the specified public key')]);
      expect(JSON.parse(v.stdout)[0].critical.image['docker-manifest-digest']).toBe(i.digest);
    }
    expect(verify(keys.a.pub, `${repo('api')}:${TAG}`).status).toBe(0);
  });

  test('cosign verify fails for an unsigned image', () => {
    const digest = pushImage(registry.host, 'qualisys/unsigned', 'v1', 'never signed');
    const v = verify(keys.a.pub, `${registry.host}/qualisys/unsigned@${digest}`);
    expect(v.status).not.toBe(0);
    expect(v.stderr).toContain('no signatures found');
  });

  test('cosign verify fails for a tag moved to another image, and still passes for the signed digest', () => {
    const ref = `${repo('web')}:${MOVING}`;
    expect(verify(keys.a.pub, ref).status).toBe(0);
    const moved = pushImage(registry.host, 'qualisys/web', MOVING, 'a different image under a signed tag');
    expect(registryDigest(ref)).toBe(moved);
    const v = verify(keys.a.pub, ref);
    expect(v.status).not.toBe(0);
    expect(v.stderr).toContain('no signatures found');
    expect(verify(keys.a.pub, `${repo('web')}@${digestOf('web')}`).status).toBe(0);
  });

  test('cosign verify fails for a signature made by another key', () => {
    const digest = pushImage(registry.host, 'qualisys/other-key', 'v1', 'signed by key b');
    const ref = `${registry.host}/qualisys/other-key@${digest}`;
    const signed = cosign(['sign', '--key', keys.b.key, '--use-signing-config=false', '--tlog-upload=false', '--yes', ref]);
    expect(signed.status).toBe(0);
    expect(verify(keys.b.pub, ref).status).toBe(0);
    const v = verify(keys.a.pub, ref);
    expect(v.status).not.toBe(0);
    expect(v.stderr).toMatch(/no matching (signatures|attestations)|accepted signatures do not match/);
    // And key b's public half does not verify what key a signed.
    expect(verify(keys.b.pub, `${repo('api')}@${digestOf('api')}`).status).not.toBe(0);
  });

  test.each(['api', 'web', 'playwright-runner'])('the attested SBOM of %s verifies and lists its npm dependencies at their lockfile versions', (service) => {
    const r = cosign(['verify-attestation', '--key', keys.a.pub, '--insecure-ignore-tlog=true', '--type', 'cyclonedx', `${repo(service)}@${digestOf(service)}`]);
    expect(r.status).toBe(0);
    const statements = r.stdout.trim().split('\n').map((line) => JSON.parse(Buffer.from(JSON.parse(line).payload, 'base64').toString('utf8')));
    const statement = statements.find((s) => s.predicateType === 'https://cyclonedx.org/bom');
    expect(statement.subject).toEqual([{ name: repo(service), digest: { sha256: digestOf(service).slice('sha256:'.length) } }]);
    const bom = statement.predicate as CycloneDx;
    expect(sbomImageId(bom)).toBe(built[service].id);
    const pkg = JSON.parse(readFileSync(path.join(ROOT, entryOf(service).context, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const lock = JSON.parse(readFileSync(path.join(ROOT, entryOf(service).context, 'package-lock.json'), 'utf8'));
    const expected = lockedVersions(lock, Object.keys(pkg.dependencies));
    expect(Object.keys(expected).sort()).toEqual(Object.keys(pkg.dependencies).sort());
    expect(missingFromSbom(bom, expected)).toEqual([]);
    expect(npmPackages(bom).size).toBeGreaterThan(Object.keys(expected).length);
    // The SBOM beside the build report is the one attested.
    expect(JSON.parse(readFileSync(path.join(work, 'build', sbomFileName(service)), 'utf8'))).toEqual(bom);
  });

  test('pulled back by digest, each is the image built (same image ID); api, pulled with nothing left locally, runs', async () => {
    // api: every local reference of the image removed, so the pull really fetches it.
    const api = built.api;
    for (const ref of [...api.refs, ...api.tags.map((t) => `${repo('api')}:${t}`), `${registry.host}/moving/qualisys/api:${TAG}`, `${registry.host}/moving/qualisys/api:${MOVING}`]) docker(['rmi', ref]);
    try {
      expect(imageId(api.id!)).toBeUndefined();
      for (const i of report.images) {
        created.add(`${i.repository}@${i.digest}`);
        dockerOk(['pull', `${i.repository}@${i.digest}`]);
        expect([i.service, imageId(`${i.repository}@${i.digest}`)]).toEqual([i.service, built[i.service].id]);
      }
      const port = await freePort();
      const id = runContainer(`${repo('api')}@${digestOf('api')}`, { env: { PORT: String(port) } });
      await waitHealthy(id);
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      expect(res.status).toBe(200);
    } finally {
      for (const ref of api.refs) docker(['tag', api.id!, ref]);
    }
  });
});

describe('size change against the default branch\'s image, pulled by tag from the registry', () => {
  const api = () => built.api;
  const base = () => baseImageOf(entryOf('api'));
  const reference = () => `${registry.host}/qualisys/api:latest`;
  let referenceId: string;

  beforeAll(() => {
    // The "default branch" image: the base and one small layer, pushed as latest, then gone locally.
    const dir = mkdtempSync(path.join(tmpdir(), 'size-reference-'));
    try {
      writeFileSync(path.join(dir, 'Dockerfile'), `FROM ${base()}\nCOPY reference.txt /reference.txt\n`);
      writeFileSync(path.join(dir, 'reference.txt'), `reference ${RUN}\n`.repeat(100));
      dockerOk(['build', '-q', '-t', reference(), dir]);
      referenceId = imageId(reference())!;
      dockerOk(['push', reference()]);
      dockerOk(['rmi', reference()]);
      created.add(reference());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const script = (args: string[], env: NodeJS.ProcessEnv = {}) => spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'image-size.mjs'), ...args], { encoding: 'utf8', env: { ...process.env, ...env } });

  test('scripts/image-size.mjs pulls the reference and reports what lib/image-size.ts computes from the same facts', () => {
    expect(imageId(reference())).toBeUndefined();
    const r = script(['--image', api().refs[0], '--base', base(), '--reference', reference(), '--threshold', '1MB', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(imageId(reference())).toBe(referenceId);
    expect(out.reference).toMatchObject({ ref: reference(), id: referenceId, layersAboveBase: 1, onBase: true });
    const same = sizeChange({ service: 'api', image: imageFacts(api().refs[0])!, base: imageFacts(base()), reference: imageFacts(reference()), threshold: parseSizeThreshold('1MB'), notes: [] });
    expect(out).toEqual(JSON.parse(JSON.stringify(same)));
    expect(out.delta.bytes).toBe(api().sizeBytes! - imageFacts(reference())!.size);
    // api's layers above the base weigh more than 1 MB; the reference's, a few kB.
    expect(out.warning).toMatch(/^api: the image grew by .* against 127\.0\.0\.1:\d+\/qualisys\/api:latest, over the 1MB threshold$/);
  });

  test('--format github: the table in the job summary, a ::warning:: annotation on stdout', () => {
    const summary = path.join(work, 'summary.md');
    const r = script(['--image', api().refs[0], '--base', base(), '--reference', reference(), '--threshold', '1MB', '--format', 'github'], { GITHUB_STEP_SUMMARY: summary });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^::warning title=Image size%3A api::api: the image grew by /);
    const md = readFileSync(summary, 'utf8');
    expect(md).toContain('### Image size: api');
    expect(md).toContain(`| \`${reference()}\` |`);
  });

  test('no reference in the registry yet: the table says so, exit 0', () => {
    const r = script(['--image', api().refs[0], '--base', base(), '--reference', `${registry.host}/qualisys/api:nothing-here`, '--format', 'json']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).noReference).toBe(`no ${registry.host}/qualisys/api:nothing-here in the registry`);
  });

  test('build:docker finds the same reference locally, as <registry>/<image>:latest', () => {
    expect(findReference('qualisys/api', registry.host).facts?.id).toBe(referenceId);
  });
});

/** A docker-registry on 127.0.0.1 that wants a login (htpasswd), for the refusal test. */
async function startAuthRegistry(parent: string): Promise<{ host: string; stop: () => Promise<void> }> {
  const dir = mkdtempSync(path.join(parent, 'auth-registry-'));
  const host = `127.0.0.1:${await freePort()}`;
  // bcrypt of "pw" (the registry reads bcrypt only); no test logs in.
  writeFileSync(path.join(dir, 'htpasswd'), 'tester:$2b$12$l..rUB9/u87K0ZlLLWdwsOdwBabvDLFvhDBL3qvNjKxPsW6Y6LnHW\n');
  writeFileSync(path.join(dir, 'config.yml'), [
    'version: 0.1', 'log:', '  level: error', '  accesslog:', '    disabled: true',
    'storage:', '  filesystem:', `    rootdirectory: ${JSON.stringify(path.join(dir, 'storage'))}`,
    'auth:', '  htpasswd:', '    realm: qualisys-test', `    path: ${JSON.stringify(path.join(dir, 'htpasswd'))}`,
    'http:', `  addr: ${host}`, '',
  ].join('\n'));
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('REGISTRY_')));
  const child: ChildProcess = spawn('docker-registry', ['serve', path.join(dir, 'config.yml')], { env, stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
  };
  for (const t0 = Date.now(); ;) {
    try {
      if ((await fetch(`http://${host}/v2/`)).status === 401) break;
    } catch { /* not listening yet */ }
    if (Date.now() - t0 > 15_000) {
      await stop();
      throw new Error(`the registry with authentication did not answer on ${host}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { host, stop };
}
