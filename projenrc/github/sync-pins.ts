/**
 * `npx projen sync-pins`: when Dependabot (or anyone) changed a pin in a generated file, copy it
 * back to the file that holds it, so the next `npx projen` keeps it:
 * - `uses: owner/repo@<sha> # vX.Y.Z` in .github/workflows/*.yml -> github-actions.lock.json
 * - `ARG *_IMAGE=repo:tag@sha256:...` in the generated Dockerfiles -> base-images.lock.json
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

export function syncPins(root: string, now = new Date()): string[] {
  const changes: string[] = [];
  const actionsLock = path.join(root, 'github-actions.lock.json');
  const actions = JSON.parse(readFileSync(actionsLock, 'utf8')) as Record<string, { version: string; sha: string }>;
  const wfDir = path.join(root, '.github', 'workflows');
  for (const file of existsSync(wfDir) ? readdirSync(wfDir).filter((f) => /\.ya?ml$/.test(f)) : []) {
    for (const m of readFileSync(path.join(wfDir, file), 'utf8').matchAll(/uses:\s*([\w.-]+\/[\w.-]+)(?:\/[\w./-]+)?@([0-9a-f]{40})\s*#\s*(v[\w.-]+)/g)) {
      const [, repo, sha, version] = m;
      const pin = actions[repo];
      if (pin && (pin.sha !== sha || pin.version !== version) && compareVersions(version, pin.version) > 0) {
        changes.push(`${repo}: ${pin.version} -> ${version} (${file})`);
        actions[repo] = { version, sha };
      }
    }
  }
  writeFileSync(actionsLock, JSON.stringify(actions, null, 2) + '\n');

  const baseLock = path.join(root, 'base-images.lock.json');
  const bases = JSON.parse(readFileSync(baseLock, 'utf8')) as Record<string, { digest: string | null; resolvedAt?: string }>;
  for (const dir of readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    const df = path.join(root, dir.name, 'Dockerfile');
    if (!existsSync(df)) continue;
    for (const m of readFileSync(df, 'utf8').matchAll(/^ARG [A-Z0-9_]+_IMAGE=([^@\s]+)@(sha256:[0-9a-f]{64})$/gm)) {
      const [, ref, digest] = m;
      if (bases[ref]?.digest !== digest) {
        changes.push(`${ref}: ${bases[ref]?.digest ?? 'unpinned'} -> ${digest} (${dir.name}/Dockerfile)`);
        bases[ref] = { digest, resolvedAt: now.toISOString().replace(/\.\d{3}Z$/, 'Z') };
      }
    }
  }
  writeFileSync(baseLock, JSON.stringify(bases, null, 2) + '\n');
  return changes;
}

/** Compares `v1.2.3` style versions numerically. */
export function compareVersions(a: string, b: string): number {
  const pa = a.replace(/^v/, '').split(/[.-]/).map((x) => Number(x));
  const pb = b.replace(/^v/, '').split(/[.-]/).map((x) => Number(x));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] || 0) - (pb[i] || 0);
    if (d !== 0 && !Number.isNaN(d)) return d;
  }
  return 0;
}

if (require.main === module) {
  const changes = syncPins(path.resolve(__dirname, '..', '..'));
  console.log(changes.length ? changes.map((c) => `sync-pins: ${c}`).join('\n') : 'sync-pins: generated files and pins agree.');
}
