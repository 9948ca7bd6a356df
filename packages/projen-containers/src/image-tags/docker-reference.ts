/**
 * Docker's reference grammar (github.com/distribution/reference), the parts we need:
 * validating a repository name (with an optional registry) and a tag.
 */
import { isIPv6 } from 'node:net';

/** A tag: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`. */
export const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
export const MAX_TAG_LENGTH = 128;
/** A repository name (registry and path) may not be longer than this. */
export const MAX_NAME_LENGTH = 255;

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_LABEL = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;

export class InvalidReferenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidReferenceError';
  }
}

export function isValidTag(tag: string): boolean {
  return TAG_PATTERN.test(tag);
}

/** What a registry may be, for error messages: the one grammar of the tag script, DockerImages and push:docker. */
export const REGISTRY_FORMS = 'a registry host with an optional port and namespace: HOST[:PORT][/NAMESPACE], where HOST is a DNS name with a dot, localhost or an IP address ([::1] for IPv6) and PORT is 1 to 65535, such as 127.0.0.1:5000, ghcr.io/acme or 123456789012.dkr.ecr.eu-west-1.amazonaws.com (no scheme, no tag)';

/** A registry to push to: its host and an optional namespace before each repository. */
export interface RegistryTarget {
  /** `HOST[:PORT]`, e.g. `127.0.0.1:5000`, `ghcr.io`, `[::1]:5000`, `123456789012.dkr.ecr.eu-west-1.amazonaws.com`. */
  readonly host: string;
  /** Path before the repositories, e.g. `acme` (ghcr.io/acme/qualisys/api). */
  readonly namespace?: string;
}

const IPV4 = /^(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(?:\.(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$/;
/** Why `hostPort` (`HOST[:PORT]`) is not a registry host, or undefined when it is one. */
export function registryHostProblem(hostPort: string): string | undefined {
  let host: string;
  let port: string | undefined;
  if (hostPort.startsWith('[')) {
    const m = /^\[([^\]]*)\](?::(.*))?$/.exec(hostPort);
    if (!m || m[1].includes('%') || !isIPv6(m[1])) return `${JSON.stringify(hostPort)} is not an IPv6 address in brackets such as [::1]:5000`;
    [, host, port] = m;
  } else {
    const parts = hostPort.split(':');
    if (parts.length > 2) return `${JSON.stringify(hostPort)} has more than one ":" (an IPv6 address goes in brackets: [::1]:5000)`;
    [host, port] = parts;
    const labels = host.split('.');
    if (host.length === 0) return 'the host is empty';
    if (host.length > 253 || !labels.every((l) => l.length <= 63 && DOMAIN_LABEL.test(l))) {
      return `${JSON.stringify(host)} is not a host name (labels of letters, digits and inner "-", joined by ".")`;
    }
    if (labels.every((l) => /^[0-9]+$/.test(l)) && !IPV4.test(host)) return `${JSON.stringify(host)} is not an IPv4 address (four numbers from 0 to 255)`;
    if (labels.length < 2 && host.toLowerCase() !== 'localhost') {
      return `${JSON.stringify(host)} is not a registry host: a host has a dot (ghcr.io), is localhost, or is an IP address; for a namespace give its host too (ghcr.io/${host.toLowerCase()})`;
    }
  }
  if (port !== undefined && !(/^[1-9][0-9]{0,4}$/.test(port) && Number(port) <= 65535)) {
    return `port ${JSON.stringify(port)} is not a number from 1 to 65535`;
  }
  return undefined;
}

/** Why `value` (`HOST[:PORT][/NAMESPACE]`) is not a registry, or undefined when it is one. */
export function registryProblem(value: string): string | undefined {
  if (typeof value !== 'string') return 'it is not a string';
  if (value.length === 0) return 'it is empty';
  if (/[\u0000-\u0020\u007f-\u00a0\u2028\u2029]/.test(value)) return 'it holds white space or a control character';
  if (value.length > MAX_NAME_LENGTH) return `it is longer than ${MAX_NAME_LENGTH} characters`;
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(value)) return 'it has a scheme: give the host alone (ghcr.io, not https://ghcr.io)';
  const [hostPort, ...namespace] = value.replace(/\/+$/, '').split('/');
  const hostProblem = registryHostProblem(hostPort);
  if (hostProblem) return hostProblem;
  const bad = namespace.find((c) => !PATH_COMPONENT.test(c));
  if (bad !== undefined) {
    return `the namespace component ${JSON.stringify(bad)} must be lowercase letters and digits, separated by ".", "_", "__" or "-"${bad !== bad.toLowerCase() ? ' (namespaces are lowercase)' : ''}`;
  }
  return undefined;
}

/** Parses `HOST[:PORT][/NAMESPACE]` (trailing `/` dropped); throws an InvalidReferenceError that says what is wrong. */
export function parseRegistryReference(value: string): RegistryTarget {
  const problem = registryProblem(value);
  if (problem) throw new InvalidReferenceError(`Invalid registry ${JSON.stringify(value)}: ${problem}. Expected ${REGISTRY_FORMS}.`);
  const [host, ...namespace] = value.replace(/\/+$/, '').split('/');
  return namespace.length ? { host, namespace: namespace.join('/') } : { host };
}

/**
 * Docker Hub as docker itself names it (github.com/distribution/reference, docker/cli): references
 * say `docker.io` (the default domain; `index.docker.io` is its legacy name, normalized to it), the
 * registry API answers at `registry-1.docker.io` with tokens from `auth.docker.io`, and
 * `docker login` stores the credentials under the index server's URL, `https://index.docker.io/v1/`.
 */
export const DOCKER_HUB = {
  /** The domain of Docker Hub references: `docker.io/acme/api`. */
  domain: 'docker.io',
  /** The legacy domain docker normalizes to `docker.io`. */
  legacyDomain: 'index.docker.io',
  /** Where Docker Hub's registry API (distribution v2) answers. */
  apiHost: 'registry-1.docker.io',
  /** The key of Docker Hub's credentials in docker's config.json and credential helpers. */
  credentialsKey: 'https://index.docker.io/v1/',
  /** The token service Docker Hub's registry sends clients to. */
  authHost: 'auth.docker.io',
} as const;

/** A registry host that names Docker Hub as docker reads it: `docker.io` or `index.docker.io` (any case, no port). */
export function isDockerHub(host: string): boolean {
  const h = host.toLowerCase();
  return h === DOCKER_HUB.domain || h === DOCKER_HUB.legacyDomain;
}

/** A repository path as Docker Hub's API names it: a single name is an official image under `library/` (`node` -> `library/node`). */
export function dockerHubRepository(repository: string): string {
  return repository.includes('/') ? repository : `library/${repository}`;
}

/** `HOST[/NAMESPACE]`. */
export function registryText(r: RegistryTarget): string {
  return r.namespace ? `${r.host}/${r.namespace}` : r.host;
}

/**
 * `HOST[/NAMESPACE]/REPOSITORY`, the name of an image in a registry. A repository that already
 * starts with the registry's namespace does not get it twice: `ghcr.io/acme` and `acme/orders`
 * make `ghcr.io/acme/orders` (as `orders` does), never `ghcr.io/acme/acme/orders`. The one rule of
 * the tag script, push:docker and the workflows.
 */
export function qualifiedRepository(r: RegistryTarget, repository: string): string {
  const ns = r.namespace?.replace(/\/+$/, '');
  if (ns && repository.startsWith(`${ns}/`)) return `${r.host}/${repository}`;
  return `${registryText(r)}/${repository}`;
}

/** Checks a registry host `HOST[:PORT]` such as `ghcr.io`, `localhost:5000` or `[::1]:5000`; `shown` is what the message quotes. */
export function validateRegistry(registry: string, shown = registry): void {
  const problem = registryHostProblem(registry);
  if (problem) throw new InvalidReferenceError(`Invalid registry ${JSON.stringify(shown)}: ${problem}. Expected ${REGISTRY_FORMS}.`);
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
 * Full image name `registry/repository` ({@link qualifiedRepository}: a namespace is never doubled),
 * checked against the grammar and Docker's length limit.
 * The registry (`HOST[:PORT][/NAMESPACE]`, such as `ghcr.io/acme`) is checked by
 * {@link parseRegistryReference}, the grammar DockerImages and push:docker check it by too.
 */
export function imageName(repository: string, registry?: string): string {
  validateRepository(repository);
  const full = registry ? qualifiedRepository(parseRegistryReference(registry), repository) : repository;
  if (full.length > MAX_NAME_LENGTH) {
    throw new InvalidReferenceError(`Invalid image name "${full}": longer than ${MAX_NAME_LENGTH} characters.`);
  }
  return full;
}
