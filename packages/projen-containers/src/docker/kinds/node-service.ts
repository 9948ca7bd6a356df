/**
 * The `node-service` kind: a TypeScript Node.js server compiled by `tsc` to `lib/`, such as a
 * Fastify service. Four stages: all dependencies, the compile, production dependencies (installed
 * in parallel), and a runtime with only the compiled code and production dependencies.
 */
import { defineImageKind } from './kind';
import {
  depsStage, finishServer, NODE_BASE, NODE_BASE_COMMENT, NODE_RUNTIME_OPTIONS, NodeRuntime, NodeRuntimeOptions, naiveStage,
  resolveNodeRuntime, resolveServer, SERVER_OPTIONS, serverEnv, ServerOptions, serverRuntimeStage,
} from './node-common';
import { addBase } from './stages';
import { sourceFile } from '../../lib/source-file';
import { contextPath } from '../../validate';

/** Options of a `node-service` image. */
export interface NodeServiceOptions extends ServerOptions, NodeRuntimeOptions {
  /** The compiled entry point, relative to the service folder. @default 'lib/server.js' */
  readonly entrypoint?: string;
}

/** Its options, checked and with their defaults. */
export interface NodeService extends ServerOptions, NodeRuntime {
  readonly entrypoint: string;
}

/** What the runtime stage sets besides NODE_ENV and PORT: listen on every interface of the container. */
const SERVICE_ENV = { HOST: '0.0.0.0' };

export const NODE_SERVICE = defineImageKind<NodeServiceOptions, NodeService>({
  name: 'node-service',
  description: 'a compiled TypeScript Node.js server (tsc to lib/), such as a Fastify service',
  source: sourceFile(__filename),
  options: [...SERVER_OPTIONS, 'entrypoint', ...NODE_RUNTIME_OPTIONS],
  bases: { runtime: NODE_BASE },

  resolve: (o, service) => ({
    ...resolveServer(o, service, 'node-service'),
    ...resolveNodeRuntime(o, service, 'node', Object.keys(serverEnv(0, SERVICE_ENV))),
    entrypoint: contextPath('DockerImages', 'entrypoint', o.entrypoint ?? 'lib/server.js', service),
  }),

  contextFiles: () => ['package.json', 'package-lock.json', 'tsconfig.json', 'src'],

  render: (model, ctx) => {
    addBase(model, ctx, NODE_BASE_COMMENT);
    depsStage(model, ctx, 'deps', 'All dependencies, for compiling.', 'all');
    model.addStage('build', { from: 'deps', comment: 'Compile TypeScript to lib/.' })
      .copy(['tsconfig.json'], './')
      .copy('src', './src')
      .run('node_modules/.bin/tsc --build');
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
