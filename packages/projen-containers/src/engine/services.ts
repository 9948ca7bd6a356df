/** Which services of the images manifest a command works on. */
import { ImageManifestEntry, ImagesManifest } from '../lib/images-manifest';

/** The entries named, in manifest order; all of them when none is named. */
export function selectServices(manifest: ImagesManifest, names: string[]): ImageManifestEntry[] {
  const known = manifest.images.map((i) => i.service);
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length) throw new Error(`Unknown service${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}: choose from ${known.join(', ')}.`);
  return names.length ? manifest.images.filter((i) => names.includes(i.service)) : manifest.images;
}
