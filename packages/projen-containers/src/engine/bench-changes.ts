/** The changes the benchmark rebuilds after: a comment in a source file, a dependency added to package.json and its lockfile. */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/** The file a source-only change edits: the first TypeScript file under src/, else tests/. */
export function sourceFileToChange(dir: string): string {
  for (const folder of ['src', 'tests']) {
    let entries;
    try {
      entries = readdirSync(path.join(dir, folder), { recursive: true, withFileTypes: true });
    } catch {
      continue;
    }
    const found = entries.filter((d) => d.isFile() && /\.tsx?$/.test(d.name))
      .map((d) => path.join(d.parentPath, d.name)).sort()[0];
    if (found) return found;
  }
  throw new Error(`No TypeScript file under ${dir}/src or ${dir}/tests to change for the source-only rebuild.`);
}

/** package.json and package-lock.json with one dependency added, resolved by npm against the registry once. */
export interface DependencyChange { readonly packageJson: string; readonly packageLock: string }

export function resolveDependencyChange(contextDir: string, spec: string): DependencyChange {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-deps-'));
  try {
    for (const f of ['package.json', 'package-lock.json']) copyFileSync(path.join(contextDir, f), path.join(dir, f));
    const r = spawnSync('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund', '--save-exact', spec], { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) {
      throw new Error(`npm could not add ${spec} for the dependency-change rebuild (exit ${r.status ?? r.error?.message}): ${(r.stderr || r.stdout).trim().split('\n').slice(-5).join(' / ')}`);
    }
    const name = spec.slice(0, spec.lastIndexOf('@'));
    const packageJson = readFileSync(path.join(dir, 'package.json'), 'utf8');
    if (!JSON.parse(packageJson).dependencies?.[name]) throw new Error(`npm install ${spec} left package.json without ${name}.`);
    return { packageJson, packageLock: readFileSync(path.join(dir, 'package-lock.json'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
