/**
 * The `node-worker` kind: a TypeScript Node.js process compiled by `tsc` to `lib/` that serves no
 * port (a queue consumer, a poller). Four stages as a node-service's; its health check is a
 * command of its own (a heartbeat check), or none, which the Dockerfile and the docs say.
 */
import { defineImageKind, ImageContext, ImageTarget } from './kind';
import {
  depsStage, installFiles, NODE_BASE, NODE_BASE_COMMENT, NODE_INSTALL_OPTIONS, NODE_RUNTIME_OPTIONS, NodeInstallOptions, NodeRuntime,
  NodeRuntimeOptions, naiveStage, resolveInstallScripts, resolveNodeRuntime,
} from './node-common';
import { entrypointOf } from './node-service';
import { addLabelsAndVersion, addBase, fromBase } from './stages';
import { sourceFile } from '../../lib/source-file';
import { check } from '../../validate';
import type { DockerfileModel } from '../dockerfile-model';

/** Options of a `node-worker` image. */
export interface NodeWorkerOptions extends NodeRuntimeOptions, NodeInstallOptions {
  /**
   * The compiled entry point, relative to the service folder.
   * @default the `main` of the service's package.json, as for a node-service
   */
  readonly entrypoint?: string;
  /**
   * The health check, in exec form, such as `['node', 'lib/health.js']` (a script that exits 0
   * while the worker's heartbeat is fresh).
   * @default none: the image says `HEALTHCHECK NONE`, and the docs say it has no health check
   */
  readonly healthCommand?: string[];
}

/** Its options, checked and with their defaults. */
export interface NodeWorker extends NodeRuntime {
  readonly entrypoint: string;
  /** The health check's command, or undefined for none. */
  readonly healthCommand?: readonly string[];
  /** Whether the production install runs install scripts, read at synth. */
  readonly installScripts: boolean;
}

const C = 'DockerImages';

function resolve(o: NodeWorkerOptions, service: string, target: ImageTarget): NodeWorker {
  const none = o.healthCommand === undefined;
  check(none || (Array.isArray(o.healthCommand) && o.healthCommand.length > 0 && o.healthCommand.length <= 16
    && o.healthCommand.every((a) => typeof a === 'string' && /^[A-Za-z0-9_./:=@+-]{1,200}$/.test(a))), C, 'healthCommand', o.healthCommand,
  'a command in exec form, such as [\'node\', \'lib/health.js\']: one to 16 words of letters, digits and "_ . / : = @ + -", (or no healthCommand for no health check)', service);
  const entrypoint = entrypointOf(o, service, target);
  let read: string | undefined;
  const runtime = resolveNodeRuntime(o, service, 'node', ['NODE_ENV'], target);
  const installScripts = resolveInstallScripts(o, service, target, runtime.packageManager);
  const resolved = { ...runtime, ...(none ? {} : { healthCommand: [...o.healthCommand!] }) };
  // Read at synth, once: a package.json main set after addService() counts.
  return Object.defineProperties(resolved, {
    entrypoint: { get: () => (read ??= entrypoint()), enumerable: true },
    installScripts: { get: installScripts, enumerable: true },
  }) as NodeWorker;
}

function render(model: DockerfileModel, ctx: ImageContext<NodeWorker>): void {
  const o = ctx.options;
  addBase(model, ctx, NODE_BASE_COMMENT);
  depsStage(model, ctx, 'deps', 'All dependencies, for compiling.', 'all');
  model.addStage('build', { from: 'deps', comment: 'Compile TypeScript to lib/.' })
    .copy(['tsconfig.json'], './')
    .copy('src', './src')
    .run('node_modules/.bin/tsc -p tsconfig.json');
  depsStage(model, ctx, 'prod-deps', 'Production dependencies only; node_modules is created even when there are none, so the COPY below holds.', 'production-or-empty');
  const runtime = model.addStage('runtime', { from: fromBase(ctx), comment: 'What runs: compiled code and production dependencies, owned by root, run by a non-root user; package managers removed.' })
    .run('rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack /opt/yarn-*')
    .workdir('/app')
    .env({ NODE_ENV: 'production', ...o.env })
    .copy('/app/node_modules', './node_modules', { from: 'prod-deps' })
    .copy('/app/lib', './lib', { from: 'build' })
    .copy('package.json', './')
    .comment(`The ${o.user} user, numeric so that runAsNonRoot can verify it without /etc/passwd.`)
    .user(o.uid);
  if (o.healthCommand) {
    runtime.comment('A worker: no EXPOSE. Healthy while its own check passes.')
      .healthcheck({ command: [...o.healthCommand], interval: o.healthInterval, startPeriod: '15s' });
  } else {
    runtime.comment('A worker: no EXPOSE, and no health check (no healthCommand): its orchestrator sees it only as running or exited.')
      .healthcheck('none');
  }
  addLabelsAndVersion(runtime, ctx);
  runtime.comment('Exec form: node is PID 1 and gets SIGTERM itself (finishes its current work, exits 0).').cmd(['node', o.entrypoint]);
}

export const NODE_WORKER = defineImageKind<NodeWorkerOptions, NodeWorker>({
  name: 'node-worker',
  description: 'a compiled TypeScript Node.js worker (tsc to lib/) that serves no port',
  dependencyEcosystem: 'npm',
  source: sourceFile(__filename),
  options: ['entrypoint', 'healthCommand', ...NODE_INSTALL_OPTIONS, ...NODE_RUNTIME_OPTIONS],
  bases: { runtime: NODE_BASE },
  resolve,
  contextFiles: (o) => [...installFiles(o), 'tsconfig.json', 'src'],
  render,
  facts: (o) => ({ user: o.user, uid: o.uid, ...(o.healthCommand ? { healthCommand: [...o.healthCommand] } : { noHealthCheck: true }) }),
  renderNaive: (model, ctx) => {
    naiveStage(model, ctx).run('node_modules/.bin/tsc -p tsconfig.json').cmd(['node', ctx.options.entrypoint]);
  },
});
