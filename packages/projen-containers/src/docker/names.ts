/**
 * Checks of the names the Docker components write into Dockerfiles, tags, tasks and workflows:
 * image repositories, base-image references, service folders. Each throws a ConfigError that names
 * the option and the service and says what is allowed.
 */
import { InvalidReferenceError, MAX_NAME_LENGTH, TAG_PATTERN, validateRegistry, validateRepository } from '../image-tags/docker-reference';
import { splitRegistry } from '../lib/image-reference';
import { check } from '../validate';

/** Kebab-case: what a service folder, a kind and a base image are called. */
const KEBAB = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/**
 * A name in kebab-case (`playwright-runner`): a service folder names its image, its CI job, its
 * benchmark folder and its build-cache id, so it must be valid in all of them.
 */
export function kebabName(component: string, option: string, value: string, service?: string): string {
  check(typeof value === 'string' && value.length <= 63 && KEBAB.test(value), component, option, value, 'lowercase letters and digits in words joined by single "-", starting with a letter (at most 63 characters), such as api or playwright-runner', service);
  return value;
}

function referenceOk(test: () => void): boolean {
  try {
    test();
    return true;
  } catch (err) {
    if (err instanceof InvalidReferenceError) return false;
    throw err;
  }
}

/**
 * An image repository without a registry host, such as `qualisys/api` (the registry is a build
 * setting). Docker reads a first component with a dot or a port, or `localhost`, as a registry
 * host (`ghcr.io/acme/api` is pushed to ghcr.io): such a first component is refused.
 */
export function imageRepository(component: string, option: string, value: string, service?: string): string {
  const first = typeof value === 'string' ? value.split('/')[0] : '';
  const ok = typeof value === 'string' && value.length <= MAX_NAME_LENGTH && referenceOk(() => validateRepository(value))
    && !first.includes('.') && !first.includes(':') && first !== 'localhost';
  check(ok, component, option, value, 'a lowercase image repository such as qualisys/api: components of letters and digits joined by ".", "_", "__" or "-", separated by "/", no registry host (the first component has no dot or port and is not localhost; the registry is set with registry or --registry)', service);
  return value;
}

/** A base image's repository, with its registry when not Docker Hub: `node`, `mcr.microsoft.com/playwright`. */
export function baseRepository(component: string, option: string, value: string, service?: string): string {
  const parts = typeof value === 'string' ? splitRegistry(value) : undefined;
  const ok = !!parts && value.length <= MAX_NAME_LENGTH
    && referenceOk(() => validateRepository(parts.path))
    // Dependabot and hadolint read a registry host only as a domain with a dot (not localhost:5000).
    && (parts.registry === undefined || (parts.registry.split(':')[0].includes('.') && referenceOk(() => validateRegistry(parts.registry!))));
  check(ok, component, option, value, 'an image repository such as node or mcr.microsoft.com/playwright: an optional registry host with a dot in it (and a port), then lowercase components of letters and digits joined by ".", "_", "__" or "-", separated by "/" (no tag, no digest)', service);
  return value;
}

/** A tag that is tracked: Docker's tag alphabet, where `{version}` may stand for a version when `placeholder` is set. */
export function imageTag(component: string, option: string, value: string, placeholder: boolean, service?: string): string {
  const sample = typeof value === 'string' && placeholder ? value.split('{version}').join('1.0.0') : value;
  check(typeof value === 'string' && TAG_PATTERN.test(sample), component, option, value,
    `a Docker tag such as 24-alpine: letters, digits, "_", "." and "-", starting with a letter, digit or "_", at most 128 characters${placeholder ? ' ({version} stands for the followed package\'s version)' : ''}`, service);
  return value;
}
