/**
 * push:docker's lookups in a registry: what it holds under a tag, read through the registry API
 * (distribution v2) with Docker's credentials, bounded against a hostile registry.
 */
import { createHash } from 'node:crypto';
import { dockerCredentials } from './docker-credentials';
import { RegistryRefusedError } from './push-errors';
import {
  apiRepository, classifyRefusal, isLoopback, MANIFEST_ACCEPT, manifestParts, MAX_INDEX_CHILDREN, MAX_MANIFEST_BYTES, parseChallenge,
  realmPolicy, refusalMessage, registryEndpoint,
} from '../lib/registry-push';

/** What a registry holds under a tag: nothing, the image with this ID, or another image (its digest). */
export type RemoteTag = { readonly state: 'absent' } | { readonly state: 'same' | 'other'; readonly digest: string };

/** Limits of a {@link RegistryClient}, for tests. */
export interface RegistryClientOptions {
  /** Where Docker's credentials are read from (DOCKER_CONFIG). @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** The largest manifest read. @default MAX_MANIFEST_BYTES (4 MiB) */
  readonly maxManifestBytes?: number;
  /** The most images of an index looked up. @default MAX_INDEX_CHILDREN */
  readonly maxIndexChildren?: number;
}

/** A response body as text, read as a stream and stopped past `limit` bytes (the rest is never read); undefined when longer. */
export async function readBounded(res: Response, limit: number): Promise<string | undefined> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > limit || !res.body) {
    await res.body?.cancel().catch(() => undefined);
    return res.body ? undefined : '';
  }
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** An error body, for a message: its first bytes only. */
async function errorText(res: Response): Promise<string> {
  return ((await readBounded(res, 64 * 1024)) ?? '(a body over 64 KiB, not read)').slice(0, 300);
}

/**
 * A minimal client of the registry API (distribution v2) for lookups: manifests by tag or digest,
 * OCI and Docker, with Docker's credentials (basic, or a bearer token from the registry's realm).
 * Docker Hub (`docker.io`, `index.docker.io`) is asked as docker asks it: its API at
 * registry-1.docker.io, official images under `library/`, the credentials `docker login` stored
 * under `https://index.docker.io/v1/`, tokens from auth.docker.io ({@link registryEndpoint}).
 * `docker manifest inspect` is no substitute: Docker 20.10's reports an OCI manifest as missing.
 *
 * Docker's credentials for the registry go to the registry itself (over HTTPS, or plain HTTP on
 * this machine) and to a token realm only where {@link realmPolicy} allows; manifests are read up
 * to 4 MiB and indexes of up to 64 images, so a hostile registry cannot exhaust memory or requests.
 */
export class RegistryClient {
  private token?: string;
  private readonly base: string;
  private readonly env: NodeJS.ProcessEnv;
  public readonly maxManifestBytes: number;
  public readonly maxIndexChildren: number;

  /** Where the registry API answers (Docker Hub's is registry-1.docker.io), and the repository as it names it. */
  private readonly apiHost: string;
  private readonly apiName: string;

  constructor(private readonly host: string, private readonly repository: string, options: RegistryClientOptions = {}) {
    this.apiHost = registryEndpoint(host).apiHost;
    this.apiName = apiRepository(host, repository);
    // Docker talks plain HTTP to registries on 127.0.0.0/8, ::1 and localhost; anywhere else HTTPS.
    this.base = `${isLoopback(this.apiHost) ? 'http' : 'https'}://${this.apiHost}/v2/${this.apiName}`;
    this.env = options.env ?? process.env;
    this.maxManifestBytes = options.maxManifestBytes ?? MAX_MANIFEST_BYTES;
    this.maxIndexChildren = options.maxIndexChildren ?? MAX_INDEX_CHILDREN;
  }

  /** GET a manifest; undefined when the registry has none under that name. Throws RegistryRefusedError otherwise. */
  public async manifest(reference: string): Promise<{ digest: string; body: unknown } | undefined> {
    const what = `a lookup of ${this.host}/${this.repository}:${reference}`;
    const get = (authorization?: string) => fetch(`${this.base}/manifests/${reference}`, {
      headers: { Accept: MANIFEST_ACCEPT, ...(authorization ? { Authorization: authorization } : {}) },
      // A redirect could take the credentials elsewhere: a manifest is served by the registry itself.
      redirect: authorization ? 'error' : 'follow',
      signal: AbortSignal.timeout(60_000),
    });
    let res: Response;
    let text: string | undefined;
    try {
      res = await get(this.token ? `Bearer ${this.token}` : undefined);
      if (res.status === 401) {
        await res.body?.cancel().catch(() => undefined);
        res = await get(await this.authorize(res.headers.get('www-authenticate'), what));
      }
      if (res.status === 404) {
        await res.body?.cancel().catch(() => undefined);
        return undefined;
      }
      if (res.status !== 200) {
        const detail = `${res.status} ${res.statusText}: ${await errorText(res)}`;
        throw new RegistryRefusedError(refusalMessage(res.status === 401 || res.status === 403 ? 'auth' : classifyRefusal(detail), this.host, what, detail));
      }
      text = await readBounded(res, this.maxManifestBytes);
    } catch (err) {
      if (err instanceof RegistryRefusedError) throw err;
      const e = err as Error & { cause?: Error };
      const detail = `${e.message}${e.cause ? `: ${e.cause.message}` : ''}`;
      throw new RegistryRefusedError(refusalMessage(classifyRefusal(detail) === 'other' ? 'unreachable' : classifyRefusal(detail), this.host, what, detail));
    }
    if (text === undefined) {
      throw new RegistryRefusedError(`${this.host} sent a manifest larger than ${this.maxManifestBytes} bytes for ${what}: not read (registries refuse manifests over 4 MiB; this is not an image pushed by build:docker).`);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new RegistryRefusedError(`${this.host} sent a manifest that is not JSON for ${what}: ${JSON.stringify(text.slice(0, 100))}.`);
    }
    const digest = res.headers.get('docker-content-digest') ?? `sha256:${createHash('sha256').update(text).digest('hex')}`;
    return { digest, body };
  }

  /** The Authorization header a challenge asks for, with Docker's credentials for this host where they may go. */
  private async authorize(header: string | null, what: string): Promise<string> {
    const challenge = parseChallenge(header);
    const creds = dockerCredentials(this.host, this.env);
    const basic = creds ? `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}` : undefined;
    if (challenge?.scheme === 'basic') {
      // The registry itself asks: its base URL is HTTPS, or plain HTTP on this machine.
      if (!basic) throw new RegistryRefusedError(refusalMessage('auth', this.host, what, 'no basic auth credentials'));
      return basic;
    }
    if (challenge?.scheme !== 'bearer' || !challenge.params.realm) throw new RegistryRefusedError(refusalMessage('auth', this.host, what, `401 Unauthorized (${header ?? 'no challenge'})`));
    const realm = challenge.params.realm;
    const decision = realmPolicy(realm, this.apiHost);
    if (!decision.allowed) {
      throw new RegistryRefusedError(`${this.host} asked for a token from the realm ${JSON.stringify(realm)}, refused: ${decision.reason}. Nothing was sent there. Check --registry (or IMAGE_REGISTRY): this is not how a registry authenticates.`);
    }
    const url = decision.url;
    if (challenge.params.service) url.searchParams.set('service', challenge.params.service);
    url.searchParams.set('scope', `repository:${this.apiName}:pull`);
    const sent = decision.sendCredentials && basic;
    const withheld = basic && !decision.sendCredentials ? ` (Docker's credentials for ${this.host} were not sent there: ${decision.withheld})` : '';
    let res: Response;
    try {
      // No redirect: it could take the credentials to another host.
      res = await fetch(url, { headers: sent ? { Authorization: basic } : {}, redirect: 'error', signal: AbortSignal.timeout(60_000) });
    } catch (err) {
      const e = err as Error & { cause?: Error };
      throw new RegistryRefusedError(refusalMessage('unreachable', this.host, what, `the token realm ${realm} cannot be reached: ${e.message}${e.cause ? `: ${e.cause.message}` : ''}${withheld}`));
    }
    if (res.status !== 200) throw new RegistryRefusedError(refusalMessage('auth', this.host, what, `the token realm ${realm} answered ${res.status} ${res.statusText}${withheld}`));
    const text = await readBounded(res, 1024 * 1024);
    let body: { token?: string; access_token?: string } | undefined;
    try {
      body = text === undefined ? undefined : JSON.parse(text);
    } catch { /* no token below */ }
    this.token = typeof body?.token === 'string' ? body.token : typeof body?.access_token === 'string' ? body.access_token : undefined;
    if (!this.token || /[^\x21-\x7e]/.test(this.token)) {
      this.token = undefined;
      throw new RegistryRefusedError(refusalMessage('auth', this.host, what, `the token realm ${realm} gave no token (an answer of JSON with "token", at most 1 MiB)${withheld}`));
    }
    return `Bearer ${this.token}`;
  }
}

/** A content digest (OCI image spec): `algorithm:encoded`, such as `sha256:` and 64 hex digits. */
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{1,256}$/;

/**
 * What the registry holds under `repository:tag`, read for `id`: nothing, an image with that
 * config (image ID; in an index, any of its images), or another image. An index of more than
 * the client's maxIndexChildren images is refused before any of them is asked for.
 */
export async function remoteTag(client: RegistryClient, tag: string, id: string): Promise<RemoteTag> {
  const found = await client.manifest(tag);
  if (!found) return { state: 'absent' };
  const parts = manifestParts(found.body);
  if (parts.children.length > client.maxIndexChildren) {
    throw new RegistryRefusedError(`The registry holds an index of ${parts.children.length} images under the tag ${tag} (${found.digest}): more than the ${client.maxIndexChildren} a lookup reads, so none was read. An image of build:docker lists a few; move or delete that tag, or push elsewhere.`);
  }
  const bad = parts.children.find((c) => !DIGEST.test(c));
  if (bad !== undefined) throw new RegistryRefusedError(`The registry holds an index under the tag ${tag} that lists ${JSON.stringify(bad.slice(0, 100))}, which is not a digest (ALGORITHM:HEX).`);
  const configs = parts.config ? [parts.config] : [];
  for (const child of parts.children) {
    const m = await client.manifest(child);
    const c = m ? manifestParts(m.body).config : undefined;
    if (c) configs.push(c);
  }
  return { state: configs.includes(id) ? 'same' : 'other', digest: found.digest };
}

