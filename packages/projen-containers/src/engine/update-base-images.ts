/**
 * The work of `update-base-images`: the digest of every base image the Dockerfiles use
 * (repository:tag, from .projen/docker-images.json), resolved through the registries and written
 * to the lock file; unchanged pins leave the file as it is.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { resolveDigest } from './registry-digest';
import { baseImagesLockFile, basesOf, readImagesManifest } from '../lib/images-manifest';
import type { BaseImagePin } from '../lib/lock-files';
import { ROOT } from '../lib/source-file';

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
