/**
 * push:docker's registry client against a hostile fake registry on 127.0.0.1 (written here, no
 * Docker): token realms on another port or host, huge manifests, huge indexes, redirects. Docker's
 * credentials for the registry must never reach a place other than the registry itself; memory and
 * requests stay bounded; every refusal says what and why.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { RegistryRefusedError } from '../../src/engine/push-errors';
import { RegistryClient, remoteTag } from '../../src/engine/registry-client';
import { isLoopback, MAX_INDEX_CHILDREN, MAX_MANIFEST_BYTES, realmPolicy } from '../../src/lib/registry-push';

const SECRET = 's3cret-password';
const BASIC = `Basic ${Buffer.from(`ci-user:${SECRET}`).toString('base64')}`;
const CONFIG = { config: { digest: `sha256:${'c'.repeat(64)}` }, layers: [] };
const digestOf = (i: number) => `sha256:${i.toString(16).padStart(64, '0')}`;

/** A request a fake server received. */
interface Seen { readonly url: string; readonly authorization?: string }

/** An HTTP server on 127.0.0.1 that records every request and answers with `handler`. */
class FakeServer {
  public readonly seen: Seen[] = [];
  public port = 0;
  private server?: Server;
  constructor(public handler: (req: IncomingMessage, res: ServerResponse, self: FakeServer) => void) {}
  get host(): string { return `127.0.0.1:${this.port}`; }
  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.seen.push({ url: req.url ?? '', authorization: req.headers.authorization });
      this.handler(req, res, this);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }
  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

let dir: string;
let servers: FakeServer[] = [];
const start = async (handler: ConstructorParameters<typeof FakeServer>[0]) => {
  const s = await new FakeServer(handler).start();
  servers.push(s);
  return s;
};
/** Docker's config.json with credentials for `host` only (docker login host). */
const loginTo = (host: string): NodeJS.ProcessEnv => {
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ auths: { [host]: { auth: Buffer.from(`ci-user:${SECRET}`).toString('base64') } } }));
  return { DOCKER_CONFIG: dir };
};
/** Every Authorization header a server saw that holds the registry's credentials. */
const leaked = (s: FakeServer) => s.seen.filter((r) => r.authorization === BASIC || (r.authorization ?? '').includes(SECRET));

beforeEach(() => { dir = mkdtempSync(path.join(tmpdir(), 'registry-client-')); });
afterEach(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  servers = [];
  rmSync(dir, { recursive: true, force: true });
});

/** A registry that asks for a bearer token from `realm()` and serves one image to that token. */
async function bearerRegistry(realm: (self: FakeServer) => string, token = 'the-token'): Promise<FakeServer> {
  return start((req, res, self) => {
    if (req.headers.authorization === `Bearer ${token}`) return json(res, 200, CONFIG, { 'docker-content-digest': digestOf(1) });
    json(res, 401, { errors: [{ code: 'UNAUTHORIZED' }] }, { 'www-authenticate': `Bearer realm="${realm(self)}",service="fake"` });
  });
}
const tokenServer = (token = 'the-token', requireCredentials = false) => start((req, res) => {
  if (requireCredentials && req.headers.authorization !== BASIC) return json(res, 401, { errors: [] });
  json(res, 200, { token });
});

describe('credentials go to the registry\'s own host only', () => {
  test('a realm over plain HTTP on another port of this machine gets no credentials', async () => {
    const tokens = await tokenServer();
    const registry = await bearerRegistry(() => `http://127.0.0.1:${tokens.port}/token`);
    const client = new RegistryClient(registry.host, 'qualisys/api', { env: loginTo(registry.host) });
    expect((await client.manifest('latest'))?.digest).toBe(digestOf(1));
    expect(tokens.seen).toHaveLength(1);
    expect(tokens.seen[0].authorization).toBeUndefined();
    expect([...leaked(tokens), ...leaked(registry)]).toEqual([]);
  });

  test('when that realm wants the credentials, the error says they were withheld and why', async () => {
    const tokens = await tokenServer('t', true);
    const registry = await bearerRegistry(() => `http://127.0.0.1:${tokens.port}/token`);
    const client = new RegistryClient(registry.host, 'qualisys/api', { env: loginTo(registry.host) });
    const err = await client.manifest('latest').catch((e: Error) => e);
    expect(err).toBeInstanceOf(RegistryRefusedError);
    expect((err as Error).message).toContain(`the token realm http://127.0.0.1:${tokens.port}/token answered 401`);
    expect((err as Error).message).toContain(`Docker's credentials for ${registry.host} were not sent there: the realm is plain HTTP on another port (127.0.0.1:${tokens.port}) than the registry (${registry.host})`);
    expect(leaked(tokens)).toEqual([]);
  });

  test('a realm on another host name of this machine (localhost for 127.0.0.1) gets no credentials', async () => {
    const tokens = await tokenServer();
    const registry = await bearerRegistry(() => `http://localhost:${tokens.port}/token`);
    const client = new RegistryClient(registry.host, 'qualisys/api', { env: loginTo(registry.host) });
    await client.manifest('latest').catch(() => undefined); // localhost may resolve to ::1 first, where nothing listens
    expect(leaked(tokens)).toEqual([]);
  });

  test.each([
    ['plain HTTP off this machine', 'http://auth.example.invalid/token', 'it is plain HTTP to auth.example.invalid, off this machine: only a realm on this machine (127.0.0.0/8, ::1, localhost) may be plain HTTP'],
    ['another scheme', 'file:///etc/passwd', 'its scheme file: is neither https: nor http:'],
    ['credentials in the URL', 'https://u:p@auth.example.invalid/token', 'it carries credentials in its URL'],
    ['not a URL', '/token', 'it is not a URL'],
  ])('a realm with %s is refused, naming the realm and why, before any request', async (_, realm, why) => {
    const registry = await bearerRegistry(() => realm);
    const client = new RegistryClient(registry.host, 'qualisys/api', { env: loginTo(registry.host) });
    await expect(client.manifest('latest')).rejects.toThrow(`${registry.host} asked for a token from the realm ${JSON.stringify(realm)}, refused: ${why}. Nothing was sent there.`);
    expect(registry.seen).toHaveLength(1);
  });

  test('a realm over HTTPS on another host is asked anonymously (here it cannot be reached: the error says so)', async () => {
    const registry = await bearerRegistry(() => 'https://auth.example.invalid/token');
    const client = new RegistryClient(registry.host, 'qualisys/api', { env: loginTo(registry.host) });
    const err = (await client.manifest('latest').catch((e: Error) => e)) as Error;
    expect(err.message).toContain('the token realm https://auth.example.invalid/token cannot be reached');
    expect(err.message).toContain('were not sent there: the realm is on another host (auth.example.invalid)');
  });

  test('the registry\'s own realm (same host and port) and a basic challenge get them', async () => {
    const registry = await bearerRegistry((self) => `http://${self.host}/token`);
    registry.handler = ((inner) => (req, res, self) => (req.url!.startsWith('/token') ? json(res, 200, { token: 'the-token' }) : inner(req, res, self)))(registry.handler);
    const client = new RegistryClient(registry.host, 'qualisys/api', { env: loginTo(registry.host) });
    expect((await client.manifest('latest'))?.digest).toBe(digestOf(1));
    expect(registry.seen.find((r) => r.url.startsWith('/token'))?.authorization).toBe(BASIC);

    const basic = await start((req, res) => (req.headers.authorization === BASIC ? json(res, 200, CONFIG) : json(res, 401, {}, { 'www-authenticate': 'Basic realm="fake"' })));
    expect(await new RegistryClient(basic.host, 'qualisys/api', { env: loginTo(basic.host) }).manifest('latest')).toBeDefined();
  });

  test('a redirect never carries the credentials elsewhere', async () => {
    const elsewhere = await start((_req, res) => json(res, 200, CONFIG));
    const registry = await start((req, res) => {
      if (req.headers.authorization !== BASIC) return json(res, 401, {}, { 'www-authenticate': 'Basic realm="fake"' });
      res.writeHead(302, { location: `http://${elsewhere.host}/v2/qualisys/api/manifests/latest` });
      res.end();
    });
    const client = new RegistryClient(registry.host, 'qualisys/api', { env: loginTo(registry.host) });
    await expect(client.manifest('latest')).rejects.toThrow(RegistryRefusedError);
    expect(leaked(elsewhere)).toEqual([]);
  });

  test('the rule, as a table: HTTPS to the same host name (any port); plain HTTP only on this machine, same host and port', () => {
    const decide = (realm: string, host: string) => {
      const d = realmPolicy(realm, host);
      return d.allowed ? (d.sendCredentials ? 'credentials' : 'anonymous') : 'refused';
    };
    expect([
      decide('https://ghcr.io/token', 'ghcr.io'),
      decide('https://ghcr.io:8443/token', 'ghcr.io'),
      // Docker Hub's token service is the registry's own (docker login's credentials go there); for another registry it is not.
      decide('https://auth.docker.io/token', 'registry-1.docker.io'),
      decide('https://auth.docker.io/token', 'ghcr.io'),
      decide('http://ghcr.io/token', 'ghcr.io'),
      decide('http://127.0.0.1:5000/token', '127.0.0.1:5000'),
      decide('http://127.0.0.1:5001/token', '127.0.0.1:5000'),
      decide('http://localhost:5000/token', '127.0.0.1:5000'),
      decide('http://10.0.0.1/token', '127.0.0.1:5000'),
      decide('http://[::1]:5000/token', '[::1]:5000'),
      decide('https://127.0.0.1:5001/token', '127.0.0.1:5000'),
    ]).toEqual(['credentials', 'credentials', 'credentials', 'anonymous', 'refused', 'credentials', 'anonymous', 'anonymous', 'refused', 'credentials', 'credentials']);
    expect([isLoopback('[::1]:5000'), isLoopback('[::1]'), isLoopback('localhost:5000'), isLoopback('127.0.0.1.example.com')]).toEqual([true, true, true, false]);
  });
});

describe('a hostile registry cannot exhaust memory or requests', () => {
  /** Streams `total` bytes of a JSON-looking manifest (declared or not), counting what it could write. */
  const hugeManifest = (total: number, declare: boolean) => {
    const sent = { bytes: 0 };
    const server = start((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', ...(declare ? { 'content-length': String(total) } : {}) });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (sent.bytes < total && !res.destroyed) {
          sent.bytes += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => { sent.bytes = Math.min(sent.bytes, total); });
      pump();
    });
    return { server, sent };
  };

  test.each([[false], [true]])('a 300 MB manifest is refused after at most 4 MiB read (length declared: %s)', async (declare) => {
    const { server, sent } = hugeManifest(300 * 1024 * 1024, declare);
    const registry = await server;
    const client = new RegistryClient(registry.host, 'qualisys/api', {});
    const before = process.memoryUsage().rss;
    await expect(client.manifest('latest')).rejects.toThrow(`${registry.host} sent a manifest larger than ${MAX_MANIFEST_BYTES} bytes for a lookup of ${registry.host}/qualisys/api:latest: not read`);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
    expect(sent.bytes).toBeLessThan(32 * 1024 * 1024); // what the sockets buffered before the client hung up, not 300 MB
  });

  test('a manifest of exactly 4 MiB is read', async () => {
    const body = JSON.stringify({ ...CONFIG, annotations: { pad: '' } });
    const padded = body.replace('"pad":""', `"pad":"${'x'.repeat(MAX_MANIFEST_BYTES - body.length)}"`);
    expect(Buffer.byteLength(padded)).toBe(MAX_MANIFEST_BYTES);
    const registry = await start((_req, res) => { res.writeHead(200); res.end(padded); });
    expect(await new RegistryClient(registry.host, 'qualisys/api', {}).manifest('latest')).toBeDefined();
  });

  const index = (children: number) => start((req, res) => {
    if (req.url!.endsWith('/manifests/latest')) {
      return json(res, 200, { manifests: Array.from({ length: children }, (_, i) => ({ digest: digestOf(i + 1), platform: { os: 'linux', architecture: `a${i}` } })) });
    }
    json(res, 200, CONFIG);
  });

  test('an index of 3,000 images is refused after one request', async () => {
    const registry = await index(3000);
    const client = new RegistryClient(registry.host, 'qualisys/api', {});
    await expect(remoteTag(client, 'latest', CONFIG.config.digest)).rejects.toThrow('The registry holds an index of 3000 images under the tag latest (sha256:');
    expect(registry.seen).toHaveLength(1);
  });

  test(`an index of ${MAX_INDEX_CHILDREN} images is read, one request each`, async () => {
    const registry = await index(MAX_INDEX_CHILDREN);
    const client = new RegistryClient(registry.host, 'qualisys/api', {});
    expect(await remoteTag(client, 'latest', CONFIG.config.digest)).toEqual({ state: 'same', digest: expect.stringMatching(/^sha256:/) });
    expect(registry.seen).toHaveLength(MAX_INDEX_CHILDREN + 1);
  });

  test('an index listing something that is no digest, and a manifest that is no JSON, are clear errors', async () => {
    const bad = await start((_req, res) => json(res, 200, { manifests: [{ digest: '../../../token?x=1', platform: { os: 'linux' } }] }));
    await expect(remoteTag(new RegistryClient(bad.host, 'qualisys/api', {}), 'latest', 'x')).rejects.toThrow('lists "../../../token?x=1", which is not a digest');
    expect(bad.seen).toHaveLength(1);
    const text = await start((_req, res) => { res.writeHead(200); res.end('<html>hello</html>'); });
    await expect(new RegistryClient(text.host, 'qualisys/api', {}).manifest('latest')).rejects.toThrow(`${text.host} sent a manifest that is not JSON`);
  });
});

describe('Docker Hub, asked as docker asks it', () => {
  /** Docker Hub's two hosts, stood in for by a fetch that answers as they do and records every request. */
  const dockerHub = (seen: Seen[]) => jest.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const url = new URL(String(input));
    const authorization = new Headers(init?.headers).get('authorization') ?? undefined;
    seen.push({ url: url.href, authorization });
    if (url.host === 'auth.docker.io' && url.pathname === '/token') {
      return authorization === BASIC ? new Response(JSON.stringify({ token: 'hub-token' })) : new Response('{}', { status: 401 });
    }
    if (url.host === 'registry-1.docker.io' && url.pathname.startsWith('/v2/')) {
      if (authorization === 'Bearer hub-token') return new Response(JSON.stringify(CONFIG), { headers: { 'docker-content-digest': digestOf(7) } });
      const scope = `repository:${url.pathname.replace(/^\/v2\/(.*)\/manifests\/.*$/, '$1')}:pull`;
      return new Response('{}', { status: 401, headers: { 'www-authenticate': `Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="${scope}"` } });
    }
    throw new TypeError(`fetch failed: getaddrinfo ENOTFOUND ${url.hostname}`);
  });
  afterEach(() => jest.restoreAllMocks());

  test.each(['docker.io', 'index.docker.io'])('%s/acme/api: registry-1.docker.io, the credentials of https://index.docker.io/v1/, a token from auth.docker.io', async (host) => {
    const seen: Seen[] = [];
    dockerHub(seen);
    const env = loginTo('https://index.docker.io/v1/');
    expect(await new RegistryClient(host, 'acme/api', { env }).manifest('latest')).toEqual({ digest: digestOf(7), body: CONFIG });
    expect(seen).toEqual([
      { url: 'https://registry-1.docker.io/v2/acme/api/manifests/latest', authorization: undefined },
      { url: 'https://auth.docker.io/token?service=registry.docker.io&scope=repository%3Aacme%2Fapi%3Apull', authorization: BASIC },
      { url: 'https://registry-1.docker.io/v2/acme/api/manifests/latest', authorization: 'Bearer hub-token' },
    ]);
  });

  test('a single name is an official image: library/NAME', async () => {
    const seen: Seen[] = [];
    dockerHub(seen);
    await new RegistryClient('docker.io', 'api', { env: loginTo('https://index.docker.io/v1/') }).manifest('latest');
    expect(seen.map((s) => s.url)).toEqual([
      'https://registry-1.docker.io/v2/library/api/manifests/latest',
      'https://auth.docker.io/token?service=registry.docker.io&scope=repository%3Alibrary%2Fapi%3Apull',
      'https://registry-1.docker.io/v2/library/api/manifests/latest',
    ]);
  });

  test('another registry\'s credentials never go to auth.docker.io', async () => {
    const seen: Seen[] = [];
    dockerHub(seen);
    const err = await new RegistryClient('docker.io', 'acme/api', { env: loginTo('docker.io') }).manifest('latest').catch((e: Error) => e);
    expect(err).toBeInstanceOf(RegistryRefusedError);
    expect((err as Error).message).toContain('docker.io refused a lookup of docker.io/acme/api:latest: not authorized.');
    expect(seen.filter((s) => s.authorization === BASIC)).toEqual([]);
  });
});
