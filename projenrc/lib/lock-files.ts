/** The committed lock files of the pins: their default places and the base-image entries. No projen import. */

/** The lock file of the base-image digests when `BaseImages` is given none, relative to the root. */
export const DEFAULT_BASE_IMAGES_LOCK = 'base-images.lock.json';

/** The lock file of the action SHAs (ActionPins' default), relative to the root. */
export const DEFAULT_ACTIONS_LOCK = 'github-actions.lock.json';

/** One entry of the base-image lock file, under `repository:tag`. */
export interface BaseImagePin {
  /** `sha256:...` of the multi-platform index, or null while unresolved. */
  readonly digest: string | null;
  /** When the digest was resolved, or when the registry published it when that is known (ISO 8601). */
  readonly resolvedAt?: string;
  /** Where the digest came from, e.g. `registry` (update-base-images) or `dependabot (api/Dockerfile)`. */
  readonly source?: string;
}
