/** update-base-images against a local fake registry speaking the registry HTTP API with token auth. */
import { once } from 'node:events';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseReference } from '../../src/engine/registry-digest';
import { updateBaseImages } from '../../src/engine/update-base-images';

const DIGEST_NODE = `sha256:${'1'.repeat(64)}`;
const DIGEST_PW = `sha256:${'2'.repeat(64)}`;

describe('update-base-images', () => {
  let server: Server;
  let url: string;
  const seen: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      if (req.url?.startsWith('/token')) { res.end(JSON.stringify({ token: 'T' })); return; }
      if (req.headers.authorization !== 'Bearer T') {
        res.writeHead(401, { 'www-authenticate': `Bearer realm="${url}/token",service="fake",scope="repository:x:pull"` }).end();
        return;
      }
      const digest = req.url === '/v2/library/node/manifests/24-alpine' ? DIGEST_NODE
        : req.url === '/v2/playwright/manifests/v1.65.1-noble' ? DIGEST_PW : undefined;
      if (!digest) { res.writeHead(404).end(); return; }
      res.writeHead(200, { 'docker-content-digest': digest }).end();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => server.close());

  function fixture(): string {
    const root = mkdtempSync(path.join(tmpdir(), 'pins-'));
    mkdirSync(path.join(root, '.projen'));
    cpSync(path.join(__dirname, '..', '..', '..', '..', '.projen', 'docker-images.json'), path.join(root, '.projen', 'docker-images.json'));
    writeFileSync(path.join(root, 'base-images.lock.json'), JSON.stringify({ 'node:24-alpine': { digest: `sha256:${'0'.repeat(64)}` } }));
    return root;
  }

  test('parses references as Docker does', () => {
    expect(parseReference('node:24-alpine')).toEqual({ registry: 'registry-1.docker.io', repository: 'library/node', tag: '24-alpine' });
    expect(parseReference(`mcr.microsoft.com/playwright:v1.65.1-noble@${DIGEST_PW}`)).toEqual({ registry: 'mcr.microsoft.com', repository: 'playwright', tag: 'v1.65.1-noble' });
    // Docker Hub by name, as docker normalizes it: the registry API's host, official images under library/.
    expect(parseReference('docker.io/library/node:24-alpine')).toEqual({ registry: 'registry-1.docker.io', repository: 'library/node', tag: '24-alpine' });
    expect(parseReference('index.docker.io/node:24-alpine')).toEqual({ registry: 'registry-1.docker.io', repository: 'library/node', tag: '24-alpine' });
    expect(parseReference('docker.io/acme/api:1')).toEqual({ registry: 'registry-1.docker.io', repository: 'acme/api', tag: '1' });
    expect(parseReference('localhost:5000/a/b:1')).toEqual({ registry: 'localhost:5000', repository: 'a/b', tag: '1' });
    expect(() => parseReference('node')).toThrow('node has no tag');
  });

  test('resolves every base image through the token flow and writes the lock file', async () => {
    const root = fixture();
    const { changed } = await updateBaseImages({ root, env: { BASE_IMAGES_REGISTRY_URL: url }, now: new Date('2026-11-27T00:00:00Z') });
    expect(changed).toHaveLength(2);
    const lock = JSON.parse(readFileSync(path.join(root, 'base-images.lock.json'), 'utf8'));
    expect(lock['node:24-alpine']).toEqual({ digest: DIGEST_NODE, resolvedAt: '2026-11-27T00:00:00Z', source: 'registry (npx projen update-base-images)' });
    expect(lock['mcr.microsoft.com/playwright:v1.65.1-noble'].digest).toBe(DIGEST_PW);
    expect(seen).toContain('GET /token?service=fake&scope=repository%3Ax%3Apull');
    // Up to date now: --check passes and nothing changes.
    expect((await updateBaseImages({ root, check: true, env: { BASE_IMAGES_REGISTRY_URL: url } })).changed).toEqual([]);
  });

  test('--check reports drift without writing', async () => {
    const root = fixture();
    const before = readFileSync(path.join(root, 'base-images.lock.json'), 'utf8');
    const { changed } = await updateBaseImages({ root, check: true, env: { BASE_IMAGES_REGISTRY_URL: url } });
    expect(changed[0]).toMatch(/^mcr.microsoft.com\/playwright:v1.65.1-noble: unpinned -> sha256:2+$/);
    expect(readFileSync(path.join(root, 'base-images.lock.json'), 'utf8')).toBe(before);
  });

  test('--missing resolves only the images without a digest and leaves the other pins as they are', async () => {
    const root = fixture();
    const before = JSON.parse(readFileSync(path.join(root, 'base-images.lock.json'), 'utf8'))['node:24-alpine'];
    seen.length = 0;
    const { changed } = await updateBaseImages({ root, missingOnly: true, env: { BASE_IMAGES_REGISTRY_URL: url }, now: new Date('2026-11-27T00:00:00Z') });
    expect(changed).toEqual([`mcr.microsoft.com/playwright:v1.65.1-noble: unpinned -> ${DIGEST_PW}`]);
    const lock = JSON.parse(readFileSync(path.join(root, 'base-images.lock.json'), 'utf8'));
    expect(lock['node:24-alpine']).toEqual(before);
    expect(lock['mcr.microsoft.com/playwright:v1.65.1-noble'].digest).toBe(DIGEST_PW);
    expect(seen.filter((r) => r.includes('/manifests/'))).not.toContainEqual(expect.stringContaining('library/node'));
  });

  test('an unknown tag is an error naming the image', async () => {
    const root = fixture();
    const manifestPath = path.join(root, '.projen', 'docker-images.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    manifest.images[0].baseImage = 'node:99-nope';
    manifest.images[0].bases = [{ ...manifest.images[0].bases[0], image: 'node:99-nope' }];
    writeFileSync(manifestPath, JSON.stringify(manifest));
    await expect(updateBaseImages({ root, env: { BASE_IMAGES_REGISTRY_URL: url } })).rejects.toThrow('node:99-nope: the registry answered 404');
  });
});
