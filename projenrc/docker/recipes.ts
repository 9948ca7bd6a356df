/**
 * How each kind of service image is built: one function a kind, filling a Dockerfile model.
 * Every recipe follows the same rules: the base as a build argument whose default is a literal,
 * digest-pinned stage (which Dependabot reads and updates), dependencies installed with
 * `npm ci` in their own stage under a BuildKit cache mount, a runtime stage with only what runs,
 * a non-root user, exec-form commands, a HEALTHCHECK, and OCI labels from build arguments.
 */
import { DockerfileModel, RunMount, Stage } from './dockerfile-model';

/**
 * The base image of a recipe: `ARG <baseArg>=<baseStage>` and `FROM <pinned image> AS <baseStage>`,
 * so that stages start `FROM ${<baseArg>}`: the pinned image by default, any other with
 * `--build-arg`.
 */
export function addBase(model: DockerfileModel, ctx: Pick<RecipeContext, 'baseArg' | 'baseDefault' | 'baseStage'>, comment: string): void {
  model.addBaseImage({ arg: ctx.baseArg, image: ctx.baseDefault, stage: ctx.baseStage, comment });
}

export enum ImageKind {
  /** A compiled TypeScript Node.js server (`tsc` to `lib/`), such as a Fastify service. */
  NODE_SERVICE = 'node-service',
  /** A Next.js app with `output: 'standalone'`. */
  NEXTJS_STANDALONE = 'nextjs-standalone',
  /** A Playwright suite that runs once against targets and exits with its result. */
  PLAYWRIGHT_RUNNER = 'playwright-runner',
}

/** A service a test runner waits for before it starts. */
export interface RunnerTarget {
  /** Name in messages, e.g. `web`. */
  readonly name: string;
  /** Variable holding the target's base URL, e.g. `BASE_URL`. */
  readonly urlEnv: string;
  /** Health path appended to the URL, e.g. `/api/health`. */
  readonly healthPath: string;
}

/** What a recipe needs to know. */
export interface RecipeContext {
  /** Service (and image title) name, e.g. `api`. */
  readonly service: string;
  /** Build argument holding the base image. */
  readonly baseArg: string;
  /** The pinned official image, written literally in the base stage. */
  readonly baseDefault: string;
  /** Name of the literal base stage, the build argument's default, e.g. `node-base`. */
  readonly baseStage: string;
  /** Runtime user (exists in the base image). */
  readonly user: string;
  /** Its numeric uid:gid, for USER (lets Kubernetes' runAsNonRoot verify it). */
  readonly uid: string;
  /** Port the server listens on. */
  readonly port?: number;
  /** Health endpoint path. */
  readonly healthPath?: string;
  /** HEALTHCHECK interval. */
  readonly healthInterval: string;
  /** Runtime environment variables. */
  readonly env: Record<string, string>;
  /** node-service: the compiled entry point, e.g. `lib/server.js`. */
  readonly entrypoint?: string;
  /** nextjs-standalone: a start script beside server.js (graceful shutdown), e.g. `start.cjs`. */
  readonly startScript?: string;
  /** playwright-runner: the generated entrypoint script. */
  readonly entrypointScript?: string;
  /** playwright-runner: targets waited for by the health check. */
  readonly targets?: readonly RunnerTarget[];
  /** playwright-runner: files and folders of the suite. */
  readonly suiteFiles?: readonly string[];
}

/** npm's cache (cacache) is safe for concurrent writers: parallel stages share it without waiting. */
export const NPM_CACHE: RunMount = { type: 'cache', id: 'npm', target: '/root/.npm', sharing: 'shared' };
const NPM_CI = 'npm ci --no-audit --no-fund';

/** A Node one-liner that exits 0 when a URL answers 2xx: no curl or wget needed. */
export function nodeHttpCheck(urlExpression: string): string[] {
  return ['node', '-e', `fetch(${urlExpression}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`];
}

function addLabelsAndVersion(stage: Stage, ctx: RecipeContext): void {
  // Last, so that a new revision only rebuilds these metadata layers.
  stage
    .arg('VERSION', 'dev').arg('REVISION', 'unknown').arg('CREATED', '').arg('SOURCE', '')
    .env({ APP_VERSION: '${VERSION}' })
    .label({
      'org.opencontainers.image.title': ctx.service,
      'org.opencontainers.image.version': '${VERSION}',
      'org.opencontainers.image.revision': '${REVISION}',
      'org.opencontainers.image.created': '${CREATED}',
      'org.opencontainers.image.source': '${SOURCE}',
    });
}

/**
 * Test folders that dependencies publish: no use at run time, and their fixtures look like secrets
 * to scanners. A package whose own name is `test` or `tests` (e.g. `@playwright/test`) is kept.
 */
export const PRUNE_DEPENDENCY_TESTS = [
  'find node_modules -depth -type d \\( -name test -o -name tests -o -name __tests__ \\)',
  "! -path '*node_modules/test' ! -path '*node_modules/tests' ! -path '*node_modules/@*/test' ! -path '*node_modules/@*/tests'",
  '-exec rm -rf {} +',
].join(' ');

/**
 * Next traces sharp (the image optimizer's native libraries) into the standalone output even
 * when the app's next.config sets `images.unoptimized`, and then never loads it: remove it then,
 * as the build's own record of its config says.
 */
export const PRUNE_UNUSED_SHARP = [
  'node -e "const c=require(\'./.next/required-server-files.json\').config;',
  'if(c.images&&c.images.unoptimized)for(const d of [\'sharp\',\'@img\'])',
  'require(\'fs\').rmSync(\'.next/standalone/node_modules/\'+d,{recursive:true,force:true})"',
].join('');

function depsStage(model: DockerfileModel, ctx: RecipeContext, name: string, comment: string, install: 'all' | 'production' | 'production-pruned'): Stage {
  const commands = install === 'all' ? [NPM_CI] : [`${NPM_CI} --omit=dev --ignore-scripts`];
  if (install === 'production-pruned') commands.push(PRUNE_DEPENDENCY_TESTS);
  return model.addStage(name, { from: `\${${ctx.baseArg}}`, comment })
    .workdir('/app')
    .copy(['package.json', 'package-lock.json'], './')
    .run(commands, [NPM_CACHE]);
}

/** The package managers of the Node.js base: not needed to run, and a frequent source of CVEs. */
const REMOVE_PACKAGE_MANAGERS = 'rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack /opt/yarn-*';

const NODE_BASE_COMMENT = 'Official Node.js image, pinned by digest (Dependabot updates this line); the build argument overrides it.';
const PLAYWRIGHT_BASE_COMMENT = 'Official Playwright image of the installed @playwright/test version, pinned by digest (Dependabot updates\nthe digest; the tag follows @playwright/test); the build argument overrides it.';

/** The runtime stage of a Node.js server: no package managers, production env, root-owned files. */
function serverRuntimeStage(model: DockerfileModel, ctx: RecipeContext, name: string, comment: string, env: Record<string, string>): Stage {
  return model.addStage(name, { from: `\${${ctx.baseArg}}`, comment })
    .run(REMOVE_PACKAGE_MANAGERS)
    .workdir('/app')
    .env({ NODE_ENV: 'production', ...env, PORT: String(ctx.port), ...ctx.env });
}

/** Ends a server's runtime stage: non-root user, port, health check, labels, exec-form command. */
function finishServer(stage: Stage, ctx: RecipeContext, cmdComment: string, cmd: string[]): void {
  const url = `'http://127.0.0.1:'+(process.env.PORT||${ctx.port})+'${ctx.healthPath}'`;
  stage
    .user(ctx.uid)
    .expose(ctx.port!)
    .healthcheck({ command: nodeHttpCheck(url), interval: ctx.healthInterval });
  addLabelsAndVersion(stage, ctx);
  stage.comment(cmdComment).cmd(cmd);
}

export function nodeServiceRecipe(model: DockerfileModel, ctx: RecipeContext): void {
  addBase(model, ctx, NODE_BASE_COMMENT);
  depsStage(model, ctx, 'deps', 'All dependencies, for compiling.', 'all');
  model.addStage('build', { from: 'deps', comment: 'Compile TypeScript to lib/.' })
    .copy(['tsconfig.json'], './')
    .copy('src', './src')
    .run('node_modules/.bin/tsc --build');
  // Its own install, in parallel with the one above (npm's cache takes concurrent writers).
  depsStage(model, ctx, 'prod-deps', 'Production dependencies only (no devDependencies), without the test folders they publish.', 'production-pruned');
  const runtime = serverRuntimeStage(model, ctx, 'runtime', 'What runs: compiled code and production dependencies, owned by root, run by a non-root user.', { HOST: '0.0.0.0' })
    .copy('/app/node_modules', './node_modules', { from: 'prod-deps' })
    .copy('/app/lib', './lib', { from: 'build' })
    .copy('package.json', './');
  finishServer(runtime, ctx, 'Exec form: node is PID 1 and gets SIGTERM itself (graceful close). `docker run --init` also reaps zombies.', ['node', ctx.entrypoint!]);
}

export function nextjsStandaloneRecipe(model: DockerfileModel, ctx: RecipeContext): void {
  addBase(model, ctx, NODE_BASE_COMMENT);
  depsStage(model, ctx, 'deps', 'Dependencies, installed from the lockfile only.', 'all');
  model.addStage('builder', {
    from: 'deps',
    comment: 'Build the standalone server; Next\'s build cache survives between builds in a cache mount.\nAn app built with images.unoptimized never loads sharp: its ~20 MB of native libraries are left out.',
  })
    .env({ NEXT_TELEMETRY_DISABLED: '1' })
    .copy('.', '.')
    .run(['node_modules/.bin/next build', PRUNE_UNUSED_SHARP], [{ type: 'cache', id: `next-${ctx.service}`, target: '/app/.next/cache' }]);
  const runner = serverRuntimeStage(model, ctx, 'runner', 'Only the standalone server, its static assets and public files.', { NEXT_TELEMETRY_DISABLED: '1', HOSTNAME: '0.0.0.0' })
    .copy('/app/public', './public', { from: 'builder' })
    .copy('/app/.next/standalone', './', { from: 'builder' })
    .copy('/app/.next/static', './.next/static', { from: 'builder' })
    .copy(`/app/${ctx.startScript}`, './', { from: 'builder' });
  finishServer(runner, ctx, 'start.cjs runs the standalone server and exits 0 after draining requests on SIGTERM.', ['node', ctx.startScript!]);
}

export function playwrightRunnerRecipe(model: DockerfileModel, ctx: RecipeContext): void {
  addBase(model, ctx, PLAYWRIGHT_BASE_COMMENT);
  // Not pruned: Playwright ships folders named test that it runs (lib/mcp/test).
  depsStage(model, ctx, 'deps', 'The suite\'s runtime dependencies (@playwright/test); the browsers come with the base image.', 'production');
  const first = ctx.targets?.[0];
  const runner = model.addStage('runner', { from: `\${${ctx.baseArg}}`, comment: 'The suite, run by a non-root user; reports go to the /results volume.' })
    .workdir('/app')
    .env({ CI: 'true', PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1', RESULTS_DIR: '/results', ...ctx.env })
    .copy('/app/node_modules', './node_modules', { from: 'deps' })
    .copy(['package.json', ...(ctx.suiteFiles ?? []).filter((f) => !f.endsWith('/'))], './');
  for (const dir of (ctx.suiteFiles ?? []).filter((f) => f.endsWith('/'))) runner.copy(dir.replace(/\/$/, ''), `./${dir}`);
  runner
    .copy(ctx.entrypointScript!, '/usr/local/bin/playwright-runner')
    .run(`mkdir -p /results && chown ${ctx.user}:${ctx.user} /results && chmod 0755 /usr/local/bin/playwright-runner`)
    .volume('/results')
    .user(ctx.uid)
    .comment('Healthy while the stack under test answers: a run against a dead stack shows up in `docker ps`.')
    .healthcheck(first
      ? { command: nodeHttpCheck(`process.env.${first.urlEnv}+'${first.healthPath}'`), interval: ctx.healthInterval }
      : 'none');
  addLabelsAndVersion(runner, ctx);
  runner.entrypoint(['/usr/local/bin/playwright-runner']);
}

export const RECIPES: Record<ImageKind, (model: DockerfileModel, ctx: RecipeContext) => void> = {
  [ImageKind.NODE_SERVICE]: nodeServiceRecipe,
  [ImageKind.NEXTJS_STANDALONE]: nextjsStandaloneRecipe,
  [ImageKind.PLAYWRIGHT_RUNNER]: playwrightRunnerRecipe,
};

/** What each kind needs in its build context (the .dockerignore allow-list). */
export function contextAllowList(kind: ImageKind, ctx: Pick<RecipeContext, 'startScript' | 'suiteFiles' | 'entrypointScript'>): string[] {
  switch (kind) {
    case ImageKind.NODE_SERVICE: return ['package.json', 'package-lock.json', 'tsconfig.json', 'src'];
    case ImageKind.NEXTJS_STANDALONE: return ['package.json', 'package-lock.json', 'tsconfig.json', 'next.config.ts', 'src', 'public', ctx.startScript!];
    case ImageKind.PLAYWRIGHT_RUNNER: return ['package.json', 'package-lock.json', ...(ctx.suiteFiles ?? []), ctx.entrypointScript!];
  }
}
