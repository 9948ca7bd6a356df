/**
 * The `go-service` kind: a Go HTTP service built into one static binary and run alone on
 * distroless (no shell, no package manager) as its nonroot user. Three stages: modules, the
 * build (module and build caches in cache mounts), and the runtime with the binary only. With no
 * shell or curl in the runtime, the health check is the binary's own health mode.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { defineImageKind, ImageContext, ImageTarget, KindBaseImage } from './kind';
import { NodeRuntimeOptions, resolveRuntime, Runtime } from './node-common';
import { addBase, addLabelsAndVersion, fromBase } from './stages';
import { sourceFile } from '../../lib/source-file';
import { check, ConfigError, httpPath, integer } from '../../validate';
import type { DockerfileModel, RunMount } from '../dockerfile-model';
import { kebabName } from '../names';

/** Options of a `go-service` image. */
export interface GoServiceOptions extends NodeRuntimeOptions {
  /** Port the server listens on (1-65535). */
  readonly port: number;
  /** Path of the health endpoint, such as `/healthz`, that the binary's health mode checks: for the manifest and the docs. @default none */
  readonly healthPath?: string;
  /** Arguments the HEALTHCHECK passes to the binary (its health mode, which GETs the health endpoint and exits 0 or 1). @default ['healthcheck'] */
  readonly healthCommand?: string[];
  /** The main package to build, relative to the module root: `.` or `./cmd/<name>`. @default '.' */
  readonly packagePath?: string;
  /** The binary's name, in `/usr/local/bin`. @default the service's name */
  readonly binary?: string;
  /** Folders of Go code besides the module root's own `*.go` files (the build context is an allow-list). @default ['cmd', 'internal', 'pkg'] */
  readonly sourceDirs?: string[];
}

/** Its options, checked and with their defaults. */
export interface GoService extends Runtime {
  readonly port: number;
  readonly healthPath?: string;
  readonly healthCommand: readonly string[];
  readonly packagePath: string;
  readonly binary: string;
  readonly sourceDirs: readonly string[];
}

/** The official Go image: the toolchain, used to build only. */
export const GOLANG_BASE: KindBaseImage = { name: 'golang', image: { repository: 'golang', tag: '1.26-bookworm', buildArg: 'GO_IMAGE' } };
/** Distroless static (CA certificates, tzdata, a nonroot user, nothing else): what the binary runs on. */
export const DISTROLESS_BASE: KindBaseImage = { name: 'distroless', image: { repository: 'gcr.io/distroless/static-debian12', tag: 'nonroot', buildArg: 'RUNTIME_IMAGE' } };

/** The user of distroless's `nonroot` images. */
const KNOWN_UIDS = { nonroot: '65532:65532' };

const SERVICE_ENV = { HOST: '0.0.0.0' };

const GO_MOD_CACHE: RunMount = { type: 'cache', id: 'gomod', target: '/go/pkg/mod', sharing: 'shared' };
const GO_BUILD_CACHE: RunMount = { type: 'cache', id: 'gobuild', target: '/root/.cache/go-build', sharing: 'shared' };

const C = 'DockerImages';

/** Folders `go build` never reads a package from: hidden ones, `_*`, `testdata`, and `vendor` (modules are downloaded). */
function skipped(name: string): boolean {
  return name.startsWith('.') || name.startsWith('_') || name === 'testdata' || name === 'vendor' || name === 'node_modules';
}

/** Whether a Go file is ever built: not a test, and not excluded by a `//go:build ignore` constraint. */
function builtGoFile(file: string): boolean {
  if (!file.endsWith('.go') || file.endsWith('_test.go')) return false;
  const constraint = /^\/\/go:build\s+(.+)$/m.exec(readFileSync(file, 'utf8').split(/^package\s/m)[0]);
  return !constraint || !/^ignore\s*$/.test(constraint[1]);
}

/**
 * The folders below `root` (relative, POSIX) that hold a Go package of the module (a `.go` file
 * that is built: not a test, not `//go:build ignore`; a folder with its own go.mod is another
 * module) and lie outside `allowed`: the build context would leave them out.
 */
export function goPackagesOutside(root: string, allowed: readonly string[]): string[] {
  const outside: string[] = [];
  const inside = (rel: string) => allowed.some((d) => rel === d || rel.startsWith(`${d}/`));
  const walk = (rel: string): void => {
    const entries = readdirSync(path.join(root, rel), { withFileTypes: true });
    if (rel !== '' && entries.some((e) => e.isFile() && e.name === 'go.mod')) return;
    if (rel !== '' && !inside(rel) && entries.some((e) => e.isFile() && builtGoFile(path.join(root, rel, e.name)))) outside.push(rel);
    for (const e of entries) {
      if (e.isDirectory() && !skipped(e.name) && !inside(rel ? `${rel}/${e.name}` : e.name)) walk(rel ? `${rel}/${e.name}` : e.name);
    }
  };
  walk('');
  return outside;
}

/** The module's packages and the main package must all be in the build context's allow-list (checked when the folder exists). */
function checkAllowList(
  service: string, target: ImageTarget | undefined, sourceDirs: readonly string[], packagePath: string, extraAllow: readonly string[],
): void {
  const allowed = [...sourceDirs, ...extraAllow.map((p) => p.replace(/\/+$/, ''))];
  const main = packagePath.replace(/^\.\/?/, '');
  if (main !== '' && !allowed.some((d) => main === d || main.startsWith(`${d}/`))) {
    throw new ConfigError(`DockerImages: packagePath of ${service} "${packagePath}" is outside the folders its image copies (the module root's *.go files and ${sourceDirs.join(', ')}): `
      + `add ${main.split('/')[0]} to sourceDirs.`);
  }
  const dir = target?.serviceProject.outdir;
  if (!dir || !existsSync(path.join(dir, 'go.mod'))) return;
  const outside = goPackagesOutside(dir, allowed);
  if (outside.length > 0) {
    const top = [...new Set(outside.map((f) => f.split('/')[0]))];
    throw new ConfigError(`DockerImages: ${service} has Go packages outside the folders its image copies (the module root's *.go files and ${sourceDirs.join(', ')}): `
      + `${outside.slice(0, 5).join(', ')}${outside.length > 5 ? ', ...' : ''}. The build would not find them: add ${top.join(', ')} to sourceDirs.`);
  }
}

function resolve(o: GoServiceOptions, service: string, target?: ImageTarget): GoService {
  const port = integer(C, 'port', o.port, 1, 65535, service);
  const healthPath = o.healthPath === undefined ? undefined : httpPath(C, 'healthPath', o.healthPath, service);
  const healthCommand = o.healthCommand ?? ['healthcheck'];
  check(Array.isArray(healthCommand) && healthCommand.length > 0 && healthCommand.length <= 16
    && healthCommand.every((a) => typeof a === 'string' && /^[A-Za-z0-9_./:=@+-]{1,200}$/.test(a)), C, 'healthCommand', healthCommand,
  'the arguments of the binary\'s health mode, such as [\'healthcheck\']: one to 16 words of letters, digits and "_ . / : = @ + -"', service);
  const packagePath = o.packagePath ?? '.';
  check(typeof packagePath === 'string' && /^\.(?:\/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$/.test(packagePath) && !packagePath.split('/').includes('..'), C, 'packagePath', packagePath,
    'the main package, relative to the module root: . or ./cmd/<name>', service);
  const binary = kebabName(C, 'binary', o.binary ?? service, service);
  const sourceDirs = o.sourceDirs ?? ['cmd', 'internal', 'pkg'];
  check(Array.isArray(sourceDirs) && sourceDirs.every((d) => typeof d === 'string' && /^[A-Za-z0-9_][A-Za-z0-9_.-]*(?:\/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$/.test(d)), C, 'sourceDirs', sourceDirs,
    'folders of the service, such as [\'cmd\', \'internal\']', service);
  // The image's extraAllow (checked by ServiceImage before the kind resolves) is in the context too.
  checkAllowList(service, target, sourceDirs, packagePath, (o as { readonly extraAllow?: readonly string[] }).extraAllow ?? []);
  return { ...resolveRuntime(o, service, 'nonroot', ['PORT', ...Object.keys(SERVICE_ENV)], KNOWN_UIDS), port, healthPath, healthCommand, packagePath, binary, sourceDirs };
}

function render(model: DockerfileModel, ctx: ImageContext<GoService>): void {
  const o = ctx.options;
  const bin = `/usr/local/bin/${o.binary}`;
  addBase(model, ctx, 'Official Go and distroless images, pinned by digest (Dependabot updates these lines); the build arguments override them.');
  model.addStage('deps', { from: fromBase(ctx, 'build'), comment: 'Modules: downloaded in their own layer, re-run only when go.mod or go.sum change.' })
    .workdir('/src')
    // go.sum* : a module without dependencies has none.
    .copy(['go.mod', 'go.sum*'], './')
    .run('go mod download', [GO_MOD_CACHE]);
  model.addStage('build', { from: 'deps', comment: 'Build: a static, stripped, reproducible-path binary; the build cache makes a source-only change cheap.' })
    .copy('.', '.')
    .run(`CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/${o.binary} ${o.packagePath}`, [GO_MOD_CACHE, GO_BUILD_CACHE]);
  const runtime = model.addStage('runtime', { from: fromBase(ctx, 'runtime'), comment: 'What runs: the binary alone on distroless (no shell, no package manager), as nonroot.' })
    .copy(`/out/${o.binary}`, bin, { from: 'build' })
    .env({ ...SERVICE_ENV, PORT: String(o.port), ...o.env })
    .comment(`${o.user}, numeric so that runAsNonRoot can verify it without /etc/passwd.`)
    .user(o.uid)
    .expose(o.port)
    .comment(`No shell or curl here: the binary's own health mode checks the service${o.healthPath ? ` (${o.healthPath} on 127.0.0.1:$PORT)` : ''}.`)
    .healthcheck({ command: [bin, ...o.healthCommand], interval: o.healthInterval, startPeriod: '5s' });
  addLabelsAndVersion(runtime, ctx);
  runtime.comment('Exec form: the binary is PID 1 and gets SIGTERM itself (a graceful shutdown, then exit 0).').entrypoint([bin]);
}

export const GO_SERVICE = defineImageKind<GoServiceOptions, GoService>({
  name: 'go-service',
  description: 'a Go HTTP service: one static binary on distroless, run as nonroot, its own health mode as the health check',
  dependencyEcosystem: 'gomod',
  source: sourceFile(__filename),
  options: ['port', 'healthPath', 'healthCommand', 'packagePath', 'binary', 'sourceDirs', 'user', 'uid', 'env', 'healthInterval'],
  bases: { build: GOLANG_BASE, runtime: DISTROLESS_BASE },
  resolve,
  contextFiles: (o) => ['go.mod', 'go.sum', '*.go', ...o.sourceDirs],
  // go build leaves tests out: keeping them out of the context keeps a test-only change from rebuilding the image.
  contextIgnores: () => ['*_test.go', 'testdata'],
  render,
  facts: (o) => ({ user: o.user, uid: o.uid, port: o.port, healthPath: o.healthPath, healthCommand: [`/usr/local/bin/${o.binary}`, ...o.healthCommand] }),
  renderNaive: (model, ctx) => {
    addBase(model, ctx, 'The same base images as ours.');
    model.addStage('app', { from: fromBase(ctx, 'build'), comment: 'Everything in one stage, on the toolchain.' })
      .workdir('/src')
      .copy('.', '.')
      .run(`go build -o /usr/local/bin/${ctx.options.binary} ${ctx.options.packagePath}`)
      .expose(ctx.options.port)
      .cmd([`/usr/local/bin/${ctx.options.binary}`]);
  },
});
