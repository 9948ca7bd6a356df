import * as path from 'node:path';

/** The name this package is published under: generated files name their component by it. */
export const PACKAGE_NAME = 'projen-containers';

/** The package's own folder: this module sits two levels below it (`src/lib/` or `lib/lib/`). */
export const PACKAGE_ROOT = path.resolve(__dirname, '..', '..');

/**
 * The project's root, for the command-line tools: projen runs every task from the root of the
 * project that defines it, so the tools read `.projen/` and the build contexts from the working
 * directory, wherever the package is installed.
 */
export const ROOT = process.cwd();

/**
 * The module that wrote a generated file, as `projen-containers/docker/kinds/node-service`: the
 * same whether the package runs from its TypeScript sources or its compiled JavaScript. Call it
 * with `__filename`.
 */
export function sourceFile(filename: string): string {
  const relative = path.relative(PACKAGE_ROOT, filename).split(path.sep).join('/');
  return `${PACKAGE_NAME}/${relative.replace(/^(?:src|lib)\//, '').replace(/\.(?:d\.)?[cm]?[jt]s$/, '')}`;
}
