import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { PACKAGE_ROOT } from './lib/source-file';
import { GENERATED_MARKER } from './marker';

/**
 * The command-line scripts the package writes into a project, each a module of `src/` that exports
 * `main(config)`. The package's build (`scripts/bundle.mjs`) bundles each one with esbuild into
 * `lib/bundles/<name>.mjs`, so a project synthesizes them with nothing installed but the package.
 */
export const BUNDLES = {
  'image-tags': 'image-tags/cli',
  'image-size': 'tools/image-size',
} as const;

/** Name of a pre-bundled script. */
export type BundleName = keyof typeof BUNDLES;

/** The identifier the build leaves in each bundle where the configuration goes: `main(<it>)`. */
export const CONFIG_PLACEHOLDER = '__PROJEN_CONTAINERS_CONFIG__';

/** Where the build writes a bundle. */
export function bundlePath(name: BundleName): string {
  return path.join(PACKAGE_ROOT, 'lib', 'bundles', `${name}.mjs`);
}

/** What {@link bundleScript} writes. */
export interface BundleOptions {
  /** The pre-bundled script. */
  readonly name: BundleName;
  /** The configuration baked into the script, passed to `main()`. */
  readonly config: unknown;
  /** Comment lines after the generated marker (without `// `). */
  readonly banner: readonly string[];
}

/**
 * A generated command-line script: a pre-bundled, dependency-free ES module that runs with a bare
 * `node` (in CI before any `npm ci`), with the configuration of `.projenrc.ts` baked in and the
 * generated marker in its first lines.
 */
export function bundleScript(o: BundleOptions): string {
  const file = bundlePath(o.name);
  if (!existsSync(file)) {
    throw new Error(`${file} is missing: this copy of projen-containers is not built. Run \`npm run build\` in ${PACKAGE_ROOT} (a published package ships it).`);
  }
  const parts = readFileSync(file, 'utf8').split(CONFIG_PLACEHOLDER);
  if (parts.length !== 2) throw new Error(`${file} holds ${parts.length - 1} configuration placeholders, not 1: rebuild the package.`);
  const header = ['#!/usr/bin/env node', `// ${GENERATED_MARKER}`, ...o.banner.map((l) => `// ${l}`)].join('\n');
  return `${header}\n${parts[0]}${JSON.stringify(o.config)}${parts[1]}`;
}
