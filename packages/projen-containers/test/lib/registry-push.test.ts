/**
 * The pure part of push:docker (src/lib/registry-push.ts): its arguments, the registry it chooses,
 * what a refusal means, registry lookups, and Docker Hub's hosts. The pushes themselves are tested
 * against a real registry in test/images/registry.test.ts.
 */
import { registryText } from '../../src/image-tags/docker-reference';
import {
  apiRepository, chooseRegistry, classifyRefusal, isLoopback, MANIFEST_ACCEPT, manifestParts, parseChallenge, parsePushArgs, parseRegistry,
  pushedDigest, realmPolicy, referenceCandidates, refusalMessage, registryEndpoint, targetRepository,
} from '../../src/lib/registry-push';

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
});

describe('Docker Hub, as docker names it', () => {
  test('docker.io and index.docker.io: the API at registry-1.docker.io, credentials under https://index.docker.io/v1/, tokens from auth.docker.io', () => {
    const hub = { apiHost: 'registry-1.docker.io', credentialsKey: 'https://index.docker.io/v1/', tokenHosts: ['auth.docker.io'] };
    expect(registryEndpoint('docker.io')).toEqual(hub);
    expect(registryEndpoint('index.docker.io')).toEqual(hub);
    expect(registryEndpoint('ghcr.io')).toEqual({ apiHost: 'ghcr.io', credentialsKey: 'ghcr.io', tokenHosts: [] });
    expect(registryEndpoint('127.0.0.1:5000')).toEqual({ apiHost: '127.0.0.1:5000', credentialsKey: '127.0.0.1:5000', tokenHosts: [] });
  });

  test('a single name on Docker Hub is an official image under library/, as docker pushes it', () => {
    expect(apiRepository('docker.io', 'api')).toBe('library/api');
    expect(apiRepository('docker.io', 'acme/api')).toBe('acme/api');
    expect(apiRepository('ghcr.io', 'api')).toBe('api');
    expect(targetRepository(parseRegistry('docker.io/acme')!, 'qualisys/api')).toBe('docker.io/acme/qualisys/api');
  });

  test('credentials go to auth.docker.io for Docker Hub only, over HTTPS on its own port', () => {
    expect(realmPolicy('https://auth.docker.io/token', 'registry-1.docker.io')).toMatchObject({ allowed: true, sendCredentials: true });
    expect(realmPolicy('https://auth.docker.io/token', 'ghcr.io')).toMatchObject({ allowed: true, sendCredentials: false });
    expect(realmPolicy('https://auth.docker.io:8443/token', 'registry-1.docker.io')).toMatchObject({ allowed: true, sendCredentials: false });
    expect(realmPolicy('http://auth.docker.io/token', 'registry-1.docker.io')).toMatchObject({ allowed: false });
  });
});
