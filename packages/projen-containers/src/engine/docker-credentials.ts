/** The credentials `docker login` stored for a registry, found as docker finds them. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { registryEndpoint } from '../lib/registry-push';

/** The host of a key of config.json's `auths`, as docker compares them: `https://ghcr.io/` -> `ghcr.io`. */
function keyHost(key: string): string {
  return key.replace(/^https?:\/\//, '').split('/')[0];
}

/**
 * The credentials Docker holds for a registry host (docker login): credential helpers first, then
 * config.json. Looked up under the key docker uses ({@link registryEndpoint}): the host itself, or
 * `https://index.docker.io/v1/` for Docker Hub (`docker.io`, `index.docker.io`).
 */
export function dockerCredentials(host: string, env: NodeJS.ProcessEnv = process.env): { username: string; password: string } | undefined {
  let config: { auths?: Record<string, { auth?: string }>; credsStore?: string; credHelpers?: Record<string, string> };
  try {
    config = JSON.parse(readFileSync(path.join(env.DOCKER_CONFIG ?? path.join(homedir(), '.docker'), 'config.json'), 'utf8'));
  } catch {
    return undefined;
  }
  const key = registryEndpoint(host).credentialsKey;
  const helper = config.credHelpers?.[key] ?? config.credsStore;
  if (helper) {
    const r = spawnSync(`docker-credential-${helper}`, ['get'], { input: key, encoding: 'utf8', timeout: 30_000, env: { ...process.env, ...env } });
    if (r.status === 0) {
      const c = JSON.parse(r.stdout) as { Username?: string; Secret?: string };
      if (c.Secret) return { username: c.Username ?? '', password: c.Secret };
    }
  }
  const auths = config.auths ?? {};
  const found = Object.prototype.hasOwnProperty.call(auths, key) ? auths[key] : Object.entries(auths).find(([k]) => keyHost(k) === key)?.[1];
  const auth = found?.auth;
  if (!auth) return undefined;
  const text = Buffer.from(auth, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon < 0 ? undefined : { username: text.slice(0, colon), password: text.slice(colon + 1) };
}
