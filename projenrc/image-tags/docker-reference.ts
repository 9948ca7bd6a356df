/**
 * Docker's reference grammar (github.com/distribution/reference), the parts we need:
 * validating a repository name (with an optional registry) and a tag.
 */

/** A tag: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`. */
export const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
export const MAX_TAG_LENGTH = 128;
/** A repository name (registry and path) may not be longer than this. */
export const MAX_NAME_LENGTH = 255;

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_LABEL = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const PORT = /^[0-9]+$/;

export class InvalidReferenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidReferenceError';
  }
}

export function isValidTag(tag: string): boolean {
  return TAG_PATTERN.test(tag);
}

/** Checks a registry host such as `ghcr.io`, `localhost:5000` or `123456789012.dkr.ecr.eu-west-1.amazonaws.com`; `shown` is what the message quotes. */
export function validateRegistry(registry: string, shown = registry): void {
  const [host, port, ...rest] = registry.split(':');
  const ok = rest.length === 0
    && host.split('.').every((label) => DOMAIN_LABEL.test(label))
    && (port === undefined || PORT.test(port));
  if (!ok) {
    throw new InvalidReferenceError(`Invalid registry "${shown}": expected a host name with an optional port and namespace, such as ghcr.io, ghcr.io/acme or localhost:5000 (no scheme).`);
  }
}

/**
 * Checks a repository path such as `qualisys/api`: lowercase components of letters and digits
 * joined by `.`, `_`, `__` or dashes, separated by `/`.
 */
export function validateRepository(name: string): void {
  if (name.length === 0) throw new InvalidReferenceError('Invalid image name "": it is empty.');
  const bad = name.split('/').find((component) => !PATH_COMPONENT.test(component));
  if (bad !== undefined) {
    const hint = bad !== bad.toLowerCase() ? ' (image names must be lowercase)' : '';
    throw new InvalidReferenceError(
      `Invalid image name "${name}": component "${bad}" must be lowercase letters and digits, separated by ".", "_", "__" or "-"${hint}.`,
    );
  }
}

/**
 * Full image name `registry/repository`, checked against the grammar and Docker's length limit.
 * The registry may carry a namespace (`ghcr.io/acme`): its host is checked as a registry, the rest
 * as repository components.
 */
export function imageName(repository: string, registry?: string): string {
  validateRepository(repository);
  if (registry) {
    const [host, ...namespace] = registry.replace(/\/+$/, '').split('/');
    validateRegistry(host, registry);
    if (namespace.length) validateRepository(namespace.join('/'));
    registry = [host, ...namespace].join('/');
  }
  const full = registry ? `${registry}/${repository}` : repository;
  if (full.length > MAX_NAME_LENGTH) {
    throw new InvalidReferenceError(`Invalid image name "${full}": longer than ${MAX_NAME_LENGTH} characters.`);
  }
  return full;
}
