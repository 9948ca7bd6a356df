/** A service's build context as a clone holds it, copied where a build may change it. */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ImageManifestEntry } from '../lib/images-manifest';
import { ROOT } from '../lib/source-file';

/** Folders the host builds or writes in a service folder, for a tree that is no git repository. */
const HOST_OUTPUT = new Set(['node_modules', '.next', 'lib', 'test-reports', 'results', 'coverage', 'test-results', 'tsconfig.tsbuildinfo', 'next-env.d.ts']);

/**
 * The files of a service folder as a clone holds them, uncommitted work included: git's tracked
 * and untracked files minus what .gitignore leaves out (node_modules, build output, reports).
 * Outside a git repository, the folder minus the usual host output.
 */
function sourceFiles(src: string): string[] | undefined {
  const r = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', '.'], { cwd: src, encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  return r.stdout.split('\0').filter((f) => f && existsSync(path.join(src, f)));
}

/**
 * A temporary copy of a service's build context without what the host built there, for builds
 * that change the context (the image tests plant files in it, the benchmark edits a source).
 */
export function copyContext(entry: ImageManifestEntry, root = ROOT): string {
  const src = path.join(root, entry.context);
  const dir = mkdtempSync(path.join(tmpdir(), `context-${entry.service}-`));
  const files = sourceFiles(src);
  if (files) {
    for (const f of files) cpSync(path.join(src, f), path.join(dir, f), { recursive: false });
  } else {
    cpSync(src, dir, { recursive: true, filter: (p) => !(path.dirname(p) === src && HOST_OUTPUT.has(path.basename(p))) });
  }
  return dir;
}
