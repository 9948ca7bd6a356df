#!/usr/bin/env node
/**
 * `npx projen update-base-images [-- --check | --missing]`
 *
 * Resolves the digest of every base image the Dockerfiles use (repository:tag, from
 * .projen/docker-images.json) through the registry's HTTP API, writes them to the lock file, and
 * lets the task re-synthesize the Dockerfiles. With --check it changes nothing and exits 1 when a
 * pin is missing or out of date (for a scheduled workflow). With --missing it resolves only the
 * images that have no digest yet (a new Playwright tag after a @playwright/test update) and keeps
 * every other pin as it is.
 *
 * Needs the registries (Docker Hub, mcr.microsoft.com, ...). BASE_IMAGES_REGISTRY_URL sends every
 * request to one registry instead (a mirror, or a fake one in tests).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { splitRegistry } from '../lib/image-reference';
import { baseImagesLockFile, basesOf, readImagesManifest } from '../lib/images-manifest';
import type { BaseImagePin } from '../lib/lock-files';
import { MANIFEST_ACCEPT, parseChallenge } from '../lib/registry-push';
import { ROOT } from '../lib/source-file';

/** Where a reference lives: `node:24-alpine` -> Docker Hub, library/node, 24-alpine. */
export function parseReference(ref: string): { registry: string; repository: string; tag: string } {
  const noDigest = ref.split('@')[0];
  const colon = noDigest.lastIndexOf(':');
  if (colon < 0 || noDigest.lastIndexOf('/') > colon) throw new Error(`${ref} has no tag: base images are tracked by tag and pinned by digest.`);
  const tag = noDigest.slice(colon + 1);
  const { registry, path: repository } = splitRegistry(noDigest.slice(0, colon));
  // Docker Hub: official images live under library/.
  if (!registry) return { registry: 'registry-1.docker.io', repository: repository.includes('/') ? repository : `library/${repository}`, tag };
  return { registry, repository, tag };
}

async function bearerToken(challenge: string): Promise<string | undefined> {
  const params = parseChallenge(challenge)?.params ?? {};
  if (!params.realm) return undefined;
  const url = new URL(params.realm);
  if (params.service) url.searchParams.set('service', params.service);
  if (params.scope) url.searchParams.set('scope', params.scope);
  const res = await fetch(url);
  if (!res.ok) throw new Error(`token request to ${url.host} failed: ${res.status}`);
  const body = (await res.json()) as { token?: string; access_token?: string };
  return body.token ?? body.access_token;
}

/** The digest a registry serves for repository:tag (a HEAD on the manifest, anonymous token if asked). */
export async function resolveDigest(ref: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const { registry, repository, tag } = parseReference(ref);
  const base = env.BASE_IMAGES_REGISTRY_URL ? env.BASE_IMAGES_REGISTRY_URL.replace(/\/$/, '') : `https://${registry}`;
  const url = `${base}/v2/${repository}/manifests/${tag}`;
  let res = await fetch(url, { method: 'HEAD', headers: { Accept: MANIFEST_ACCEPT } });
  if (res.status === 401) {
    const token = await bearerToken(res.headers.get('www-authenticate') ?? '');
    if (token) res = await fetch(url, { method: 'HEAD', headers: { Accept: MANIFEST_ACCEPT, Authorization: `Bearer ${token}` } });
  }
  if (!res.ok) throw new Error(`${ref}: the registry answered ${res.status} for ${url}`);
  const digest = res.headers.get('docker-content-digest');
  if (!digest || !/^sha256:[0-9a-f]{64}$/.test(digest)) throw new Error(`${ref}: the registry sent no usable Docker-Content-Digest header`);
  return digest;
}

export interface UpdateBaseImagesOptions {
  /** Repository root. @default the root of this repository */
  readonly root?: string;
  /** Report what would change, write nothing. @default false */
  readonly check?: boolean;
  /** Resolve only the images without a digest in the lock file. @default false */
  readonly missingOnly?: boolean;
  readonly env?: NodeJS.ProcessEnv;
  /** The clock of `resolvedAt`, for tests. @default now */
  readonly now?: Date;
}

export async function updateBaseImages(options: UpdateBaseImagesOptions = {}): Promise<{ changed: string[]; lock: Record<string, BaseImagePin> }> {
  const root = options.root ?? ROOT;
  const manifest = readImagesManifest(root);
  const lockPath = path.join(root, baseImagesLockFile(manifest));
  let lock: Record<string, BaseImagePin> = {};
  try { lock = JSON.parse(readFileSync(lockPath, 'utf8')); } catch { /* a new lock file */ }
  const refs = [...new Set(manifest.images.flatMap((i) => basesOf(i).map((b) => b.image.split('@')[0])))].sort();
  const changed: string[] = [];
  const next: Record<string, BaseImagePin> = {};
  for (const ref of refs) {
    const old = lock[ref];
    if (options.missingOnly && old?.digest) {
      next[ref] = old;
      continue;
    }
    const digest = await resolveDigest(ref, options.env).catch((err: Error) => {
      throw new Error(err.message.startsWith(ref) ? err.message : `${ref}: ${err.message}`);
    });
    if (old?.digest === digest) {
      next[ref] = old;
    } else {
      changed.push(`${ref}: ${old?.digest ?? 'unpinned'} -> ${digest}`);
      next[ref] = { digest, resolvedAt: (options.now ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'), source: 'registry (npx projen update-base-images)' };
    }
  }
  // Unchanged pins leave the file as it is (no reformatting, no diff).
  if (!options.check && JSON.stringify(next) !== JSON.stringify(lock)) writeFileSync(lockPath, JSON.stringify(next, null, 2) + '\n');
  return { changed, lock: next };
}

if (require.main === module) {
  const check = process.argv.includes('--check');
  const missingOnly = process.argv.includes('--missing');
  updateBaseImages({ check, missingOnly }).then(({ changed }) => {
    if (changed.length === 0) console.log('update-base-images: every base image is pinned to its current digest.');
    for (const c of changed) console.log(`update-base-images: ${c}`);
    process.exit(check && changed.length ? 1 : 0);
  }, (err: Error) => {
    console.error(`update-base-images: ${err.message}\nThe registries must be reachable (or set BASE_IMAGES_REGISTRY_URL to a mirror).`);
    process.exit(2);
  });
}
