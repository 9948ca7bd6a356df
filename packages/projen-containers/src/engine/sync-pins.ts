/**
 * The work of `sync-pins`: pins that Dependabot (or anyone) changed in a generated file, copied
 * back to the file that holds them (github-actions.lock.json, base-images.lock.json,
 * dependency-pins.json), and the changes that cannot be, each reported with its fix.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { literalFromLines, splitReference } from './from-lines';
import { DEPENDENCY_PINS_FILE, EXACT_VERSION, readDependencyPins, writeDependencyPins } from '../dependency-pins';
import { baseImagesLockFile, IMAGES_MANIFEST, ImagesManifest } from '../lib/images-manifest';
import { BaseImagePin, DEFAULT_ACTIONS_LOCK } from '../lib/lock-files';

/** What sync-pins did, and what it could not do. */
export interface SyncResult {
  /** Pins copied back, one line each. */
  readonly changes: string[];
  /** Changes that need a person, each saying what to do; the command exits 1 when there is one. */
  readonly problems: string[];
}

const stamp = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

function syncActionPins(root: string, result: SyncResult): void {
  const actionsLock = path.join(root, DEFAULT_ACTIONS_LOCK);
  if (!existsSync(actionsLock)) return;
  const actions = JSON.parse(readFileSync(actionsLock, 'utf8')) as Record<string, { version: string; sha: string }>;
  const wfDir = path.join(root, '.github', 'workflows');
  let changed = false;
  for (const file of existsSync(wfDir) ? readdirSync(wfDir).filter((f) => /\.ya?ml$/.test(f)).sort() : []) {
    for (const m of readFileSync(path.join(wfDir, file), 'utf8').matchAll(/uses:\s*([\w.-]+\/[\w.-]+)(?:\/[\w./-]+)?@([0-9a-f]{40})\s*#\s*(v[\w.-]+)/g)) {
      const [, repo, sha, version] = m;
      const pin = actions[repo];
      if (pin && (pin.sha !== sha || pin.version !== version) && compareVersions(version, pin.version) > 0) {
        result.changes.push(`${repo}: ${pin.version} -> ${version} (${file})`);
        actions[repo] = { version, sha };
        changed = true;
      }
    }
  }
  // One action a line, as the file is kept.
  if (changed) writeFileSync(actionsLock, `{\n${Object.entries(actions).map(([k, v]) => `  ${JSON.stringify(k)}: { "version": ${JSON.stringify(v.version)}, "sha": ${JSON.stringify(v.sha)} }`).join(',\n')}\n}\n`);
}

/** A service's package.json bumped a followed package (Dependabot's npm update): record the version. */
function syncDependencyPins(root: string, result: SyncResult): void {
  const pins = readDependencyPins(root);
  let changed = false;
  for (const [folder, packages] of Object.entries(pins)) {
    const file = path.join(root, folder, 'package.json');
    if (!existsSync(file)) continue;
    const pj = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, string> | undefined>;
    for (const [pkg, version] of Object.entries(packages)) {
      const spec = pj.dependencies?.[pkg] ?? pj.devDependencies?.[pkg];
      if (!spec || spec === version) continue;
      if (!EXACT_VERSION.test(spec)) {
        result.problems.push(`${folder}/package.json asks for ${pkg} "${spec}", not an exact version: a base image follows it, so it must be exact. Set it in ${DEPENDENCY_PINS_FILE} and run \`npx projen\`.`);
      } else if (compareVersions(spec, version) > 0) {
        result.changes.push(`${pkg}: ${version} -> ${spec} (${folder}/package.json)`);
        packages[pkg] = spec;
        changed = true;
      }
    }
  }
  if (changed) writeDependencyPins(root, pins);
}

/** The images manifest, when the checkout has one (it is committed with the generated files). */
function loadManifest(root: string): ImagesManifest | undefined {
  const file = path.join(root, IMAGES_MANIFEST);
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) as ImagesManifest : undefined;
}

/** The base-image lines Dependabot's docker updater changed: digests to the lock file, new tags reported. */
function syncBaseImagePins(root: string, now: Date, result: SyncResult): void {
  const manifest = loadManifest(root);
  const lockFile = baseImagesLockFile(manifest);
  const lockPath = path.join(root, lockFile);
  if (!existsSync(lockPath)) return;
  const lock = JSON.parse(readFileSync(lockPath, 'utf8')) as Record<string, BaseImagePin>;
  // Without the manifest (a bare checkout), every top-level */Dockerfile, each base taken as it is.
  const dockerfiles = manifest?.images ?? readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(root, d.name, 'Dockerfile')))
    .map((d) => ({ context: d.name, dockerfile: `${d.name}/Dockerfile`, baseArg: '', baseImage: '' }));
  const found = new Map<string, Map<string, string>>(); // repo:tag -> digest -> first Dockerfile
  for (const entry of dockerfiles) {
    const file = path.join(root, entry.dockerfile);
    if (!existsSync(file)) continue;
    const declared = Object.entries(manifest?.baseImages ?? {}).find(([, b]) => b.buildArg === entry.baseArg);
    const expected = entry.baseImage ? splitReference(entry.baseImage) : undefined;
    for (const { ref } of literalFromLines(readFileSync(file, 'utf8'))) {
      if (!ref.tag || (expected && ref.repository !== expected.repository)) continue;
      const key = `${ref.repository}:${ref.tag}`;
      if (expected && ref.tag !== expected.tag) {
        const [name, spec] = declared ?? ['?', undefined];
        const pkg = spec && spec.tag.includes('{version}') ? spec.versionOf ?? '@playwright/test' : undefined;
        if (pkg) {
          result.problems.push(`${entry.dockerfile}: ${ref.repository} moved from ${expected.tag} to ${ref.tag}, but this image's tag follows ${pkg} (the version in ${entry.context}/package-lock.json). Close this pull request and update ${pkg} instead (in ${DEPENDENCY_PINS_FILE}, or let Dependabot's npm update do it): the image follows.`);
          continue;
        }
        result.problems.push(`${entry.dockerfile}: ${ref.repository} moved from ${expected.tag} to ${ref.tag}. The tracked tag is declared in .projenrc.ts: set tag: '${ref.tag}' in addBaseImage('${name}', ...) on this branch and run \`npx projen\` (the new digest is now in ${lockFile}), or close this pull request.`);
      }
      if (!ref.digest || lock[key]?.digest === ref.digest) continue;
      const digests = found.get(key) ?? new Map<string, string>();
      if (!digests.has(ref.digest)) digests.set(ref.digest, entry.dockerfile);
      found.set(key, digests);
    }
  }
  let changed = false;
  for (const [key, digests] of [...found].sort(([a], [b]) => a.localeCompare(b))) {
    if (digests.size > 1) {
      result.problems.push(`${key} is pinned to different digests in ${[...digests.values()].join(' and ')}: keep one (the newest) in every Dockerfile, then run \`npx projen sync-pins\` again.`);
      continue;
    }
    const [[digest, dockerfile]] = [...digests];
    result.changes.push(`${key}: ${lock[key]?.digest ?? 'unpinned'} -> ${digest} (${dockerfile})`);
    lock[key] = { digest, resolvedAt: stamp(now), source: `${dockerfile} (sync-pins)` };
    changed = true;
  }
  if (changed) writeFileSync(lockPath, JSON.stringify(lock, null, 2) + '\n');
}

export function syncPins(root: string, now = new Date()): SyncResult {
  const result: SyncResult = { changes: [], problems: [] };
  syncActionPins(root, result);
  syncDependencyPins(root, result);
  syncBaseImagePins(root, now, result);
  return result;
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
