/**
 * The pure part of `push:docker`: where an image goes (`HOST[/NAMESPACE]/REPOSITORY:TAG`), which
 * tags may move, what a registry's refusal means, and the command line. No projen import, no I/O.
 */
import { DOCKER_HUB, dockerHubRepository, isDockerHub, parseRegistryReference, qualifiedRepository, RegistryTarget, registryProblem } from '../image-tags/docker-reference';

/**
 * Parses `HOST[:PORT][/NAMESPACE]` by the grammar the tag script and DockerImages share
 * ({@link parseRegistryReference}); undefined when it is not one.
 */
export function parseRegistry(value: string): RegistryTarget | undefined {
  return registryProblem(value) === undefined ? parseRegistryReference(value) : undefined;
}

/** `HOST[/NAMESPACE]/REPOSITORY`, the namespace never doubled ({@link qualifiedRepository}: `ghcr.io/acme` and `acme/orders` make `ghcr.io/acme/orders`). */
export function targetRepository(r: RegistryTarget, repository: string): string {
  return qualifiedRepository(r, repository);
}

/** The host name of `HOST[:PORT]` (`[::1]:5000` -> `::1`), lowercased. */
export function hostName(host: string): string {
  const bracketed = /^\[([^\]]*)\]/.exec(host);
  return (bracketed ? bracketed[1] : host.split(':')[0]).toLowerCase();
}

/** A host on this machine: 127.0.0.0/8, ::1 or localhost (Docker talks plain HTTP to these without configuration). */
export function isLoopback(host: string): boolean {
  const name = hostName(host);
  return name === 'localhost' || name === '::1' || /^127(?:\.\d{1,3}){3}$/.test(name);
}

/**
 * Where the registry API of a registry host answers and what docker calls it, as docker does: most
 * registries are their own host, under which `docker login HOST` stores the credentials; Docker
 * Hub (`docker.io`, `index.docker.io`) answers at `registry-1.docker.io`, keeps its credentials
 * under `https://index.docker.io/v1/` and hands out tokens from `auth.docker.io`.
 */
export interface RegistryEndpoint {
  /** `HOST[:PORT]` of the registry API (distribution v2). */
  readonly apiHost: string;
  /** The key of the registry's credentials in docker's config.json (`auths`, `credHelpers`) and for a credential helper. */
  readonly credentialsKey: string;
  /** Hosts of token services that belong to the registry (asked over HTTPS, with its credentials), besides its own. */
  readonly tokenHosts: readonly string[];
}

export function registryEndpoint(host: string): RegistryEndpoint {
  if (isDockerHub(host)) return { apiHost: DOCKER_HUB.apiHost, credentialsKey: DOCKER_HUB.credentialsKey, tokenHosts: [DOCKER_HUB.authHost] };
  if (host.toLowerCase() === DOCKER_HUB.apiHost) return { apiHost: host, credentialsKey: host, tokenHosts: [DOCKER_HUB.authHost] };
  return { apiHost: host, credentialsKey: host, tokenHosts: [] };
}

/** A repository as the registry API of `host` names it: on Docker Hub a single name is `library/NAME`, as docker pushes it. */
export function apiRepository(host: string, repository: string): string {
  return isDockerHub(host) || host.toLowerCase() === DOCKER_HUB.apiHost ? dockerHubRepository(repository) : repository;
}

/**
 * Where a registry's token realm may be asked for a token, and with what. Credentials (Docker's
 * for the registry) leave only for the registry's own host: over HTTPS, the same host name (the
 * TLS certificate vouches for the name; the port may differ, as with a token service on :5001);
 * over plain HTTP, which only a registry on this machine speaks, the very same host and port (another
 * port on this machine is another program); and a token service of the registry's own
 * ({@link registryEndpoint}: `auth.docker.io` for Docker Hub), over HTTPS. A realm on another host is asked over HTTPS only,
 * anonymously. Anything else is refused: plain HTTP off this machine, plain HTTP for a registry
 * that speaks HTTPS, another scheme, a realm with credentials in its URL.
 */
export type RealmDecision =
  | { readonly allowed: true; readonly url: URL; readonly sendCredentials: boolean; readonly withheld?: string }
  | { readonly allowed: false; readonly reason: string };

export function realmPolicy(realm: string, registryHost: string): RealmDecision {
  let url: URL;
  try {
    url = new URL(realm);
  } catch {
    return { allowed: false, reason: 'it is not a URL' };
  }
  if (url.username || url.password) return { allowed: false, reason: 'it carries credentials in its URL' };
  const registryLoopback = isLoopback(registryHost);
  const registryPort = /(?:^\[[^\]]*\]|^[^:\[]*):(\d+)$/.exec(registryHost)?.[1] ?? (registryLoopback ? '80' : '443');
  const realmName = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const realmPort = url.port || (url.protocol === 'https:' ? '443' : '80');
  const sameName = realmName === hostName(registryHost);
  if (url.protocol === 'https:') {
    const ownTokenService = realmPort === '443' && registryEndpoint(registryHost).tokenHosts.includes(realmName);
    return sameName || ownTokenService ? { allowed: true, url, sendCredentials: true }
      : { allowed: true, url, sendCredentials: false, withheld: `the realm is on another host (${url.host}) than the registry (${registryHost})` };
  }
  if (url.protocol !== 'http:') return { allowed: false, reason: `its scheme ${url.protocol} is neither https: nor http:` };
  if (!registryLoopback) return { allowed: false, reason: `it is plain HTTP, and the registry ${registryHost} speaks HTTPS: a token over HTTP can be read and changed on the way` };
  if (!isLoopback(url.host)) return { allowed: false, reason: `it is plain HTTP to ${url.host}, off this machine: only a realm on this machine (127.0.0.0/8, ::1, localhost) may be plain HTTP` };
  return sameName && realmPort === registryPort ? { allowed: true, url, sendCredentials: true }
    : { allowed: true, url, sendCredentials: false, withheld: `the realm is plain HTTP on another ${sameName ? 'port' : 'host'} (${url.host}) than the registry (${registryHost})` };
}

/** The largest manifest read, in bytes: the distribution spec's usual limit (registries refuse larger ones on push). */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
/** The most images an index may list for a lookup (BuildKit's multi-platform indexes list a few, with their attestations). */
export const MAX_INDEX_CHILDREN = 64;

/** Whether a tag may be moved to another digest: it is one of the tag script's moving tags of this build. */
export function isMovingTag(tag: string, moving: readonly string[]): boolean {
  return moving.includes(tag);
}

/** Why a registry refused. */
export type RefusalKind = 'auth' | 'unreachable' | 'immutable' | 'other';

/** Classifies docker's (or cosign's) message when a registry refuses. */
export function classifyRefusal(detail: string): RefusalKind {
  const d = detail.toLowerCase();
  // Tag immutability: ECR ("... cannot be overwritten because the repository is immutable", "tag invalid"),
  // Harbor ("... is immutable"), GAR ("... immutable tags"), ACR ("... is locked" / "write operation is not allowed").
  if (/immutable|tag invalid|cannot be overwritten|tag is locked|write operation is not allowed/.test(d)) return 'immutable';
  if (/unauthorized|authentication required|no basic auth credentials|denied|forbidden|\b401\b|\b403\b|requested access to the resource|login/.test(d)) return 'auth';
  if (/connection refused|econnrefused|enotfound|eai_again|etimedout|econnreset|ehostunreach|fetch failed|no such host|i\/o timeout|timeout|timed out|network is unreachable|no route to host|connection reset|server gave http response to https client|tls: |x509|certificate|\beof\b|dial tcp|context deadline exceeded/.test(d)) return 'unreachable';
  return 'other';
}

/** A message that says what happened and what to do, for a refusal of `kind` by the registry `host`. */
export function refusalMessage(kind: RefusalKind, host: string, what: string, detail: string): string {
  const said = `  the registry said: ${detail.trim().split('\n').filter(Boolean).slice(-1)[0] ?? 'nothing'}`;
  switch (kind) {
    case 'auth':
      return [`${host} refused ${what}: not authorized.`, said, `Log in first (\`docker login ${host}\`; on ECR \`aws ecr get-login-password | docker login --username AWS --password-stdin ${host}\`), with a user that may push to this repository.`].join('\n');
    case 'unreachable':
      return [`${host} cannot be reached for ${what}.`, said, 'Check the host and port (--registry, IMAGE_REGISTRY or the registry option of DockerImages in .projenrc.ts) and that the registry runs; a registry off this machine must speak HTTPS.'].join('\n');
    case 'immutable':
      return [`${host} refused ${what}: the tag is immutable and already on another image.`, said, 'A tag such as the commit SHA or production-vX.Y.Z never changes meaning: build a new commit (new tags) instead of moving it.'].join('\n');
    default:
      return [`${host} refused ${what}.`, said].join('\n');
  }
}

/** The digest `docker push` prints last: `TAG: digest: sha256:… size: N`. */
export function pushedDigest(output: string): string | undefined {
  const all = [...output.matchAll(/digest: (sha256:[0-9a-f]{64}) size: \d+/g)];
  return all.length ? all[all.length - 1][1] : undefined;
}

/** The command line of push:docker. */
export interface PushArgs {
  readonly registry?: string;
  readonly signKey?: string;
  readonly report?: string;
  readonly services: readonly string[];
}

export const PUSH_USAGE = 'usage: npx projen push:docker -- [--registry HOST[/NAMESPACE]] [--sign-key FILE] [--report FILE] [SERVICE...]';

/** Parses push:docker's arguments; throws with the usage on an unknown option or a missing value. */
export function parsePushArgs(argv: readonly string[]): PushArgs {
  const out: { registry?: string; signKey?: string; report?: string; services: string[] } = { services: [] };
  const value = (i: number, name: string) => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${name} needs a value: ${PUSH_USAGE}`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const take = (name: string) => inline ?? value(i++, name);
    if (a === '--') continue; // projen passes the separator through
    else if (flag === '--registry') out.registry = take('--registry');
    else if (flag === '--sign-key') out.signKey = take('--sign-key');
    else if (flag === '--report') out.report = take('--report');
    else if (a.startsWith('-')) throw new Error(`Unknown option ${a}: ${PUSH_USAGE}`);
    else out.services.push(a);
  }
  return out;
}

/** The registry to push to: `--registry`, else IMAGE_REGISTRY, else the registry of .projenrc.ts. */
export function chooseRegistry(
  flag: string | undefined, env: NodeJS.ProcessEnv, configured: string | undefined,
): { value: string; from: string } | undefined {
  if (flag) return { value: flag, from: '--registry' };
  if (env.IMAGE_REGISTRY) return { value: env.IMAGE_REGISTRY, from: 'IMAGE_REGISTRY' };
  if (configured) return { value: configured, from: 'the registry option of DockerImages in .projenrc.ts' };
  return undefined;
}

/** The candidates for "the last default-branch build" of an image, most specific first. */
export function referenceCandidates(image: string, registry: RegistryTarget | undefined, tag = 'latest'): string[] {
  return [...(registry ? [`${targetRepository(registry, image)}:${tag}`] : []), `${image}:${tag}`];
}

/**
 * What `DockerImages` adds to `.projen/docker-images.json` for shipping: the registry of
 * .projenrc.ts, the size-change threshold and the size script (absent when not configured).
 */
export interface ShippingFields {
  /** `HOST[/NAMESPACE]`, the registry option of DockerImages. */
  readonly registry?: string;
  /** The growth flagged in the size table: `10MB` or `5%`. */
  readonly sizeDeltaWarning?: string;
  /** The bundled size script, relative to the root. */
  readonly sizeScript?: string;
}

/** The shipping fields of an images manifest (read as written; DockerImages validated them). */
export function shippingFields(manifest: object): ShippingFields {
  const m = manifest as ShippingFields;
  return {
    ...(typeof m.registry === 'string' ? { registry: m.registry } : {}),
    ...(typeof m.sizeDeltaWarning === 'string' ? { sizeDeltaWarning: m.sizeDeltaWarning } : {}),
    ...(typeof m.sizeScript === 'string' ? { sizeScript: m.sizeScript } : {}),
  };
}

/** The manifest types a lookup accepts: OCI and Docker, single images and indexes (BuildKit pushes OCI indexes). */
export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/** A `WWW-Authenticate` challenge: its scheme (`bearer`, `basic`) and parameters (realm, service, scope). */
export function parseChallenge(header: string | null | undefined): { scheme: string; params: Record<string, string> } | undefined {
  const m = /^\s*(\w+)\s*(.*)$/s.exec(header ?? '');
  if (!m) return undefined;
  const params: Record<string, string> = {};
  for (const p of m[2].matchAll(/(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) params[p[1].toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3];
  return { scheme: m[1].toLowerCase(), params };
}

/** What a manifest says: the config digest of an image, or the manifests an index lists. */
export function manifestParts(body: unknown): { config?: string; children: string[] } {
  const m = body as { config?: { digest?: string }; manifests?: { digest?: string; platform?: { os?: string } }[] };
  return {
    ...(m?.config?.digest ? { config: m.config.digest } : {}),
    // Attestation manifests (platform unknown) describe an image; they are none.
    children: (m?.manifests ?? []).filter((c) => c.digest && c.platform?.os !== 'unknown').map((c) => c.digest!),
  };
}
