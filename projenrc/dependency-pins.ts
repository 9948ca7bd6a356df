/**
 * Exact versions of npm packages that other pins follow, held in one committed file
 * (`dependency-pins.json`, by service folder then package):
 *
 *     { "playwright-runner": { "@playwright/test": "1.65.1" } }
 *
 * The Playwright base image's tag is the installed @playwright/test version, so that version must
 * be able to move without a hand edit: `.projenrc.ts` reads it from here
 * (`pinnedDependency(project, 'playwright-runner', '@playwright/test')`), and when Dependabot bumps
 * the package in the generated package.json, `npx projen sync-pins` copies the new version back
 * here, so that `npx projen` keeps it and regenerates the Dockerfile with the matching image.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Project } from 'projen';

export const DEPENDENCY_PINS_FILE = 'dependency-pins.json';

/** Service folder (relative to the root) -> package name -> exact version. */
export type DependencyPins = Record<string, Record<string, string>>;

/** An exact version, as npm writes it for `pkg@1.2.3` (no range). */
export const EXACT_VERSION = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

/** The pins of a repository; an empty set when the file does not exist. */
export function readDependencyPins(root: string): DependencyPins {
  const file = path.join(root, DEPENDENCY_PINS_FILE);
  if (!existsSync(file)) return {};
  let pins: DependencyPins;
  try {
    pins = JSON.parse(readFileSync(file, 'utf8')) as DependencyPins;
  } catch (err) {
    throw new Error(`Unable to parse ${DEPENDENCY_PINS_FILE}: ${(err as Error).message}. Fix the file (or restore it from git) and run \`npx projen\` again.`);
  }
  for (const [folder, packages] of Object.entries(pins)) {
    for (const [pkg, version] of Object.entries(packages ?? {})) {
      if (!EXACT_VERSION.test(version)) throw new Error(`${DEPENDENCY_PINS_FILE}: ${folder} pins ${pkg} to "${version}", not an exact version such as 1.65.1.`);
    }
  }
  return pins;
}

export function writeDependencyPins(root: string, pins: DependencyPins): void {
  writeFileSync(path.join(root, DEPENDENCY_PINS_FILE), JSON.stringify(pins, null, 2) + '\n');
}

/**
 * `pkg@<exact version>` from dependency-pins.json, for a project's `deps`. Throws, naming the
 * line to add, when the file has no version for it.
 */
export function pinnedDependency(root: Project | string, folder: string, pkg: string): string {
  const dir = typeof root === 'string' ? root : root.outdir;
  const version = readDependencyPins(dir)[folder]?.[pkg];
  if (!version) {
    throw new Error(`${DEPENDENCY_PINS_FILE} has no version of ${pkg} for ${folder}: add "${folder}": { "${pkg}": "<exact version>" } to it and run \`npx projen\`.`);
  }
  return `${pkg}@${version}`;
}
