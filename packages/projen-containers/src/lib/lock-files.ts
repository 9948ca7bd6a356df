/** The committed lock files of the pins: their default places, the base-image entries, and the reader that checks their shape. No projen import. */
import { existsSync, readFileSync } from 'node:fs';

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

/** What is wrong in a file's content: the offending part, and what is allowed there. */
export type ContentProblem = readonly [at: unknown, allowed: string];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** A lock file as read: its content, or what is wrong with it. */
export interface LockFileRead<T> {
  readonly data?: T;
  readonly problem?: ContentProblem;
}

/**
 * Reads a committed lock or pins file (JSON) and checks its shape with `problem`: undefined when
 * the file does not exist, else its content or what is wrong (no JSON, or the wrong shape). The
 * components turn a problem into a ConfigError naming the file (`lockFile()` in validate.ts).
 */
export function readLockFile<T>(file: string, problem: (data: unknown) => ContentProblem | undefined): LockFileRead<T> | undefined {
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return { problem: [text.length > 60 ? `${text.slice(0, 60)}…` : text, `JSON (${(err as Error).message.replace(/\.$/, '')})`] };
  }
  const wrong = problem(data);
  return wrong ? { problem: wrong } : { data: data as T };
}

/** What is wrong in the base-image lock file: an object of `repository:tag` to `{ digest, resolvedAt?, source? }`. */
export function baseImagesLockProblem(data: unknown): ContentProblem | undefined {
  const entry = 'an object of "repository:tag" to { "digest": "sha256:<64 hex digits>" or null, "resolvedAt"?: "<ISO date>", "source"?: "<text>" }';
  if (!isObject(data)) return [data, entry];
  for (const [key, pin] of Object.entries(data)) {
    if (!/^[^\s:@]+(?::[^\s:@]+)*:[\w][\w.-]{0,127}$/.test(key)) return [key, `a key "repository:tag" in ${entry}`];
    if (!isObject(pin) || Object.keys(pin).some((k) => !['digest', 'resolvedAt', 'source'].includes(k))) return [pin, `for ${key}, { "digest": ..., "resolvedAt"?: ..., "source"?: ... } in ${entry}`];
    if (pin.digest !== null && !(typeof pin.digest === 'string' && DIGEST.test(pin.digest))) return [pin.digest, `for ${key}, a digest "sha256:<64 hex digits>" or null`];
    for (const k of ['resolvedAt', 'source']) if (pin[k] !== undefined && typeof pin[k] !== 'string') return [pin[k], `for ${key}, ${k} as a string`];
  }
  return undefined;
}

/** What is wrong in a package-lock.json as far as the components read it: an object whose `packages` (if any) is an object of objects. */
export function packageLockProblem(data: unknown): ContentProblem | undefined {
  if (!isObject(data)) return [data, 'an npm package-lock.json: a JSON object'];
  if (data.packages !== undefined && (!isObject(data.packages) || Object.values(data.packages).some((p) => !isObject(p)))) return ['packages', 'an object of package paths to objects, as npm writes it'];
  return undefined;
}
