/** The digest a registry serves for a base image's tag, asked through the registry API (distribution v2). */
import { DOCKER_HUB, dockerHubRepository, isDockerHub } from '../image-tags/docker-reference';
import { splitRegistry } from '../lib/image-reference';
import { MANIFEST_ACCEPT, parseChallenge } from '../lib/registry-push';

/** Where a reference lives: `node:24-alpine` (or `docker.io/library/node:24-alpine`) -> Docker Hub's registry-1.docker.io, library/node, 24-alpine. */
export function parseReference(ref: string): { registry: string; repository: string; tag: string } {
  const noDigest = ref.split('@')[0];
  const colon = noDigest.lastIndexOf(':');
  if (colon < 0 || noDigest.lastIndexOf('/') > colon) throw new Error(`${ref} has no tag: base images are tracked by tag and pinned by digest.`);
  const tag = noDigest.slice(colon + 1);
  const { registry, path: repository } = splitRegistry(noDigest.slice(0, colon));
  // Docker Hub (no registry, docker.io or index.docker.io): its API host, official images under library/.
  if (!registry || isDockerHub(registry)) return { registry: DOCKER_HUB.apiHost, repository: dockerHubRepository(repository), tag };
  return { registry, repository, tag };
}

async function bearerToken(challenge: string): Promise<string | undefined> {
  const params = parseChallenge(challenge)?.params ?? {};
  if (!params.realm) return undefined;
  const url = new URL(params.realm);
  if (params.service) url.searchParams.set('service', params.service);
  if (params.scope) url.searchParams.set('scope', params.scope);
  const res = await fetch(url);
  if (!res.ok) throw new Error(`token request to ${url.host} failed: ${res.status}`);
  const body = (await res.json()) as { token?: string; access_token?: string };
  return body.token ?? body.access_token;
}

/** The digest a registry serves for repository:tag (a HEAD on the manifest, anonymous token if asked). */
export async function resolveDigest(ref: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const { registry, repository, tag } = parseReference(ref);
  const base = env.BASE_IMAGES_REGISTRY_URL ? env.BASE_IMAGES_REGISTRY_URL.replace(/\/$/, '') : `https://${registry}`;
  const url = `${base}/v2/${repository}/manifests/${tag}`;
  let res = await fetch(url, { method: 'HEAD', headers: { Accept: MANIFEST_ACCEPT } });
  if (res.status === 401) {
    const token = await bearerToken(res.headers.get('www-authenticate') ?? '');
    if (token) res = await fetch(url, { method: 'HEAD', headers: { Accept: MANIFEST_ACCEPT, Authorization: `Bearer ${token}` } });
  }
  if (!res.ok) throw new Error(`${ref}: the registry answered ${res.status} for ${url}`);
  const digest = res.headers.get('docker-content-digest');
  if (!digest || !/^sha256:[0-9a-f]{64}$/.test(digest)) throw new Error(`${ref}: the registry sent no usable Docker-Content-Digest header`);
  return digest;
}
