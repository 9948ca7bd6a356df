import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { GENERATED_MARKER } from './marker';

/** What {@link bundleScript} bundles. */
export interface BundleOptions {
  /** Folder of the entry module. */
  readonly sourceDir: string;
  /** The entry module, relative to `sourceDir`, without extension (e.g. `./cli`): it exports `main(config)`. */
  readonly entry: string;
  /** The script's name, e.g. `image-tags`: its entry shows as `<name>-entry.ts` in the bundle. */
  readonly name: string;
  /** The configuration baked into the script, passed to `main()`. */
  readonly config: unknown;
  /** Comment lines after the generated marker (without `// `). */
  readonly banner: readonly string[];
}

/**
 * A generated command-line script: TypeScript sources bundled by esbuild into one dependency-free
 * ES module that runs with a bare `node` (in CI before any `npm ci`), with the configuration of
 * `.projenrc.ts` baked in and the generated marker in its first lines.
 */
export function bundleScript(o: BundleOptions): string {
  const result = buildSync({
    stdin: {
      contents: `import { main } from '${o.entry}';\nmain(${JSON.stringify(o.config)});\n`,
      resolveDir: o.sourceDir,
      sourcefile: `${o.name}-entry.ts`,
      loader: 'ts',
    },
    // Paths in the bundle's comments are relative to projenrc/ (e.g. `// image-tags/cli.ts`).
    absWorkingDir: path.dirname(o.sourceDir),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    legalComments: 'none',
    banner: { js: ['#!/usr/bin/env node', `// ${GENERATED_MARKER}`, ...o.banner.map((l) => `// ${l}`)].join('\n') },
  });
  return result.outputFiles[0].text;
}
