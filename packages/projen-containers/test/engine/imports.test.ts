/**
 * The command-line tools are thin entry points over the library: no module outside src/tools/
 * imports one, and the engine loads neither projen nor a component (it runs from the `bin`s).
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { PACKAGE_ROOT } from '../fixtures';

const SRC = path.join(PACKAGE_ROOT, 'src');
const modules = (readdirSync(SRC, { recursive: true }) as string[]).map((f) => f.split(path.sep).join('/')).filter((f) => f.endsWith('.ts'));
/** The relative imports of a module (type-only ones included), as paths under src/. */
const importsOf = (file: string) => [...readFileSync(path.join(SRC, file), 'utf8').matchAll(/^(?:import|export)\s[^;]*?from\s+'([^']+)'/gm)]
  .map((m) => m[1]).map((s) => (s.startsWith('.') ? path.posix.normalize(path.posix.join(path.posix.dirname(file), s)) : s));

test.each(modules.filter((f) => !f.startsWith('tools/')))('%s imports no command-line tool', (file) => {
  expect(importsOf(file).filter((d) => d.startsWith('tools/'))).toEqual([]);
});

test.each(modules.filter((f) => f.startsWith('engine/')))('%s loads neither projen nor a component', (file) => {
  expect(importsOf(file).filter((d) => d === 'projen' || /^(docker|docs|github)\//.test(d))).toEqual([]);
});
