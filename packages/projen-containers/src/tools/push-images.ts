#!/usr/bin/env node
/**
 * `npx projen push:docker [-- [--registry HOST[/NAMESPACE]] [--sign-key FILE] [--report FILE] [SERVICE...]]`
 *
 * Pushes the images `build:docker` built, exactly those (the image IDs in build/docker/build.json:
 * the images the tests and scans saw, never a rebuild), each with all its tags, to the registry
 * given by --registry, else IMAGE_REGISTRY, else the registry option of DockerImages in
 * .projenrc.ts. Prints each image's digest and writes build/docker/push.json.
 *
 * With --sign-key (a cosign private key; COSIGN_PASSWORD its password), signs every pushed digest
 * and attaches the image's CycloneDX SBOM as a signed attestation, then verifies both with the
 * key's public half, as a deploy would.
 *
 * Before pushing anything it checks that every tag still names the image the build recorded, and
 * that no tag of the registry holds another image, except the moving tags (latest, staging-*,
 * pr-*). Exit status: 0 pushed; 1 the registry refused (authentication, unreachable, an immutable
 * tag on another image) or signing failed; 2 bad arguments, no build report, or an image that
 * changed since the build; 3 no Docker engine.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import * as path from 'node:path';
import { generateSbom } from './build-images';
import { assertEngine, docker, DockerUnavailableError, dockerStreaming, imageId } from './docker-cli';
import { RegistryTarget, registryProblem, registryText } from '../image-tags/docker-reference';
import { besideReport, BUILD_REPORT, BuiltImage, PUSH_REPORT_NAME, PushedImage, PushReport, readBuildReport, NoBuildReportError, sbomFileName } from '../lib/build-report';
import { readImagesManifest } from '../lib/images-manifest';
import {
  chooseRegistry, classifyRefusal, isLoopback, isMovingTag, MANIFEST_ACCEPT, manifestParts, MAX_INDEX_CHILDREN, MAX_MANIFEST_BYTES, parseChallenge,
  parsePushArgs, parseRegistry, pushedDigest, PUSH_USAGE, realmPolicy, refusalMessage, shippingFields, targetRepository,
} from '../lib/registry-push';
import { sbomImageId } from '../lib/sbom';
import { ROOT } from '../lib/source-file';

/** Bad arguments or state before anything is pushed (exit 2). */
export class PushUsageError extends Error {}
/** The registry refused (exit 1). */
export class RegistryRefusedError extends Error {}

/** An image the build recorded that is no longer what its tags name. */
export function staleImages(images: readonly BuiltImage[], idOf: (ref: string) => string | undefined = imageId): string[] {
  const problems: string[] = [];
  for (const image of images) {
    if (!image.ok || !image.id) {
      problems.push(`${image.service} did not build in the last build:docker: nothing to push.`);
      continue;
    }
    if (idOf(image.id) === undefined) {
      problems.push(`${image.service}: image ${image.id} that build:docker built is no longer in the engine (removed or pruned).`);
      continue;
    }
    for (const ref of image.refs) {
      const now = idOf(ref);
      if (now !== image.id) {
        problems.push(`${image.service}: ${ref} is ${now ? `now image ${now}` : 'gone'}, not image ${image.id} that build:docker built and the tests saw (a later build or a \`docker tag\` moved it).`);
      }
    }
  }
  return problems;
}

/** What a registry holds under a tag: nothing, the image with this ID, or another image (its digest). */
export type RemoteTag = { readonly state: 'absent' } | { readonly state: 'same' | 'other'; readonly digest: string };

/** The credentials Docker holds for a registry host (docker login): credential helpers first, then config.json. */
export function dockerCredentials(host: string, env: NodeJS.ProcessEnv = process.env): { username: string; password: string } | undefined {
  let config: { auths?: Record<string, { auth?: string }>; credsStore?: string; credHelpers?: Record<string, string> };
  try {
    config = JSON.parse(readFileSync(path.join(env.DOCKER_CONFIG ?? path.join(homedir(), '.docker'), 'config.json'), 'utf8'));
  } catch {
    return undefined;
  }
  const helper = config.credHelpers?.[host] ?? config.credsStore;
  if (helper) {
    const r = spawnSync(`docker-credential-${helper}`, ['get'], { input: host, encoding: 'utf8', timeout: 30_000, env: { ...process.env, ...env } });
    if (r.status === 0) {
      const c = JSON.parse(r.stdout) as { Username?: string; Secret?: string };
      if (c.Secret) return { username: c.Username ?? '', password: c.Secret };
    }
  }
  const auth = (config.auths?.[host] ?? config.auths?.[`https://${host}`])?.auth;
  if (!auth) return undefined;
  const text = Buffer.from(auth, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon < 0 ? undefined : { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

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

  constructor(private readonly host: string, private readonly repository: string, options: RegistryClientOptions = {}) {
    // Docker talks plain HTTP to registries on 127.0.0.0/8, ::1 and localhost; anywhere else HTTPS.
    this.base = `${isLoopback(host) ? 'http' : 'https'}://${host}/v2/${repository}`;
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
    const decision = realmPolicy(realm, this.host);
    if (!decision.allowed) {
      throw new RegistryRefusedError(`${this.host} asked for a token from the realm ${JSON.stringify(realm)}, refused: ${decision.reason}. Nothing was sent there. Check --registry (or IMAGE_REGISTRY): this is not how a registry authenticates.`);
    }
    const url = decision.url;
    if (challenge.params.service) url.searchParams.set('service', challenge.params.service);
    url.searchParams.set('scope', `repository:${this.repository}:pull`);
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

/** A tag the registry already holds on another image, which this push may not move. */
export function conflicts(image: BuiltImage, repository: string, remote: (tag: string) => RemoteTag): { moved: string[]; refused: string[] } {
  const moved: string[] = [];
  const refused: string[] = [];
  for (const tag of image.tags) {
    const r = remote(tag);
    if (r.state !== 'other') continue;
    (isMovingTag(tag, image.moving) ? moved : refused).push(`${repository}:${tag} (now ${r.digest})`);
  }
  return { moved, refused };
}

/** Runs cosign; throws with its message. */
function cosign(args: string[], what: string): string {
  const r = spawnSync('cosign', args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { COSIGN_PASSWORD: '', ...process.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') throw new PushUsageError('cosign is not installed: install it (https://docs.sigstore.dev/cosign/system_config/installation/), or push without --sign-key.');
  if (r.status !== 0) {
    const detail = r.stderr.trim().split('\n').filter((l) => !/deprecated|^WARNING/.test(l)).slice(-3).join('\n  ');
    const hint = /decrypt|password/i.test(detail) ? '\n  Set COSIGN_PASSWORD to the key\'s password (empty for a key made with COSIGN_PASSWORD= cosign generate-key-pair).' : '';
    throw new RegistryRefusedError(`cosign could not ${what}:\n  ${detail}${hint}`);
  }
  return r.stdout;
}

/**
 * Key-pair signing without a transparency log or a signing config from Sigstore's TUF repository
 * (nothing to reach but the registry): what the tests and a registry on this machine need.
 * Keyless signing on GitHub uses cosign's defaults instead.
 */
export const COSIGN_KEY_FLAGS = ['--use-signing-config=false', '--tlog-upload=false', '--yes'];

/** Signs a digest, attests its SBOM, and verifies both with the public key (as a deploy would). */
export function signAndAttest(ref: string, key: string, publicKey: string, sbom: string): void {
  cosign(['sign', '--key', key, ...COSIGN_KEY_FLAGS, ref], `sign ${ref}`);
  cosign(['attest', '--key', key, ...COSIGN_KEY_FLAGS, '--type', 'cyclonedx', '--predicate', sbom, ref], `attach the SBOM of ${ref}`);
  cosign(['verify', '--key', publicKey, '--insecure-ignore-tlog=true', ref], `verify the signature of ${ref}`);
  cosign(['verify-attestation', '--key', publicKey, '--insecure-ignore-tlog=true', '--type', 'cyclonedx', ref], `verify the SBOM attestation of ${ref}`);
}

/** The SBOM to attest: the build's, when it describes this image, else a new one made now from the same image ID. */
function sbomFor(image: BuiltImage, reportFile: string): { file: string; seconds: number; relative: string } {
  const relative = image.sbom ?? sbomFileName(image.service);
  const file = besideReport(reportFile, relative);
  if (image.sbom && existsSync(file)) {
    try {
      if (sbomImageId(JSON.parse(readFileSync(file, 'utf8'))) === image.id) return { file, seconds: 0, relative };
    } catch { /* unreadable: made again below */ }
  }
  console.log(`[${image.service}] SBOM (trivy, CycloneDX, offline) -> ${file}`);
  return { file, seconds: generateSbom(image.refs[0] ?? image.id!, file, image.id), relative };
}

/** Pushes one tag; returns the digest. */
async function pushTag(image: BuiltImage, target: string, host: string): Promise<string> {
  const tagged = docker(['tag', image.id!, target]);
  if (tagged.status !== 0) throw new Error(`docker tag ${image.id} ${target} failed: ${tagged.stderr.trim()}`);
  const lines: string[] = [];
  const code = await dockerStreaming(['push', target], { prefix: `[${image.service}] `, onLine: (l) => lines.push(l) });
  const output = lines.join('\n');
  if (code !== 0) throw new RegistryRefusedError(refusalMessage(classifyRefusal(output), host, `the push of ${target}`, output));
  const digest = pushedDigest(output);
  if (!digest) throw new RegistryRefusedError(`docker push ${target} printed no digest:\n${output.slice(-500)}`);
  return digest;
}

/** Pushes (and signs) the images of a build report; returns the push report. */
export async function pushImages(options: {
  readonly registry: RegistryTarget;
  readonly reportFile: string;
  readonly services: readonly string[];
  readonly signKey?: string;
}): Promise<PushReport> {
  const report = readBuildReport(options.reportFile);
  const known = report.images.map((i) => i.service);
  const unknown = options.services.filter((s) => !known.includes(s));
  if (unknown.length) throw new PushUsageError(`${unknown.join(', ')} ${unknown.length > 1 ? 'are' : 'is'} not in the build report ${options.reportFile} (it holds ${known.join(', ') || 'nothing'}): run npx projen build:docker ${unknown.join(' ')} first.`);
  const images = options.services.length ? report.images.filter((i) => options.services.includes(i.service)) : report.images;
  const host = options.registry.host;

  let publicKey: string | undefined;
  const keyDir = options.signKey ? mkdtempSync(path.join(tmpdir(), 'push-docker-')) : undefined;
  try {
    assertEngine();
    // 1. Every tag still names the image the build recorded.
    const stale = staleImages(images);
    if (stale.length) throw new PushUsageError(`${stale.join('\n')}\nNothing was pushed. Run npx projen build:docker again (and the tests), then push:docker.`);
    // 2. The key works (before anything leaves).
    if (options.signKey) {
      if (!/^[a-z0-9]+:\/\//.test(options.signKey) && !existsSync(options.signKey)) throw new PushUsageError(`--sign-key ${options.signKey}: no such file (a cosign private key, e.g. from \`COSIGN_PASSWORD= cosign generate-key-pair\`).`);
      publicKey = path.join(keyDir!, 'cosign.pub');
      cosign(['public-key', '--key', options.signKey, '--outfile', publicKey], `read the key ${options.signKey}`);
    }
    // 3. No tag of the registry holds another image, except the moving ones.
    const refused: string[] = [];
    for (const image of images) {
      const repository = targetRepository(options.registry, image.image);
      const client = new RegistryClient(host, repository.slice(host.length + 1));
      const remote = new Map<string, RemoteTag>();
      for (const tag of image.tags) remote.set(tag, await remoteTag(client, tag, image.id!));
      const c = conflicts(image, repository, (tag) => remote.get(tag) ?? { state: 'absent' });
      refused.push(...c.refused);
      for (const m of c.moved) console.log(`[${image.service}] ${m} is a moving tag: it will move to this image`);
    }
    if (refused.length) {
      throw new RegistryRefusedError([
        `${host} already holds other images under these tags, which never move:`,
        ...refused.map((r) => `  ${r}`),
        'Nothing was pushed. A tag such as the commit SHA or production-vX.Y.Z names one image for good: commit and build again (new tags), or push elsewhere.',
      ].join('\n'));
    }

    // 4. Push every tag, then sign and attest the digest.
    const pushed: PushedImage[] = [];
    const write = () => writeFileSync(besideReport(options.reportFile, PUSH_REPORT_NAME), JSON.stringify({ schema: 1, pushedAt: new Date().toISOString(), registry: registryText(options.registry), images: pushed } satisfies PushReport, null, 2) + '\n');
    for (const image of images) {
      const repository = targetRepository(options.registry, image.image);
      const started = Date.now();
      const digests = new Set<string>();
      for (const tag of image.tags) digests.add(await pushTag(image, `${repository}:${tag}`, host));
      if (digests.size !== 1) throw new RegistryRefusedError(`${image.service}: the tags of one image were pushed as different digests (${[...digests].join(', ')}); the registry rewrote a manifest.`);
      const digest = [...digests][0];
      const ref = `${repository}@${digest}`;
      const seconds: { push: number; sbom?: number; sign?: number } = { push: (Date.now() - started) / 1000 };
      let sbom: string | undefined;
      if (options.signKey) {
        const s = sbomFor(image, options.reportFile);
        seconds.sbom = s.seconds;
        sbom = s.relative;
        const t0 = Date.now();
        console.log(`[${image.service}] signing ${ref} and attaching its SBOM (cosign)`);
        signAndAttest(ref, options.signKey, publicKey!, s.file);
        seconds.sign = (Date.now() - t0) / 1000;
      }
      pushed.push({
        service: image.service,
        id: image.id!,
        repository,
        digest,
        ref,
        tags: image.tags,
        signed: !!options.signKey,
        ...(sbom ? { sbom } : {}),
        seconds,
      });
      write();
      console.log(`${image.service}: ${ref}${options.signKey ? ' (signed, SBOM attested)' : ''}\n  tags: ${image.tags.join(', ')}`);
    }
    return JSON.parse(readFileSync(besideReport(options.reportFile, PUSH_REPORT_NAME), 'utf8')) as PushReport;
  } finally {
    if (keyDir) rmSync(keyDir, { recursive: true, force: true });
  }
}

async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parsePushArgs(argv);
  } catch (err) {
    throw new PushUsageError((err as Error).message);
  }
  const configured = shippingFields(readImagesManifest(ROOT)).registry;
  const chosen = chooseRegistry(args.registry, process.env, configured);
  if (!chosen) throw new PushUsageError(`No registry to push to: give --registry HOST[/NAMESPACE], set IMAGE_REGISTRY, or set the registry option of DockerImages in .projenrc.ts.\n${PUSH_USAGE}`);
  const problem = registryProblem(chosen.value);
  if (problem) throw new PushUsageError(`The registry ${JSON.stringify(chosen.value)} (from ${chosen.from}) is not a registry host with an optional port and namespace: ${problem}. Give HOST[:PORT][/NAMESPACE], such as 127.0.0.1:5000 or ghcr.io/acme (no scheme).`);
  const registry = parseRegistry(chosen.value)!;
  const reportFile = path.resolve(args.report ?? path.join(ROOT, BUILD_REPORT));
  console.log(`push:docker: pushing to ${registryText(registry)} (from ${chosen.from}) the images of ${path.relative(process.cwd(), reportFile) || reportFile}${args.signKey ? `, signed with ${args.signKey}` : ''}`);
  const report = await pushImages({ registry, reportFile, services: args.services, signKey: args.signKey });
  console.log(`\npush:docker: pushed ${report.images.length} image${report.images.length === 1 ? '' : 's'}; digests in ${besideReport(reportFile, PUSH_REPORT_NAME)}`);
  for (const i of report.images) console.log(`  ${i.ref}`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (err: Error) => {
    console.error(`push:docker: ${err.message}`);
    process.exit(err instanceof DockerUnavailableError ? 3 : err instanceof PushUsageError || err instanceof NoBuildReportError ? 2 : 1);
  });
}
