/** The image a new build is compared with: the last default-branch build found locally. */
import { imageFacts } from './docker-cli';
import { ImageFacts } from '../lib/image-size';
import { parseRegistry, referenceCandidates } from '../lib/registry-push';

/** The last default-branch build of an image found locally, or why there is none. */
export function findReference(
  image: string, registry: string | undefined, facts: (ref: string) => ImageFacts | undefined = imageFacts,
): { facts?: ImageFacts; why?: string } {
  const target = registry ? parseRegistry(registry) : undefined;
  const candidates = referenceCandidates(image, target);
  for (const ref of candidates) {
    const f = facts(ref);
    if (f) return { facts: f };
  }
  return { why: `no default-branch build found (no local ${candidates.join(' or ')}; a clean build of the default branch tags one)` };
}
