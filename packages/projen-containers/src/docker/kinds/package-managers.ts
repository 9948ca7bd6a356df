/**
 * The Node.js package managers an image installs a service's dependencies with: the one its
 * projen `NodeProject` uses (`package.packageManager`), npm for any other project. Each installs
 * from its own lock file only, under a shared cache mount.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Project } from 'projen';
import { ConfigError } from '../../validate';
import type { RunMount } from '../dockerfile-model';

/** How an image installs dependencies with one package manager. */
export interface PackageManagerRecipe {
  /** Its name in messages and docs, e.g. `pnpm`. */
  readonly name: string;
  /** The lock file the install reads, at the root of the service folder. */
  readonly lockFile: string;
  /** Other files the install reads besides package.json and the lock file (`.yarnrc.yml`). */
  readonly configFiles: readonly string[];
  /** Run before the install, in the same RUN (`corepack enable`). @default none */
  readonly setup?: string;
  /** Installs every dependency from the lock file, failing if it is out of date. */
  readonly install: string;
  /** Installs the production dependencies only, without running their install scripts. */
  readonly installProduction: string;
  /** Installs the production dependencies only, running their install scripts (native addons). */
  readonly installProductionWithScripts: string;
  /** The package manager's download cache, kept between builds. */
  readonly cache: RunMount;
}

const NPM_CI = 'npm ci --no-audit --no-fund';

/** The package managers by projen's `NodePackageManager` value. */
export const PACKAGE_MANAGERS: Readonly<Record<string, PackageManagerRecipe>> = {
  // npm's cache (cacache) is safe for concurrent writers: parallel stages share it without waiting.
  npm: {
    name: 'npm',
    lockFile: 'package-lock.json',
    configFiles: [],
    install: NPM_CI,
    installProduction: `${NPM_CI} --omit=dev --ignore-scripts`,
    installProductionWithScripts: `${NPM_CI} --omit=dev`,
    cache: { type: 'cache', id: 'npm', target: '/root/.npm', sharing: 'shared' },
  },
  // pnpm's content-addressed store takes concurrent writers too; corepack provides the version of package.json's packageManager.
  pnpm: {
    name: 'pnpm',
    lockFile: 'pnpm-lock.yaml',
    configFiles: [],
    setup: 'corepack enable',
    install: 'pnpm install --frozen-lockfile',
    installProduction: 'pnpm install --frozen-lockfile --prod --ignore-scripts',
    installProductionWithScripts: 'pnpm install --frozen-lockfile --prod',
    cache: { type: 'cache', id: 'pnpm', target: '/root/.local/share/pnpm/store', sharing: 'shared' },
  },
  // Yarn 1, shipped in the official Node.js image. Its cache is not safe for concurrent writers.
  yarn_classic: {
    name: 'yarn classic',
    lockFile: 'yarn.lock',
    configFiles: [],
    install: 'yarn install --frozen-lockfile --non-interactive',
    installProduction: 'yarn install --frozen-lockfile --non-interactive --production --ignore-scripts',
    installProductionWithScripts: 'yarn install --frozen-lockfile --non-interactive --production',
    cache: { type: 'cache', id: 'yarn', target: '/usr/local/share/.cache/yarn', sharing: 'locked' },
  },
  // Yarn 2+, through corepack; `workspaces focus --production` is its production-only install.
  yarn_berry: {
    name: 'yarn berry',
    lockFile: 'yarn.lock',
    configFiles: ['.yarnrc.yml'],
    setup: 'corepack enable',
    install: 'yarn install --immutable',
    // Yarn berry reads its settings from YARN_* variables: enableScripts false skips install scripts.
    installProduction: 'YARN_ENABLE_SCRIPTS=false yarn workspaces focus --all --production',
    installProductionWithScripts: 'yarn workspaces focus --all --production',
    cache: { type: 'cache', id: 'yarn-berry', target: '/root/.yarn/berry/cache', sharing: 'locked' },
  },
};

/** projen's names of the same package managers (`yarn` is Yarn classic, `yarn2` Yarn berry). */
const ALIASES: Readonly<Record<string, string>> = { yarn: 'yarn_classic', yarn2: 'yarn_berry' };

/**
 * The package manager of a service: its NodeProject's (`package.packageManager`), or npm for a
 * project that has none. One that no recipe covers (bun, ...) is a ConfigError naming it and those
 * that are supported.
 */
export function packageManagerOf(project: Project | undefined, service: string): PackageManagerRecipe {
  const value: unknown = (project as { package?: { packageManager?: unknown } } | undefined)?.package?.packageManager;
  if (value === undefined) return PACKAGE_MANAGERS.npm;
  const recipe = typeof value === 'string' ? PACKAGE_MANAGERS[ALIASES[value] ?? value] : undefined;
  if (!recipe) {
    throw new ConfigError(`DockerImages: package manager of ${service} ${JSON.stringify(value)} is not supported by its image: `
      + `use one of ${Object.keys(PACKAGE_MANAGERS).join(', ')} (projen's NodePackageManager.NPM, PNPM, YARN_CLASSIC or YARN_BERRY).`);
  }
  return recipe;
}

/**
 * The commands of an install: `setup` first when the package manager needs one. A production
 * install skips install scripts unless `scripts` says to run them.
 */
export function installCommands(pm: PackageManagerRecipe, production: boolean, scripts = false): string[] {
  const install = production ? (scripts ? pm.installProductionWithScripts : pm.installProduction) : pm.install;
  return [...(pm.setup ? [pm.setup] : []), install];
}

/**
 * The production packages of an npm lock file (`package-lock.json` v2 or v3) that have install
 * scripts (`hasInstallScript`, not `dev`), or undefined when the file is missing or not such a lock.
 */
export function productionInstallScripts(lockFile: string): string[] | undefined {
  if (!existsSync(lockFile)) return undefined;
  let lock: { packages?: Record<string, { hasInstallScript?: boolean; dev?: boolean }> };
  try {
    lock = JSON.parse(readFileSync(lockFile, 'utf8'));
  } catch {
    return undefined;
  }
  if (!lock.packages || typeof lock.packages !== 'object') return undefined;
  return Object.entries(lock.packages)
    .filter(([key, entry]) => key.startsWith('node_modules/') && entry?.hasInstallScript === true && entry.dev !== true)
    .map(([key]) => key.replace(/^(?:.*\/)?node_modules\//, ''));
}
