/**
 * The long-running parts of the local twin of GitHub Actions, each on 127.0.0.1 only:
 * a registry (Debian's docker-registry, the CNCF distribution registry) and a BuildKit daemon
 * whose `docker.io` mirror is that registry (what `sbom: true` pulls) and which talks plain HTTP
 * to it. Both keep their data in the twin's state folder, so a later event sees what an earlier
 * one pushed and built (as GitHub's registry and layer cache would).
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { freePort } from '../lib/load';
import { MANIFEST_ACCEPT } from '../lib/registry-push';

async function waitFor(what: string, ok: () => Promise<boolean> | boolean, timeoutMs: number, log?: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not start within ${timeoutMs / 1000} s${log ? ` (see ${log})` : ''}.`);
}

async function answers(url: string): Promise<boolean> {
  try {
    const r = await fetch(url);
    return r.status < 500;
  } catch {
    return false;
  }
}

export interface Service {
  /** `127.0.0.1:PORT` for the registry, the socket address for BuildKit. */
  readonly address: string;
  stop(): void;
}

function stopper(child: ChildProcess): () => void {
  return () => {
    if (child.exitCode === null) child.kill('SIGTERM');
  };
}

/** A registry at `127.0.0.1:PORT`, storing under `dir`; a given `address` is used as it is (nothing started). */
export async function startRegistry(dir: string, given?: string): Promise<Service> {
  if (given) {
    if (!await answers(`http://${given}/v2/`)) throw new Error(`No registry answers at http://${given}/v2/: start it, or leave --registry out and the twin starts one.`);
    return { address: given, stop: () => undefined };
  }
  if (spawnSync('docker-registry', ['--version']).error) throw new Error('docker-registry is not installed: `bash tools/install-linters.sh` installs it (Debian package docker-registry).');
  const port = await freePort();
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  const config = path.join(dir, 'config.yml');
  writeFileSync(config, [
    'version: 0.1',
    'log: { level: warn }',
    `storage: { filesystem: { rootdirectory: ${JSON.stringify(path.join(dir, 'data'))} }, delete: { enabled: true } }`,
    `http: { addr: 127.0.0.1:${port} }`,
    '',
  ].join('\n'));
  const log = path.join(dir, 'registry.log');
  const child = spawn('docker-registry', ['serve', config], { stdio: ['ignore', openSync(log, 'a'), openSync(log, 'a')], detached: false });
  const address = `127.0.0.1:${port}`;
  await waitFor('The registry', () => answers(`http://${address}/v2/`), 15000, log);
  return { address, stop: stopper(child) };
}

/**
 * A BuildKit daemon (OCI worker, runc, host network) on a unix socket under `dir`, with its
 * layer cache under `cacheDir` (kept across runs). `registry` is reached over plain HTTP and
 * mirrors `docker.io`.
 */
export async function startBuildkitd(bin: string, dir: string, cacheDir: string, registry: string): Promise<Service> {
  mkdirSync(dir, { recursive: true });
  mkdirSync(cacheDir, { recursive: true });
  const config = path.join(dir, 'buildkitd.toml');
  writeFileSync(config, [
    '[worker.oci]',
    '  enabled = true',
    '  gc = true',
    '  gckeepstorage = "20GB"',
    '[worker.containerd]',
    '  enabled = false',
    `[registry."${registry}"]`,
    '  http = true',
    '[registry."docker.io"]',
    `  mirrors = ["${registry}"]`,
    '',
  ].join('\n'));
  const socket = path.join(dir, 'buildkitd.sock');
  const log = path.join(dir, 'buildkitd.log');
  const child = spawn(path.join(bin, 'buildkitd'), [
    '--config', config, '--root', cacheDir, '--addr', `unix://${socket}`, '--oci-worker-net', 'host',
  ], { stdio: ['ignore', openSync(log, 'a'), openSync(log, 'a')] });
  const address = `unix://${socket}`;
  await waitFor('buildkitd', () => existsSync(socket) && spawnSync(path.join(bin, 'buildctl'), ['--addr', address, 'debug', 'workers']).status === 0, 30000, log);
  return { address, stop: stopper(child) };
}

/** Whether the registry holds `repository:tag`. */
export async function registryHas(registry: string, repository: string, tag: string): Promise<boolean> {
  const r = await fetch(`http://${registry}/v2/${repository}/manifests/${tag}`, {
    method: 'HEAD',
    headers: { Accept: MANIFEST_ACCEPT },
  });
  return r.ok;
}

/** Every repository of the registry with its tags and each tag's digest. */
export async function registryContents(registry: string): Promise<Record<string, Record<string, string>>> {
  const out: Record<string, Record<string, string>> = {};
  const catalog = await (await fetch(`http://${registry}/v2/_catalog?n=1000`)).json() as { repositories?: string[] };
  for (const repo of catalog.repositories ?? []) {
    const tags = (await (await fetch(`http://${registry}/v2/${repo}/tags/list`)).json() as { tags?: string[] | null }).tags ?? [];
    out[repo] = {};
    for (const tag of tags.sort()) {
      const r = await fetch(`http://${registry}/v2/${repo}/manifests/${tag}`, {
        method: 'HEAD',
        headers: { Accept: MANIFEST_ACCEPT },
      });
      out[repo][tag] = r.headers.get('docker-content-digest') ?? '?';
    }
  }
  return out;
}

