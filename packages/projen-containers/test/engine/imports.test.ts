/**
 * The command-line tools are thin entry points over the library: no module outside src/tools/
 * imports one, and the engine loads neither projen nor a component (it runs from the `bin`s).
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { PACKAGE_ROOT } from '../fixtures';

const SRC = path.join(PACKAGE_ROOT, 'src');
const modules = (readdirSync(SRC, { recursive: true }) as string[]).map((f) => f.split(path.sep).join('/')).filter((f) => f.endsWith('.ts'));

/**
 * What a module loads, as written: `import … from` and `export … from` (type-only ones included,
 * over several lines), a side-effect `import 'x'`, `require('x')` (and `import x = require('x')`)
 * and a dynamic `import('x')`.
 */
const LOADS = [
  /^\s*(?:import|export)\s[^;]*?\bfrom\s*(['"])([^'"]+)\1/gm,
  /^\s*import\s*(['"])([^'"]+)\1/gm,
  /(?<![\w$.])(?:require|import)\s*\(\s*(['"`])([^'"`$]+)\1\s*\)/g,
];
const specifiersIn = (text: string) => LOADS.flatMap((re) => [...text.matchAll(re)].map((m) => m[2]));
/** The modules a module loads, relative ones as paths under src/. */
const importsOf = (file: string) => specifiersIn(readFileSync(path.join(SRC, file), 'utf8'))
  .map((s) => (s.startsWith('.') ? path.posix.normalize(path.posix.join(path.posix.dirname(file), s)) : s));
const forbiddenInEngine = (d: string) => d === 'projen' || d.startsWith('projen/') || /^(docker|docs|github)\//.test(d);

test('the matcher sees every way of loading a module', () => {
  expect(specifiersIn([
    'import { a } from \'./a\';',
    'import type {\n  B,\n  C,\n} from "../b";',
    'export * from \'./c\';',
    'export { d } from "./d";',
    'import \'projen\';',
    'import"./side-effect";',
    'const p = require(\'projen\');',
    'import q = require("projen/lib/javascript");',
    'const { DockerImages } = await import(\'../docker/docker-images\');',
    'const e = import( `../github/e` );',
  ].join('\n')).sort()).toEqual([
    '../b', '../docker/docker-images', '../github/e', './a', './c', './d', './side-effect', 'projen', 'projen', 'projen/lib/javascript',
  ].sort());
  // Neither a method of another name nor a template with a placeholder.
  expect(specifiersIn('x.require(\'projen\'); myrequire(\'projen\'); import(`./${name}`); const from = \'projen\';')).toEqual([]);
});

test.each(modules.filter((f) => !f.startsWith('tools/')))('%s imports no command-line tool', (file) => {
  expect(importsOf(file).filter((d) => d.startsWith('tools/'))).toEqual([]);
});

test.each(modules.filter((f) => f.startsWith('engine/')))('%s loads neither projen nor a component', (file) => {
  expect(importsOf(file).filter(forbiddenInEngine)).toEqual([]);
});
