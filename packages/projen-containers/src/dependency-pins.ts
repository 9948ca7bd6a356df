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
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Project } from 'projen';
import { ContentProblem, readLockFile } from './lib/lock-files';
import { check, lockFile } from './validate';

export const DEPENDENCY_PINS_FILE = 'dependency-pins.json';

/** Service folder (relative to the root) -> package name -> exact version. */
export type DependencyPins = Record<string, Record<string, string>>;

/** An exact version, as npm writes it for `pkg@1.2.3` (no range). */
export const EXACT_VERSION = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

/** What is wrong in dependency-pins.json: an object of service folders to objects of package names to exact versions. */
export function dependencyPinsProblem(data: unknown): ContentProblem | undefined {
  const shape = 'an object of service folders to { "<package>": "<exact version>" }, such as { "playwright-runner": { "@playwright/test": "1.65.1" } }';
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(data)) return [data, shape];
  for (const [folder, packages] of Object.entries(data)) {
    if (!isObject(packages)) return [packages, `for ${folder}, ${shape.replace('an object of service folders to ', '')}`];
    for (const [pkg, version] of Object.entries(packages)) {
      if (typeof version !== 'string' || !EXACT_VERSION.test(version)) return [version, `for ${pkg} of ${folder}, an exact version such as 1.65.1`];
    }
  }
  return undefined;
}

/** The pins of a repository; an empty set when the file does not exist. A file that is no JSON or has the wrong shape is a ConfigError naming what is wrong. */
export function readDependencyPins(root: string): DependencyPins {
  return lockFile('DependencyPins', DEPENDENCY_PINS_FILE, readLockFile<DependencyPins>(path.join(root, DEPENDENCY_PINS_FILE), dependencyPinsProblem)) ?? {};
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
  check(version !== undefined, 'DependencyPins', `version of ${pkg}`, folder, `a folder that ${DEPENDENCY_PINS_FILE} pins ${pkg} for: add "${folder}": { "${pkg}": "<exact version>" } to it and run \`npx projen\``);
  return `${pkg}@${version}`;
}
