/**
 * The compile a developer runs on the host, measured beside the image's source-only rebuild: the
 * service's own `tsc --build`, incremental, after the same one-file change.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { sourceFileToChange } from './bench-changes';
import type { ImageManifestEntry } from '../lib/images-manifest';
import { ROOT } from '../lib/source-file';

/** The kinds whose service a developer compiles with `tsc` to `lib/`. */
const TSC_KINDS: ReadonlySet<string> = new Set(['node-service', 'node-worker']);

/** What the host compile is, as the report says it. */
export const HOST_COMPILE_COMMAND = 'tsc --build';

/**
 * Why the host compile of a service cannot be measured, or undefined when it can: a kind that is
 * not compiled by tsc, no tsconfig.json, or no TypeScript installed in the service's folder.
 */
export function hostCompileProblem(entry: ImageManifestEntry, root = ROOT): string | undefined {
  const dir = path.join(root, entry.context);
  if (!TSC_KINDS.has(entry.kind)) return `a ${entry.kind} is not compiled by tsc`;
  if (!existsSync(path.join(dir, 'tsconfig.json'))) return `${entry.context}/tsconfig.json is missing`;
  if (!existsSync(path.join(dir, 'node_modules', '.bin', 'tsc'))) return `TypeScript is not installed in ${entry.context} (npm ci there first)`;
  return undefined;
}

/**
 * Seconds of an incremental `tsc --build` after a comment is appended to one source file, in a copy
 * of the service folder (its node_modules linked): a first build writes the build info, the second
 * is measured, as on a developer's machine between two edits. Throws when tsc fails.
 */
export function measureHostCompile(entry: ImageManifestEntry, root = ROOT): number {
  const src = path.join(root, entry.context);
  const dir = mkdtempSync(path.join(tmpdir(), `host-compile-${entry.service}-`));
  try {
    cpSync(src, dir, { recursive: true, filter: (p) => !(path.dirname(p) === src && ['node_modules', 'lib', 'tsconfig.tsbuildinfo'].includes(path.basename(p))) });
    symlinkSync(path.join(src, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    const tsc = () => {
      const started = process.hrtime.bigint();
      const r = spawnSync(path.join(dir, 'node_modules', '.bin', 'tsc'), ['--build'], { cwd: dir, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`${HOST_COMPILE_COMMAND} failed in a copy of ${entry.context} (exit ${r.status ?? r.error?.message}): ${(r.stdout + r.stderr).trim().split('\n').slice(-3).join(' / ')}`);
      return Number(process.hrtime.bigint() - started) / 1e9;
    };
    tsc();
    appendFileSync(sourceFileToChange(dir), `\n// bench:docker source change ${Date.now()}\n`);
    return tsc();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
