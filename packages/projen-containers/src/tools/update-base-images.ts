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
import { updateBaseImages } from '../engine/update-base-images';

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
