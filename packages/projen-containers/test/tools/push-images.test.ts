/**
 * push:docker without a registry or an engine: its arguments, the registry it chooses, what a
 * refusal means, the build report it reads, the checks before anything leaves (stale image IDs,
 * tags that never move), and the DockerImages options behind it. The pushes themselves, signatures
 * and SBOMs are tested against a real registry in test/images/registry.test.ts.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Project } from 'projen';
import { DockerImages } from '../../src/docker/docker-images';
import { pushAndSignFacts, pushAndSignSection, pushTroubleshootingRows } from '../../src/docs/registry-section';
import { registryText } from '../../src/image-tags/docker-reference';
import { BuildReport, BuiltImage, mergeBuildReport, NoBuildReportError, readBuildReport, tagOf } from '../../src/lib/build-report';
import {
  chooseRegistry, classifyRefusal, isLoopback, MANIFEST_ACCEPT, manifestParts, parseChallenge, parsePushArgs, parseRegistry, pushedDigest,
  referenceCandidates, refusalMessage, shippingFields, targetRepository,
} from '../../src/lib/registry-push';
import { lockedVersions, missingFromSbom, npmPackages, sbomImageId } from '../../src/lib/sbom';
import { reportEntry, writeBuildReport } from '../../src/tools/build-images';
import { conflicts, dockerCredentials, staleImages } from '../../src/tools/push-images';
import { ConfigError } from '../../src/validate';
import { addDefaultServices, monorepo, runTsTool, synth, tempOutdir } from '../fixtures';

const ID = `sha256:${'1'.repeat(64)}`;
const OTHER = `sha256:${'2'.repeat(64)}`;
const built = (over: Partial<BuiltImage> = {}): BuiltImage => ({
  service: 'api',
  image: 'qualisys/api',
  ok: true,
  id: ID,
  refs: ['qualisys/api:abc1234', 'qualisys/api:main-20260123-143022', 'qualisys/api:latest', 'qualisys/api:dev'],
  tags: ['abc1234', 'main-20260123-143022', 'latest'],
  moving: ['latest'],
  baseImage: 'node:24',
  seconds: 10,
  ...over,
});

describe('push:docker arguments and registry', () => {
  test('options with a value, inline or not, the separator projen passes, and services', () => {
    expect(parsePushArgs(['--', '--registry', '127.0.0.1:5000', '--sign-key=cosign.key', 'api', 'web'])).toEqual({ registry: '127.0.0.1:5000', signKey: 'cosign.key', services: ['api', 'web'] });
    expect(parsePushArgs(['--report', '/tmp/b.json'])).toEqual({ report: '/tmp/b.json', services: [] });
    expect(() => parsePushArgs(['--registry'])).toThrow('--registry needs a value: usage: npx projen push:docker -- [--registry HOST[/NAMESPACE]]');
    expect(() => parsePushArgs(['--sign-key', '--registry', 'x'])).toThrow('--sign-key needs a value');
    expect(() => parsePushArgs(['--force'])).toThrow('Unknown option --force');
  });

  test('a registry is a host (with a dot, a port, or localhost) and an optional namespace', () => {
    expect(parseRegistry('127.0.0.1:5000')).toEqual({ host: '127.0.0.1:5000' });
    expect(parseRegistry('ghcr.io/acme')).toEqual({ host: 'ghcr.io', namespace: 'acme' });
    expect(parseRegistry('localhost:5000/team/sub/')).toEqual({ host: 'localhost:5000', namespace: 'team/sub' });
    expect(parseRegistry('123456789012.dkr.ecr.eu-west-1.amazonaws.com')).toEqual({ host: '123456789012.dkr.ecr.eu-west-1.amazonaws.com' });
    for (const bad of ['acme', 'https://ghcr.io', 'ghcr.io/Acme', 'ghcr.io:99999', 'host:5000:1', 'ghcr.io/a b', '', 'ghcr.io/x:tag', '-x.io']) {
      expect([bad, parseRegistry(bad)]).toEqual([bad, undefined]);
    }
    const r = parseRegistry('ghcr.io/acme')!;
    expect([registryText(r), targetRepository(r, 'qualisys/api')]).toEqual(['ghcr.io/acme', 'ghcr.io/acme/qualisys/api']);
    expect([isLoopback('127.0.0.1:5000'), isLoopback('localhost'), isLoopback('127.10.0.3:80'), isLoopback('ghcr.io'), isLoopback('10.0.0.1:5000')]).toEqual([true, true, true, false, false]);
  });

  test('--registry ghcr.io/acme pushes acme/orders to ghcr.io/acme/orders: a namespace the image name starts with is not repeated', () => {
    const r = parseRegistry('ghcr.io/acme')!;
    expect(targetRepository(r, 'acme/orders')).toBe('ghcr.io/acme/orders');
    expect(targetRepository(r, 'orders')).toBe('ghcr.io/acme/orders');
    // Only a whole leading path component is the namespace.
    expect(targetRepository(r, 'acmeco/orders')).toBe('ghcr.io/acme/acmeco/orders');
    expect(targetRepository(parseRegistry('harbor.example.com/team/app')!, 'team/app/api')).toBe('harbor.example.com/team/app/api');
    // The size comparison's reference follows the same rule.
    expect(referenceCandidates('acme/orders', r)).toEqual(['ghcr.io/acme/orders:latest', 'acme/orders:latest']);
  });

  test('--registry, then IMAGE_REGISTRY, then .projenrc.ts', () => {
    expect(chooseRegistry('a.io', { IMAGE_REGISTRY: 'b.io' }, 'c.io')).toEqual({ value: 'a.io', from: '--registry' });
    expect(chooseRegistry(undefined, { IMAGE_REGISTRY: 'b.io' }, 'c.io')).toEqual({ value: 'b.io', from: 'IMAGE_REGISTRY' });
    expect(chooseRegistry(undefined, { IMAGE_REGISTRY: '' }, 'c.io')?.value).toBe('c.io');
    expect(chooseRegistry(undefined, {}, undefined)).toBeUndefined();
    expect(referenceCandidates('qualisys/api', parseRegistry('127.0.0.1:5000'))).toEqual(['127.0.0.1:5000/qualisys/api:latest', 'qualisys/api:latest']);
  });
});

describe('what a refusal means', () => {
  // Messages as docker, ECR, GHCR and the distribution registry print them.
  test.each([
    ['no basic auth credentials', 'auth'],
    ['unauthorized: authentication required', 'auth'],
    ['denied: requested access to the resource is denied', 'auth'],
    ['unknown: unexpected status from HEAD request to https://ghcr.io/v2/acme/api/blobs/sha256:x: 403 Forbidden', 'auth'],
    ['Get "http://127.0.0.1:5999/v2/": dial tcp 127.0.0.1:5999: connect: connection refused', 'unreachable'],
    ['Get "https://registry.example/v2/": dial tcp: lookup registry.example on 10.0.0.1:53: no such host', 'unreachable'],
    ['Get "https://10.0.0.1:5000/v2/": http: server gave HTTP response to HTTPS client', 'unreachable'],
    ['tag invalid: The image tag \'abc1234\' already exists in the \'qualisys/api\' repository and cannot be overwritten because the repository is immutable.', 'immutable'],
    ['unknown: Failed to push: tag abc1234 is immutable', 'immutable'],
    ['fetch failed: connect ECONNREFUSED 127.0.0.1:5999', 'unreachable'],
    ['fetch failed: getaddrinfo ENOTFOUND registry.example', 'unreachable'],
    ['received unexpected HTTP status: 500 Internal Server Error', 'other'],
  ])('%s -> %s', (detail, kind) => {
    expect(classifyRefusal(detail)).toBe(kind);
  });

  test('each message says what happened, what the registry said and what to do', () => {
    expect(refusalMessage('auth', 'ghcr.io', 'the push of ghcr.io/a/api:x', 'line 1\nno basic auth credentials\n')).toBe([
      'ghcr.io refused the push of ghcr.io/a/api:x: not authorized.',
      '  the registry said: no basic auth credentials',
      'Log in first (`docker login ghcr.io`; on ECR `aws ecr get-login-password | docker login --username AWS --password-stdin ghcr.io`), with a user that may push to this repository.',
    ].join('\n'));
    expect(refusalMessage('unreachable', '127.0.0.1:5999', 'x', 'connection refused')).toContain('Check the host and port (--registry, IMAGE_REGISTRY or the registry option of DockerImages in .projenrc.ts)');
    expect(refusalMessage('immutable', 'r.io', 'x', 'tag invalid')).toContain('the tag is immutable and already on another image');
  });

  test('the digest docker push prints last', () => {
    const out = ['The push refers to repository [127.0.0.1:5000/qualisys/api]', '5f70bf18a086: Layer already exists',
      `abc1234: digest: sha256:${'a'.repeat(64)} size: 1570`].join('\n');
    expect(pushedDigest(out)).toBe(`sha256:${'a'.repeat(64)}`);
    expect(pushedDigest('denied')).toBeUndefined();
  });
});

describe('registry lookups', () => {
  test('a challenge\'s scheme and parameters', () => {
    expect(parseChallenge('Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull"')).toEqual({
      scheme: 'bearer', params: { realm: 'https://auth.example/token', service: 'registry.example', scope: 'repository:a/b:pull' },
    });
    expect(parseChallenge('Basic realm="qualisys-test"')).toEqual({ scheme: 'basic', params: { realm: 'qualisys-test' } });
    expect(parseChallenge(null)).toBeUndefined();
  });

  test('an image\'s config, an index\'s images (attestations left out); every manifest type accepted', () => {
    expect(manifestParts({ config: { digest: 'sha256:c' }, layers: [] })).toEqual({ config: 'sha256:c', children: [] });
    expect(manifestParts({ manifests: [{ digest: 'sha256:i', platform: { os: 'linux' } }, { digest: 'sha256:att', platform: { os: 'unknown' } }] })).toEqual({ children: ['sha256:i'] });
    expect(MANIFEST_ACCEPT.split(', ')).toEqual(expect.arrayContaining(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.v2+json']));
  });

  test('Docker\'s credentials: config.json auths, or a credential helper', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'docker-config-'));
    try {
      writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ auths: { 'ghcr.io': { auth: Buffer.from('me:p:w').toString('base64') } } }));
      expect(dockerCredentials('ghcr.io', { DOCKER_CONFIG: dir })).toEqual({ username: 'me', password: 'p:w' });
      expect(dockerCredentials('other.io', { DOCKER_CONFIG: dir })).toBeUndefined();
      expect(dockerCredentials('ghcr.io', { DOCKER_CONFIG: path.join(dir, 'none') })).toBeUndefined();
      // A credential helper (docker-credential-NAME get, the host on stdin) comes first.
      mkdirSync(path.join(dir, 'bin'));
      writeFileSync(path.join(dir, 'bin', 'docker-credential-qualisys-test'), '#!/bin/sh\nread host\nprintf \'{"ServerURL":"%s","Username":"helper","Secret":"s3cret"}\' "$host"\n', { mode: 0o755 });
      writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ credHelpers: { 'r.io': 'qualisys-test' }, auths: { 'r.io': { auth: Buffer.from('old:pw').toString('base64') } } }));
      expect(dockerCredentials('r.io', { DOCKER_CONFIG: dir, PATH: `${path.join(dir, 'bin')}:${process.env.PATH}` })).toEqual({ username: 'helper', password: 's3cret' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the build report', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'build-report-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('a missing or foreign report says to build first', () => {
    expect(() => readBuildReport(path.join(dir, 'none.json'))).toThrow(NoBuildReportError);
    expect(() => readBuildReport(path.join(dir, 'none.json'))).toThrow(`No build report at ${path.join(dir, 'none.json')} (no such file): run npx projen build:docker first`);
    writeFileSync(path.join(dir, 'old.json'), JSON.stringify([{ service: 'api' }]));
    expect(() => readBuildReport(path.join(dir, 'old.json'))).toThrow('not a report of this version of build:docker');
  });

  test('a build of some services keeps the others\' entries', () => {
    const file = path.join(dir, 'sub', 'build.json');
    const first: BuildReport = { schema: 1, createdAt: 't1', images: [built(), built({ service: 'web', image: 'qualisys/web' })] };
    writeBuildReport(file, first);
    const second = writeBuildReport(file, { schema: 1, createdAt: 't2', images: [built({ id: OTHER })] });
    expect(second.images.map((i) => [i.service, i.id])).toEqual([['web', ID], ['api', OTHER]]);
    expect(readBuildReport(file)).toEqual(second);
    expect(mergeBuildReport(undefined, first)).toEqual(first);
  });

  test('the tags to push are the tag script\'s, never the local :dev alias; moving tags come from the script', () => {
    const result = { service: 'api', image: 'qualisys/api', refs: ['127.0.0.1:5000/qualisys/api:abc1234', '127.0.0.1:5000/qualisys/api:latest', 'qualisys/api:dev'], ok: true, id: ID, seconds: 3, baseOverridden: false, budgetBytes: 1, withinBudget: true };
    const entry = { image: 'qualisys/api' } as never;
    const e = reportEntry(result, entry, { refs: result.refs.slice(0, 2), version: 'v', labels: {}, moving: ['latest', 'staging-20260123'] }, { baseImage: 'node:24' });
    expect([e.tags, e.moving, e.refs]).toEqual([['abc1234', 'latest'], ['latest'], result.refs]);
    expect([tagOf('127.0.0.1:5000/a/b:t'), tagOf('a/b'), tagOf('127.0.0.1:5000/a/b'), tagOf('a/b:t@sha256:x')]).toEqual(['t', undefined, undefined, 't']);
  });
});

describe('before anything leaves', () => {
  test('every tag must still name the image the build recorded', () => {
    const ids: Record<string, string> = { [ID]: ID, 'qualisys/api:abc1234': ID, 'qualisys/api:main-20260123-143022': ID, 'qualisys/api:latest': OTHER };
    expect(staleImages([built()], (r) => ids[r])).toEqual([
      `api: qualisys/api:latest is now image ${OTHER}, not image ${ID} that build:docker built and the tests saw (a later build or a \`docker tag\` moved it).`,
      `api: qualisys/api:dev is gone, not image ${ID} that build:docker built and the tests saw (a later build or a \`docker tag\` moved it).`,
    ]);
    expect(staleImages([built()], () => undefined)).toEqual([`api: image ${ID} that build:docker built is no longer in the engine (removed or pruned).`]);
    expect(staleImages([built({ ok: false, id: undefined })], () => ID)).toEqual(['api did not build in the last build:docker: nothing to push.']);
    expect(staleImages([built()], () => ID)).toEqual([]);
  });

  test('a tag on another image is refused unless it moves (latest, staging-*, pr-*)', () => {
    const remote = { 'abc1234': { state: 'other', digest: 'sha256:d1' }, 'latest': { state: 'other', digest: 'sha256:d2' }, 'main-20260123-143022': { state: 'same', digest: 'sha256:d3' } } as const;
    expect(conflicts(built(), 'r.io/qualisys/api', (t) => remote[t as keyof typeof remote] ?? { state: 'absent' })).toEqual({
      moved: ['r.io/qualisys/api:latest (now sha256:d2)'],
      refused: ['r.io/qualisys/api:abc1234 (now sha256:d1)'],
    });
  });
});

describe('SBOM contents', () => {
  const bom = {
    metadata: { component: { properties: [{ name: 'aquasecurity:trivy:ImageID', value: ID }] } },
    components: [
      { name: 'fastify', version: '5.2.0', purl: 'pkg:npm/fastify@5.2.0' },
      { name: 'test', group: '@playwright', version: '1.65.1', purl: 'pkg:npm/%40playwright/test@1.65.1' },
      { name: 'musl', version: '1.2.5', purl: 'pkg:apk/alpine/musl@1.2.5?arch=x86_64' },
    ],
  };
  test('the image it describes, and the npm packages with their versions', () => {
    expect(sbomImageId(bom)).toBe(ID);
    expect([...npmPackages(bom).entries()].map(([n, v]) => [n, [...v]])).toEqual([['fastify', ['5.2.0']], ['@playwright/test', ['1.65.1']]]);
    const lock = { packages: { '': {}, 'node_modules/fastify': { version: '5.2.0' }, 'node_modules/@playwright/test': { version: '1.65.1' }, 'node_modules/close-with-grace': { version: '2.2.0' } } };
    expect(lockedVersions(lock, ['fastify', '@playwright/test', 'close-with-grace', 'absent'])).toEqual({ 'fastify': '5.2.0', '@playwright/test': '1.65.1', 'close-with-grace': '2.2.0' });
    expect(missingFromSbom(bom, lockedVersions(lock, ['fastify', '@playwright/test', 'close-with-grace']))).toEqual(['close-with-grace@2.2.0']);
  });
});

describe('the push:docker tool, where it stops before needing an engine', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'push-tool-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('no build report: exit 2, "run npx projen build:docker first"', () => {
    const r = runTsTool('packages/projen-containers/src/tools/push-images.ts', ['--', '--report', path.join(dir, 'build.json'), '--registry', '127.0.0.1:5999'], { DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`push:docker: No build report at ${path.join(dir, 'build.json')} (no such file): run npx projen build:docker first`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test('a registry that is none, a service the report lacks, an unknown option: exit 2', () => {
    const bad = runTsTool('packages/projen-containers/src/tools/push-images.ts', ['--registry', 'https://ghcr.io'], {});
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('push:docker: The registry "https://ghcr.io" (from --registry) is not a registry host');
    const env = runTsTool('packages/projen-containers/src/tools/push-images.ts', [], { IMAGE_REGISTRY: 'not a registry' });
    expect(env.stderr).toContain('(from IMAGE_REGISTRY)');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'build.json'), JSON.stringify({ schema: 1, createdAt: 't', images: [built()] }));
    const unknown = runTsTool('packages/projen-containers/src/tools/push-images.ts', ['--report', path.join(dir, 'build.json'), 'web'], {});
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('web is not in the build report');
    expect(unknown.stderr).toContain('run npx projen build:docker web first');
    expect(runTsTool('packages/projen-containers/src/tools/push-images.ts', ['--force'], {}).status).toBe(2);
  });

  test('without an engine: exit 3 with what to do', () => {
    const r = runTsTool('packages/projen-containers/src/tools/push-images.ts', ['--report', path.join(dir, 'build.json')], { DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('push:docker: No Docker engine is reachable at DOCKER_HOST=unix:///nonexistent/docker.sock.');
  });
});

describe('DockerImages: registry, size threshold, push task, size script', () => {
  test('the options reach the manifest the tools read; push:docker and image-size are tasks; build/docker/ is ignored', () => {
    const m = monorepo();
    addDefaultServices(m);
    const files = synth(m.root);
    const manifest = files['.projen/docker-images.json'];
    expect(shippingFields(manifest)).toEqual({ sizeDeltaWarning: '10%', sizeScript: 'scripts/image-size.mjs' });
    expect(files['.projen/tasks.json'].tasks['push:docker'].steps).toEqual([{ exec: 'projen-containers-push-images', receiveArgs: true }]);
    expect(files['.gitignore']).toContain('/build/docker/');
    expect(files['.gitignore']).toContain('/cosign.key');
    expect(files['scripts/image-size.mjs']).toContain('main({"threshold":"10%"});');
    expect(m.images.shipping).toEqual({ sizeDeltaWarning: '10%', buildReport: 'build/docker/build.json', sizeScript: { path: 'scripts/image-size.mjs', command: 'node scripts/image-size.mjs' } });
  });

  test('a registry and a threshold are checked where they are given', () => {
    const make = (options: object) => () => new DockerImages(new Project({ name: 'root', outdir: tempOutdir() }), { namespace: 'qualisys', ...options });
    expect(make({ registry: 'https://ghcr.io' })).toThrow(ConfigError);
    expect(make({ registry: 'https://ghcr.io' })).toThrow('DockerImages: registry "https://ghcr.io" is not allowed: a registry host with an optional port and namespace');
    expect(make({ sizeDeltaWarning: '10' })).toThrow('DockerImages: sizeDeltaWarning "10" is not allowed: a size such as 10MB (decimal units) or a percentage of the reference image such as 5%, above zero.');
    expect(make({ sizeDeltaWarning: '0%' })).toThrow(ConfigError);
    const images = make({ registry: 'ghcr.io/acme/', sizeDeltaWarning: '5%' })();
    expect([images.registry, images.sizeDeltaWarning, images.sizeScript.path]).toEqual(['ghcr.io/acme', '5%', 'scripts/image-size.mjs']);
  });

  test('the repository\'s own configuration: a registry on this machine and a 10MB threshold', () => {
    const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', '..', '.projen', 'docker-images.json'), 'utf8'));
    expect(shippingFields(manifest)).toEqual({ registry: '127.0.0.1:5000', sizeDeltaWarning: '10MB', sizeScript: 'scripts/image-size.mjs' });
  });
});

describe('the build guide\'s push, sign and verify section (for projenrc/docs)', () => {
  const m = monorepo();
  addDefaultServices(m);
  const facts = pushAndSignFacts(m.images, 'v3.1.3');
  const md = pushAndSignSection({ ...facts, registry: '127.0.0.1:5000' }).join('\n');

  test('the exact commands: push, verify the signature and the SBOM by digest, read the SBOM', () => {
    expect(facts).toEqual({
      images: [{ service: 'api', image: 'qualisys/api' }, { service: 'web', image: 'qualisys/web' }, { service: 'playwright-runner', image: 'qualisys/playwright-runner' }],
      buildReport: 'build/docker/build.json',
      sizeScript: 'scripts/image-size.mjs',
      sizeDeltaWarning: '10%',
      cosignVersion: 'v3.1.3',
      movingTags: ['latest', 'staging-*', 'pr-*'],
    });
    expect(md).toContain('### Verify an image before you deploy it');
    expect(md).toContain('cosign verify --key cosign.pub --insecure-ignore-tlog=true 127.0.0.1:5000/qualisys/api@sha256:<digest>');
    expect(md).toContain('cosign verify-attestation --key cosign.pub --insecure-ignore-tlog=true --type cyclonedx 127.0.0.1:5000/qualisys/api@sha256:<digest>');
    expect(md).toContain('npx projen push:docker -- --sign-key cosign.key');
    expect(md).toContain('build/docker/<service>.cdx.json');
    expect(md).toContain('node scripts/image-size.mjs --image qualisys/api:pr-42 --base <base image> --reference 127.0.0.1:5000/qualisys/api:latest --format markdown');
    expect(pushTroubleshootingRows(facts).every((r) => r.length === 3)).toBe(true);
  });

  test('the moving tags follow the tag policy: no staging-* in a project without staging', () => {
    expect(md).toContain('`latest`, `staging-*` and `pr-*` move.');
    const noStaging = pushAndSignSection({ ...pushAndSignFacts(m.images, 'v3.1.3', { stagingBranch: false }), registry: '127.0.0.1:5000' }).join('\n');
    expect(noStaging).toContain('`latest` and `pr-*` move.');
    expect(noStaging).not.toMatch(/staging/i);
  });

  test('every task it names exists', () => {
    const tasks = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', '..', '.projen', 'tasks.json'), 'utf8')).tasks;
    for (const name of new Set([...md.matchAll(/npx projen ([\w:-]+)/g)].map((x) => x[1]))) expect([name, !!tasks[name]]).toEqual([name, true]);
  });
});
