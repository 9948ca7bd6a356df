/**
 * GitHub Actions expressions (`${{ ... }}`, `if:`) evaluated by GitHub's own implementation,
 * `@actions/expressions` (the one behind the Actions language service). It ships as ES modules
 * only, so it is bundled to CommonJS once with esbuild for jest.
 */
import { buildSync } from 'esbuild';
import { REPO_ROOT } from '../fixtures';

type Lib = typeof import('@actions/expressions') & { truthy(d: unknown): boolean };
let lib: Lib | undefined;

function load(): Lib {
  if (lib) return lib;
  const out = buildSync({
    stdin: { contents: "export * from '@actions/expressions'; export { truthy } from '@actions/expressions/result';", resolveDir: REPO_ROOT, loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    write: false,
    logLevel: 'silent',
  });
  const module = { exports: {} as Lib };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  new Function('module', 'exports', 'require', out.outputFiles[0].text)(module, module.exports, require);
  lib = module.exports;
  return lib;
}

/** The result of the job's steps so far, for the status functions. */
export interface JobStatus {
  readonly cancelled?: boolean;
  readonly failed?: boolean;
}

/** What an expression can read: `github`, `inputs`, `needs`, `steps`, `env`, `vars`, ... */
export type Contexts = Record<string, unknown>;

function toData(value: unknown): any {
  const { data } = load();
  if (value === null || value === undefined) return new data.Null();
  if (typeof value === 'string') return new data.StringData(value);
  if (typeof value === 'number') return new data.NumberData(value);
  if (typeof value === 'boolean') return new data.BooleanData(value);
  if (Array.isArray(value)) {
    const a = new data.Array();
    for (const v of value) a.add(toData(v));
    return a;
  }
  const d = new data.Dictionary();
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) d.add(k, toData(v));
  return d;
}

function fromData(value: any): unknown {
  const { data } = load();
  if (value instanceof data.Dictionary) return Object.fromEntries(value.pairs().map((p: any) => [p.key, fromData(p.value)]));
  if (value instanceof data.Array) return value.values().map(fromData);
  if (value instanceof data.Null) return null;
  return value.value;
}

/** Evaluates one expression (with or without `${{ }}`), as GitHub does. */
export function evaluate(expression: string, contexts: Contexts, status: JobStatus = {}): unknown {
  return fromData(evaluateData(expression, contexts, status));
}

function evaluateData(expression: string, contexts: Contexts, status: JobStatus): any {
  const { Lexer, Parser, Evaluator, data } = load();
  const source = expression.trim().replace(/^\$\{\{([\s\S]*)\}\}$/, '$1').trim();
  const fn = (name: string, result: () => boolean) => ({ name, description: '', minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(result()) });
  const functions = [
    fn('always', () => true),
    fn('cancelled', () => !!status.cancelled),
    fn('failure', () => !!status.failed),
    fn('success', () => !status.failed && !status.cancelled),
    // hashFiles: whether the files exist is not what these tests decide.
    { name: 'hashFiles', description: '', minArgs: 1, maxArgs: 255, call: () => new data.StringData('hash') },
  ];
  const lexed = new Lexer(source).lex();
  const parsed = new Parser(lexed.tokens, Object.keys(contexts), functions).parse();
  const context = toData(contexts);
  return new Evaluator(parsed, context, new Map(functions.map((f) => [f.name.toLowerCase(), f])) as never).evaluate();
}

/** `if:` of a job or step: a missing one means `success()`. */
export function condition(expression: string | undefined, contexts: Contexts, status: JobStatus = {}): boolean {
  if (expression === undefined) return !status.failed && !status.cancelled;
  // A condition with no status function is implicitly `success() && (...)`.
  const implicit = /\b(always|cancelled|failure|success)\s*\(/.test(expression) ? '' : 'success() && ';
  const source = expression.trim().replace(/^\$\{\{([\s\S]*)\}\}$/, '$1').trim();
  return load().truthy(evaluateData(`${implicit}(${source})`, contexts, status));
}

/** A string with `${{ ... }}` parts replaced by their values, as GitHub renders `with:` and `env:`. */
export function interpolate(text: unknown, contexts: Contexts): string {
  if (typeof text !== 'string') return String(text);
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expr: string) => {
    const v = evaluate(expr, contexts);
    if (v === null || v === undefined) return '';
    return typeof v === 'object' ? JSON.stringify(v) : String(v);
  });
}
