/**
 * What the Node.js kinds share: the runtime options (user, uid, environment, health-check
 * interval) and the server options (port, health path) with their checks, and the stages built
 * the same way in each (`npm ci` under a shared cache mount, a runtime stage without package
 * managers, a health check by Node's own `fetch`).
 */
import * as path from 'node:path';
import { check, ConfigError, envName, httpPath, integer, knownKeys } from '../../validate';
import type { DockerfileModel, RunMount, Stage } from '../dockerfile-model';
import type { ImageContext, ImageTarget, KindBaseImage } from './kind';
import { installCommands, PACKAGE_MANAGERS, PackageManagerRecipe, packageManagerOf, productionInstallScripts } from './package-managers';
import { addBase, addLabelsAndVersion, fromBase, VERSION_ENV } from './stages';

const COMPONENT = 'DockerImages';

/** Runtime options of every Node.js kind. */
export interface NodeRuntimeOptions {
  /** Runtime user, present in the base image. @default `node`, or `pwuser` for a Playwright runner */
  readonly user?: string;
  /**
   * Numeric `uid:gid` of that user in the base image (lets Kubernetes' runAsNonRoot check it):
   * each from 1 to 2^31-1 (neither root's user nor root's group).
   * @default `1000:1000` for node, `1001:1001` for pwuser; required for any other user
   */
  readonly uid?: string;
  /**
   * Extra runtime environment variables: UPPER_SNAKE_CASE names, printable values without `"`,
   * `\` or `$`. Not the names the process environment depends on ({@link RESERVED_ENV}) nor those
   * the image sets itself (`PORT`, from the `port` option; `NODE_ENV`, `APP_VERSION`, ...).
   * @default {}
   */
  readonly env?: Record<string, string>;
  /** HEALTHCHECK interval, a Docker duration such as `10s` or `1m30s`, from 1s to 1h. @default '10s' */
  readonly healthInterval?: string;
}

export const NODE_RUNTIME_OPTIONS = ['user', 'uid', 'env', 'healthInterval'] as const;

/** Options of a Node.js kind whose image holds production dependencies installed on their own. */
export interface NodeInstallOptions {
  /**
   * Run the install scripts of the production dependencies in the image's production install
   * (`npm ci --omit=dev` without `--ignore-scripts`). Native addons need them to fetch or build
   * their binary (`better-sqlite3`, `bcrypt`, `sharp`, ...); other packages rarely do, and a script
   * is code run at build time. The install that compiles always runs them. (npm 11 lists the
   * scripts a package.json's `allowScripts` has not approved, and still runs them.)
   * @default true when the service's package-lock.json lists a production package with an install
   * script (`hasInstallScript`), else false (and false for pnpm and yarn, whose lock files do not say)
   */
  readonly installScripts?: boolean;
}

export const NODE_INSTALL_OPTIONS = ['installScripts'] as const;

/** Whether a Node.js kind's production install runs install scripts: the option, else what the npm lock file says, read at synth. */
export function resolveInstallScripts(
  o: NodeInstallOptions, service: string, target: ImageTarget | undefined, pm: PackageManagerRecipe,
): () => boolean {
  check(o.installScripts === undefined || typeof o.installScripts === 'boolean', COMPONENT, 'installScripts', o.installScripts, 'true or false', service);
  if (o.installScripts !== undefined) return () => o.installScripts!;
  return () => {
    if (pm !== PACKAGE_MANAGERS.npm || !target) return false;
    return (productionInstallScripts(path.join(target.serviceProject.outdir, pm.lockFile)) ?? []).length > 0;
  };
}

/** The runtime options every kind shares (user, uid, environment, health-check interval), checked and with their defaults. */
export interface Runtime {
  readonly user: string;
  readonly uid: string;
  readonly env: Readonly<Record<string, string>>;
  readonly healthInterval: string;
}

/** The runtime options of a Node.js kind, checked and with their defaults, and the service's package manager. */
export interface NodeRuntime extends Runtime {
  /** How the service's dependencies are installed: its NodeProject's package manager, npm for another project. */
  readonly packageManager: PackageManagerRecipe;
}

/** uid:gid of the users of the official Node.js and Playwright images. */
const KNOWN_UIDS: Record<string, string> = { node: '1000:1000', pwuser: '1001:1001' };

/** The largest uid or gid (Linux's are 32-bit, and Kubernetes' runAsUser is at most 2^31-1). */
const MAX_ID = 2 ** 31 - 1;

/**
 * Variables no image option may set, whatever the kind: where the shell and Node look for
 * programs and modules, code they load before the app (`NODE_OPTIONS=--require ...`,
 * `LD_PRELOAD`), and the user's identity.
 */
export const RESERVED_ENV: readonly string[] = ['PATH', 'HOME', 'USER', 'SHELL', 'PWD', 'NODE_OPTIONS', 'NODE_PATH', 'LD_PRELOAD', 'LD_LIBRARY_PATH'];

/** The environment a server kind's runtime stage sets: production, the kind's own (`kindEnv`), and PORT from the port option. */
export function serverEnv(port: number, kindEnv: Readonly<Record<string, string>>): Record<string, string> {
  return { NODE_ENV: 'production', ...kindEnv, PORT: String(port) };
}

/**
 * Why an environment variable of an image's `env` (or a runner's URL variable) is refused, or
 * undefined: a {@link RESERVED_ENV} name, or one of `setByImage`, the names the image sets itself
 * (or, as `setBy` says, reads).
 */
export function envNameTaken(name: string, setByImage: readonly string[], setBy = 'the image sets itself'): string | undefined {
  if (RESERVED_ENV.includes(name)) return `not ${RESERVED_ENV.join(', ')}: the process environment depends on them`;
  if (name === 'PORT' && setByImage.includes(name)) return 'not PORT: the image sets it from the port option (and EXPOSEs that port), so set port instead';
  if (setByImage.includes(name)) return `not a name ${setBy} (${setByImage.join(', ')})`;
  return undefined;
}

/** A Docker duration (`10s`, `1m30s`, `500ms`) in milliseconds, or undefined when it is none. */
export function parseDuration(value: string): number | undefined {
  if (typeof value !== 'string' || !/^(?:\d{1,7}(?:ms|s|m|h))+$/.test(value)) return undefined;
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  return [...value.matchAll(/(\d+)(ms|s|m|h)/g)].reduce((sum, [, n, u]) => sum + Number(n) * unit[u], 0);
}

/**
 * Checks the runtime options of a Node.js kind and finds the service's package manager (from its
 * NodeProject, in `target`). `setByImage` is the environment the kind's Dockerfile sets itself
 * (its `env` may not override those names).
 */
export function resolveNodeRuntime(
  o: NodeRuntimeOptions, service: string, defaultUser: string, setByImage: readonly string[], target?: ImageTarget,
): NodeRuntime {
  return { ...resolveRuntime(o, service, defaultUser, setByImage), packageManager: packageManagerOf(target?.serviceProject, service) };
}

/**
 * Checks the runtime options of any kind. `setByImage` is the environment the kind's Dockerfile
 * sets itself (its `env` may not override those names); `knownUids` the users of its base image
 * whose uid:gid needs no `uid` option.
 */
export function resolveRuntime(
  o: NodeRuntimeOptions, service: string, defaultUser: string, setByImage: readonly string[],
  knownUids: Readonly<Record<string, string>> = KNOWN_UIDS,
): Runtime {
  const user = o.user ?? defaultUser;
  check(typeof user === 'string' && /^[a-z_][a-z0-9_-]{0,31}$/.test(user), COMPONENT, 'user', user, 'a user name of the base image: lowercase letters, digits, "_" and "-", starting with a letter or "_"', service);
  const uid = o.uid ?? knownUids[user];
  if (uid === undefined) missing('uid', service, `the numeric uid:gid of user ${user} in the base image, such as 1000:1000 (only those of ${Object.keys(knownUids).join(' and ')} are known)`);
  const m = typeof uid === 'string' ? /^([1-9]\d{0,9}):([1-9]\d{0,9})$/.exec(uid) : null;
  check(!!m && Number(m[1]) <= MAX_ID && Number(m[2]) <= MAX_ID, COMPONENT, 'uid', uid, `the numeric uid:gid of a non-root user, such as 1000:1000: each a whole number from 1 to ${MAX_ID} (0 is root's user or group)`, service);
  const env = o.env ?? {};
  check(typeof env === 'object' && env !== null && !Array.isArray(env), COMPONENT, 'env', env, 'an object of variable names to values', service);
  const taken = [...setByImage, ...Object.keys(VERSION_ENV)];
  for (const [name, value] of Object.entries(env)) {
    envName(COMPONENT, 'env', name, service);
    const reason = envNameTaken(name, taken);
    check(reason === undefined, COMPONENT, 'env', name, `${reason}`, service);
    check(typeof value === 'string' && value.length <= 1000 && /^[\x20-\x7e]*$/.test(value) && !/["\\$]/.test(value), COMPONENT, `env.${name}`, value, 'printable ASCII of at most 1000 characters without ", \\ or $ (Docker would expand $ in ENV)', service);
  }
  const healthInterval = o.healthInterval ?? '10s';
  const ms = parseDuration(healthInterval);
  check(ms !== undefined && ms >= 1000 && ms <= 3_600_000, COMPONENT, 'healthInterval', healthInterval, 'a Docker duration from 1s to 1h, such as 10s or 1m30s', service);
  return { user, uid: uid!, env, healthInterval };
}

/** What a server kind needs to be reached and checked. */
export interface ServerOptions {
  /** Port the server listens on (1-65535). */
  readonly port: number;
  /** Path of the health endpoint, such as `/health`: letters, digits and `. _ ~ - /`. */
  readonly healthPath: string;
}

export const SERVER_OPTIONS = ['port', 'healthPath'] as const;

export function resolveServer(o: ServerOptions, service: string, kind: string): ServerOptions {
  if (o.port === undefined) missing('port', service, `a ${kind} image needs the port its server listens on (1-65535)`);
  if (o.healthPath === undefined) missing('healthPath', service, `a ${kind} image needs the path of its health endpoint, such as /health`);
  return { port: integer(COMPONENT, 'port', o.port, 1, 65535, service), healthPath: httpPath(COMPONENT, 'healthPath', o.healthPath, service) };
}

/** Throws for a required option that was not given. */
export function missing(option: string, service: string, what: string): never {
  throw new ConfigError(`${COMPONENT}: ${option} of ${service} is missing: ${what}.`);
}

/** Checks that an options object (such as `runner`) has no key but those listed. */
export function onlyKeys(option: string, value: object, keys: readonly string[], service: string): void {
  knownKeys(COMPONENT, option, value, keys, service);
}

/** npm's cache (cacache) is safe for concurrent writers: parallel stages share it without waiting. */
export const NPM_CACHE: RunMount = PACKAGE_MANAGERS.npm.cache;

/** The official Node.js image every Node.js kind starts from unless the project declares another `node` (`addBaseImage('node', ...)`). */
export const NODE_BASE: KindBaseImage = { name: 'node', image: { repository: 'node', tag: '24-alpine', buildArg: 'NODE_IMAGE' } };

/** The official Node.js image, as the comment above its base stage says. */
export const NODE_BASE_COMMENT = 'Official Node.js image, pinned by digest (Dependabot updates this line); the build argument overrides it.';

/** A Node one-liner that exits 0 when a URL answers 2xx: no curl or wget needed. `urlExpression` is JavaScript built from checked values. */
export function nodeHttpCheck(urlExpression: string): string[] {
  return ['node', '-e', `fetch(${urlExpression}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`];
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
 * A stage that installs dependencies from the lockfile, with the service's package manager: all of
 * them, production only, production without test folders, or production only with `node_modules`
 * created even when there is none (so that a later `COPY --from` of it holds).
 */
export function depsStage(
  model: DockerfileModel, ctx: ImageContext<unknown>, name: string, comment: string, install: 'all' | 'production' | 'production-pruned' | 'production-or-empty',
): Stage {
  const o = ctx.options as Partial<NodeRuntime> & { readonly installScripts?: boolean };
  const pm = o.packageManager ?? PACKAGE_MANAGERS.npm;
  const commands = installCommands(pm, install !== 'all', o.installScripts ?? false);
  if (install === 'production-pruned') commands.push(PRUNE_DEPENDENCY_TESTS);
  if (install === 'production-or-empty') commands.push('mkdir -p node_modules');
  return model.addStage(name, { from: fromBase(ctx), comment })
    .workdir('/app')
    .copy(['package.json', pm.lockFile, ...pm.configFiles], './')
    .run(commands, [pm.cache]);
}

/** The files a Node.js kind's install reads: package.json, the lock file of its package manager and its configuration. */
export function installFiles(o: NodeRuntime): string[] {
  return ['package.json', o.packageManager.lockFile, ...o.packageManager.configFiles];
}

/** The package managers of the Node.js base: not needed to run, and a frequent source of CVEs. */
const REMOVE_PACKAGE_MANAGERS = 'rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack /opt/yarn-*';

/** The runtime stage of a Node.js server: no package managers, production env, root-owned files. */
export function serverRuntimeStage(
  model: DockerfileModel, ctx: ImageContext<ServerOptions & NodeRuntime>, name: string, comment: string, env: Record<string, string>,
): Stage {
  return model.addStage(name, { from: fromBase(ctx), comment })
    .run(REMOVE_PACKAGE_MANAGERS)
    .workdir('/app')
    .env({ ...serverEnv(ctx.options.port, env), ...ctx.options.env });
}

/** Ends a server's runtime stage: non-root user, port, health check, labels, exec-form command. */
export function finishServer(stage: Stage, ctx: ImageContext<ServerOptions & NodeRuntime>, cmdComment: string, cmd: string[]): void {
  const o = ctx.options;
  // port is a whole number and healthPath has no quote (both checked): the JavaScript is well formed.
  const url = `'http://127.0.0.1:'+(process.env.PORT||${o.port})+'${o.healthPath}'`;
  stage
    .user(o.uid)
    .expose(o.port)
    .healthcheck({ command: nodeHttpCheck(url), interval: o.healthInterval });
  addLabelsAndVersion(stage, ctx);
  stage.comment(cmdComment).cmd(cmd);
}

/**
 * The one stage of the benchmark's naive reference: the same base, the whole folder copied,
 * `npm install` with no cache mount, run as root; the kind adds its build and command.
 */
export function naiveStage(model: DockerfileModel, ctx: ImageContext<unknown>, env?: Record<string, string>): Stage {
  addBase(model, ctx, 'The same base image as ours.');
  const app = model.addStage('app', { from: fromBase(ctx), comment: 'Everything in one stage.' }).workdir('/app');
  if (env) app.env(env);
  const pm = (ctx.options as Partial<NodeRuntime>).packageManager ?? PACKAGE_MANAGERS.npm;
  const install = pm.name === 'npm' ? 'npm install' : installCommands(pm, false).join(' && ');
  return app.copy('.', '.').run(install);
}
