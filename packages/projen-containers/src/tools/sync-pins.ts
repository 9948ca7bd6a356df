#!/usr/bin/env node
/**
 * `npx projen sync-pins`: when Dependabot (or anyone) changed a pin in a generated file, copy it
 * back to the file that holds it, so that the next `npx projen` keeps it:
 * - `uses: owner/repo@<sha> # vX.Y.Z` in .github/workflows/*.yml -> github-actions.lock.json;
 * - `FROM repo:tag@sha256:... AS <name>-base` in the generated Dockerfiles -> base-images.lock.json;
 * - an exact version of a package that a base image follows (@playwright/test) in a service's
 *   package.json -> dependency-pins.json (then `npx projen` regenerates the Dockerfile with the
 *   image of that version).
 *
 * A change that cannot be copied back is a problem, reported with its fix, and the command exits 1:
 * a new tag of an image whose tag follows a package (bump the package instead), or a new tag of
 * an image whose tag is declared in .projenrc.ts (change it there; its digest is recorded).
 */
import * as path from 'node:path';
import { syncPins } from '../engine/sync-pins';
import { ROOT } from '../lib/source-file';

/** The command line: `[--root DIR]` for another checkout (and the tests); the repository root by default. */
export function main(argv: string[]): number {
  const at = argv.indexOf('--root');
  const { changes, problems } = syncPins(at >= 0 && argv[at + 1] ? path.resolve(argv[at + 1]) : ROOT);
  console.log(changes.length ? changes.map((c) => `sync-pins: ${c}`).join('\n') : 'sync-pins: generated files and pins agree.');
  // On GitHub, each problem is an error annotation on the run.
  for (const p of problems) console.error(process.env.GITHUB_ACTIONS ? `::error title=sync-pins::${p}` : `sync-pins: ${p}`);
  return problems.length ? 1 : 0;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
