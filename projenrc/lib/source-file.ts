import * as path from 'node:path';

/** The repository root: projenrc/lib/ is two levels down. */
export const ROOT = path.resolve(__dirname, '..', '..');

/**
 * The path of a module relative to the repository, in POSIX form (`projenrc/docker/kinds/node-service.ts`):
 * what a generated file names as the component that wrote it. Call it with `__filename`.
 */
export function sourceFile(filename: string): string {
  return path.relative(ROOT, filename).split(path.sep).join('/');
}
