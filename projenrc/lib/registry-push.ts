/**
 * The pure part of `push:docker`: where an image goes (`HOST[/NAMESPACE]/REPOSITORY:TAG`), which
 * tags may move, what a registry's refusal means, and the command line. No projen import, no I/O.
 */

/** A registry to push to: its host and an optional namespace before each repository. */
export interface RegistryTarget {
  /** `HOST[:PORT]`, e.g. `127.0.0.1:5000`, `ghcr.io`, `123456789012.dkr.ecr.eu-west-1.amazonaws.com`. */
  readonly host: string;
  /** Path before the repositories, e.g. `acme` (ghcr.io/acme/qualisys/api). */
  readonly namespace?: string;
}

/** What a registry may be, for error messages. */
export const REGISTRY_FORMS = 'a registry host with an optional port and namespace, such as 127.0.0.1:5000, ghcr.io/acme or 123456789012.dkr.ecr.eu-west-1.amazonaws.com (no scheme, no tag)';

const HOST_LABEL = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

/**
 * Parses `HOST[:PORT][/NAMESPACE]`; undefined when it is not one. The host must look like a host
 * (a dot, a port, or `localhost`), so a namespace alone (`acme`) is not taken for one.
 */
export function parseRegistry(value: string): RegistryTarget | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > 255 || /\s/.test(value)) return undefined;
  const [hostPort, ...rest] = value.replace(/\/+$/, '').split('/');
  const [host, port, ...extra] = hostPort.split(':');
  const hostOk = extra.length === 0 && host.split('.').every((l) => HOST_LABEL.test(l))
    && (port === undefined || (/^[0-9]{1,5}$/.test(port) && Number(port) > 0 && Number(port) < 65536))
    && (host.includes('.') || port !== undefined || host === 'localhost');
  if (!hostOk || !rest.every((c) => PATH_COMPONENT.test(c))) return undefined;
  return rest.length ? { host: hostPort, namespace: rest.join('/') } : { host: hostPort };
}

export function registryText(r: RegistryTarget): string {
  return r.namespace ? `${r.host}/${r.namespace}` : r.host;
}

/** `HOST[/NAMESPACE]/REPOSITORY`. */
export function targetRepository(r: RegistryTarget, repository: string): string {
  return `${registryText(r)}/${repository}`;
}

/** A registry on this machine (Docker talks plain HTTP to 127.0.0.0/8 and localhost without configuration). */
export function isLoopback(host: string): boolean {
  const name = host.split(':')[0];
  return name === 'localhost' || /^127(?:\.\d{1,3}){3}$/.test(name);
}

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
