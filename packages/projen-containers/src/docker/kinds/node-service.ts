/**
 * The `node-service` kind: a TypeScript Node.js server compiled from `src/` to `lib/` (by `tsc`,
 * or transpiled by esbuild), such as a Fastify service. Four stages: all dependencies, the compile,
 * production dependencies (installed in parallel), and a runtime with only the compiled code and
 * production dependencies.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { javascript, Project } from 'projen';
import { defineImageKind, ImageTarget } from './kind';
import {
  depsStage, finishServer, installFiles, NODE_BASE, NODE_BASE_COMMENT, NODE_INSTALL_OPTIONS, NODE_RUNTIME_OPTIONS, NodeInstallOptions, NodeRuntime,
  NodeRuntimeOptions, naiveStage, resolveInstallScripts, resolveNodeRuntime, resolveServer, SERVER_OPTIONS, serverEnv, ServerOptions,
  serverRuntimeStage,
} from './node-common';
import { addBase } from './stages';
import { sourceFile } from '../../lib/source-file';
import { check, ConfigError, contextPath } from '../../validate';

/** Options of a `node-service` image. */
export interface NodeServiceOptions extends ServerOptions, NodeRuntimeOptions, NodeInstallOptions {
  /**
   * The compiled entry point, relative to the service folder.
   * @default the `main` of the service's package.json (its NodeProject's `package.manifest.main`,
   * or the file in its folder for another project); a NodeProject without one is an error
   */
  readonly entrypoint?: string;
  /**
   * How the image turns `src/` into `lib/`:
   * - `tsc`: `tsc --build` with the service's tsconfig.json, type-checking included;
   * - `esbuild`: each `.ts` file under `src/` transpiled on its own by esbuild (CommonJS, or ES
   *   modules when package.json says `"type": "module"`), with no type check, which is the job of
   *   the service's own build and CI. A source-only rebuild of the image then spends a fraction of a
   *   second compiling, where `tsc` loads the whole program again. esbuild
   *   must be a dependency of the service: it is added to a NodeProject's devDependencies, and a
   *   package.json without it is an error. Code must compile file by file (TypeScript's
   *   `isolatedModules`: no `const enum` across files, no `emitDecoratorMetadata`), and `src/`
   *   may hold only `.ts` files besides declarations (`*.d.ts`); tests in it (`*.test.ts`,
   *   `*.spec.ts`) are left out of the image. Any other file there (`.tsx`, `.mts`, `.json`, `.js`)
   *   is an error at synth: use `tsc`, which copies or compiles them as tsconfig.json says.
   * @default 'tsc'
   */
  readonly compiler?: NodeCompiler;
}

/** How a `node-service` image compiles its TypeScript: see {@link NodeServiceOptions.compiler}. */
export type NodeCompiler = 'tsc' | 'esbuild';

const COMPILERS: readonly NodeCompiler[] = ['tsc', 'esbuild'];

/** Its options, checked and with their defaults. */
export interface NodeService extends ServerOptions, NodeRuntime {
  /** The entry point: read when the Dockerfile is rendered (a package.json `main` set after addService() counts). */
  readonly entrypoint: string;
  readonly compiler: NodeCompiler;
  /** The module format esbuild writes: `esm` when the service's package.json says `"type": "module"`, read at synth. */
  readonly moduleFormat: 'cjs' | 'esm';
  /** Whether the production install runs install scripts, read at synth. */
  readonly installScripts: boolean;
}

/** The default when a project that is not a NodeProject has no package.json in its folder (the entry point of earlier versions). */
const LEGACY_ENTRYPOINT = 'lib/server.js';

/**
 * The entry point of a service: the `entrypoint` option, else the `main` of its package.json (its
 * NodeProject's, or the file in its folder), read when first asked for (at synth).
 */
export function entrypointOf(o: { readonly entrypoint?: string }, service: string, target: ImageTarget | undefined): () => string {
  if (o.entrypoint !== undefined) {
    const given = contextPath('DockerImages', 'entrypoint', o.entrypoint, service);
    return () => given;
  }
  return () => {
    const manifest = manifestOf(target);
    if (!manifest) {
      target?.serviceProject.logger.warn(`DockerImages: ${service} has no package.json: its image runs ${LEGACY_ENTRYPOINT}; give the entrypoint option to say so.`);
      return LEGACY_ENTRYPOINT;
    }
    const main = manifest.main;
    if (typeof main !== 'string' || main === '') {
      const which = hasPackage(target) ? 'its package.json' : `${target!.context}/package.json`;
      throw new ConfigError(`DockerImages: entrypoint of ${service} is missing: ${which} has no "main" to run; `
        + 'set "main" in its package.json (a NodeProject\'s entrypoint option, or package.addField(\'main\', \'lib/server.js\')), or give the image\'s entrypoint option.');
    }
    return contextPath('DockerImages', 'entrypoint (package.json main)', main.replace(/^\.\//, ''), service);
  };
}


/**
 * Checks the compiler option; for esbuild, adds it to a NodeProject's devDependencies, or checks
 * that the package.json in the service's folder lists it.
 */
function resolveCompiler(o: NodeServiceOptions, service: string, target: ImageTarget | undefined): NodeCompiler {
  const compiler = o.compiler ?? 'tsc';
  check(COMPILERS.includes(compiler), 'DockerImages', 'compiler', compiler, `one of ${COMPILERS.join(', ')}`, service);
  if (compiler !== 'esbuild') return compiler;
  const project = target?.serviceProject;
  const src = project ? path.join(project.outdir, 'src') : undefined;
  if (src && existsSync(src)) {
    const { others, sources } = esbuildSources(src);
    if (others.length > 0) {
      throw new ConfigError(`DockerImages: compiler of ${service} is esbuild, which transpiles only the .ts files of src/, but it also holds `
        + `${others.slice(0, 3).map((f) => `src/${f}`).join(', ')}${others.length > 3 ? `, and ${others.length - 3} more` : ''}: use compiler 'tsc', or move them out of src/.`);
    }
    if (sources === 0) throw new ConfigError(`DockerImages: compiler of ${service} is esbuild, but src/ has no .ts file to transpile (tests and declarations aside).`);
  }
  if (project instanceof javascript.NodeProject) {
    if (!project.deps.all.some((d) => d.name === 'esbuild')) project.addDevDeps('esbuild');
    return compiler;
  }
  const manifest = manifestOf(target) as { dependencies?: object; devDependencies?: object } | undefined;
  const listed = [manifest?.dependencies, manifest?.devDependencies].some((deps) => !!deps && 'esbuild' in deps);
  if (!listed) {
    const where = `${target?.context ?? service}/package.json`;
    throw new ConfigError(`DockerImages: compiler of ${service} is esbuild, which ${where} does not list: add esbuild to its devDependencies, or use compiler 'tsc'.`);
  }
  return compiler;
}

/** Files under `src/` that esbuild's file-by-file transpile would leave out of `lib/`, and whether there is anything to transpile. */
function esbuildSources(dir: string): { others: string[]; sources: number } {
  const entries = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  const rel = (e: { parentPath: string; name: string }) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/');
  return {
    others: entries.filter((e) => !e.name.endsWith('.ts') && !e.name.startsWith('.')).map(rel).sort(),
    sources: entries.filter((e) => e.name.endsWith('.ts') && !/\.(d|test|spec)\.ts$/.test(e.name)).length,
  };
}

/** Whether the service's project writes its package.json itself (a projen NodeProject: its `package` component). */
function hasPackage(target: ImageTarget | undefined): boolean {
  return !!(target?.serviceProject as { package?: unknown } | undefined)?.package;
}

/**
 * The service's package.json: its project's manifest (read at synth, so that a field set after
 * addService() counts), or the file in its folder; undefined when there is none.
 */
function manifestOf(target: ImageTarget | undefined): Record<string, unknown> | undefined {
  const project = target?.serviceProject as (Project & { package?: { manifest?: Record<string, unknown> } }) | undefined;
  if (project?.package) return project.package.manifest ?? {};
  const file = project ? path.join(project.outdir, 'package.json') : undefined;
  return file && existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown> : undefined;
}

/** What the runtime stage sets besides NODE_ENV and PORT: listen on every interface of the container. */
const SERVICE_ENV = { HOST: '0.0.0.0' };

export const NODE_SERVICE = defineImageKind<NodeServiceOptions, NodeService>({
  name: 'node-service',
  description: 'a compiled TypeScript Node.js server (tsc to lib/), such as a Fastify service',
  dependencyEcosystem: 'npm',
  source: sourceFile(__filename),
  options: [...SERVER_OPTIONS, 'entrypoint', 'compiler', ...NODE_INSTALL_OPTIONS, ...NODE_RUNTIME_OPTIONS],
  bases: { runtime: NODE_BASE },

  resolve: (o, service, target) => {
    const entrypoint = entrypointOf(o, service, target);
    let read: string | undefined;
    const runtime = resolveNodeRuntime(o, service, 'node', Object.keys(serverEnv(0, SERVICE_ENV)), target);
    const installScripts = resolveInstallScripts(o, service, target, runtime.packageManager);
    const resolved = { ...resolveServer(o, service, 'node-service'), ...runtime, compiler: resolveCompiler(o, service, target) };
    // Read at synth, once: a package.json main or type set after addService() counts.
    return Object.defineProperties(resolved, {
      entrypoint: { get: () => (read ??= entrypoint()), enumerable: true },
      moduleFormat: { get: () => (manifestOf(target)?.type === 'module' ? 'esm' : 'cjs'), enumerable: true },
      installScripts: { get: installScripts, enumerable: true },
    }) as NodeService;
  },

  contextFiles: (o) => [...installFiles(o), 'tsconfig.json', 'src'],

  render: (model, ctx) => {
    addBase(model, ctx, NODE_BASE_COMMENT);
    depsStage(model, ctx, 'deps', 'All dependencies, for compiling.', 'all');
    const o = ctx.options;
    model.addStage('build', {
      from: 'deps',
      comment: o.compiler === 'esbuild'
        ? 'Transpile each TypeScript file to lib/ (no type check: the service\'s own build does that).'
        : 'Compile TypeScript to lib/.',
    })
      .copy(['tsconfig.json'], './')
      .copy('src', './src')
      .run(o.compiler === 'esbuild'
        ? `find src -name '*.ts' ! -name '*.d.ts' ! -name '*.test.ts' ! -name '*.spec.ts' -exec node_modules/.bin/esbuild --outdir=lib --outbase=src --platform=node --format=${o.moduleFormat} --log-level=warning {} +`
        : 'node_modules/.bin/tsc --build');
    // Its own install, in parallel with the one above (npm's cache takes concurrent writers).
    depsStage(model, ctx, 'prod-deps', 'Production dependencies only (no devDependencies), without the test folders they publish.', 'production-pruned');
    const runtime = serverRuntimeStage(model, ctx, 'runtime', 'What runs: compiled code and production dependencies, owned by root, run by a non-root user.', SERVICE_ENV)
      .copy('/app/node_modules', './node_modules', { from: 'prod-deps' })
      .copy('/app/lib', './lib', { from: 'build' })
      .copy('package.json', './');
    finishServer(runtime, ctx, 'Exec form: node is PID 1 and gets SIGTERM itself (graceful close). `docker run --init` also reaps zombies.', ['node', ctx.options.entrypoint]);
  },

  facts: (o) => ({ user: o.user, uid: o.uid, port: o.port, healthPath: o.healthPath }),

  renderNaive: (model, ctx) => {
    naiveStage(model, ctx).run('node_modules/.bin/tsc --build').expose(ctx.options.port).cmd(['node', ctx.options.entrypoint]);
  },
});
