/**
 * The `nextjs-standalone` kind: a Next.js app built with `output: 'standalone'`. The shape of
 * Next.js's with-docker example (dependencies, builder, runner), with Next's build cache in a
 * cache mount, sharp left out when the app never loads it, and a start script that drains
 * requests on SIGTERM.
 */
import { defineImageKind } from './kind';
import {
  depsStage, finishServer, installFiles, NODE_BASE, NODE_BASE_COMMENT, NODE_RUNTIME_OPTIONS, NodeRuntime, NodeRuntimeOptions, naiveStage,
  resolveNodeRuntime, resolveServer, SERVER_OPTIONS, serverEnv, ServerOptions, serverRuntimeStage,
} from './node-common';
import { addBase } from './stages';
import { sourceFile } from '../../lib/source-file';
import { check, contextPath } from '../../validate';

/** Options of a `nextjs-standalone` image. */
export interface NextjsStandaloneOptions extends ServerOptions, NodeRuntimeOptions {
  /** The script, beside the app's files, that runs `.next/standalone/server.js` and exits 0 after draining requests on SIGTERM. @default 'start.cjs' */
  readonly startScript?: string;
}

/** Its options, checked and with their defaults. */
export interface NextjsStandalone extends ServerOptions, NodeRuntime {
  readonly startScript: string;
}

/** Next's telemetry, off in every build. */
export const NO_TELEMETRY = { NEXT_TELEMETRY_DISABLED: '1' };

/** What the runner stage sets besides NODE_ENV and PORT: no telemetry, listen on every interface. */
const RUNNER_ENV = { ...NO_TELEMETRY, HOSTNAME: '0.0.0.0' };

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

/** The start script is copied beside server.js: a file at the root of the service folder. */
function startScript(value: string, service: string): string {
  contextPath('DockerImages', 'startScript', value, service);
  check(!value.includes('/'), 'DockerImages', 'startScript', value, 'a file at the root of the service folder, such as start.cjs (it is copied beside server.js)', service);
  return value;
}

export const NEXTJS_STANDALONE = defineImageKind<NextjsStandaloneOptions, NextjsStandalone>({
  name: 'nextjs-standalone',
  description: "a Next.js app with output: 'standalone'",
  dependencyEcosystem: 'npm',
  source: sourceFile(__filename),
  options: [...SERVER_OPTIONS, 'startScript', ...NODE_RUNTIME_OPTIONS],
  bases: { runtime: NODE_BASE },

  resolve: (o, service, target) => ({
    ...resolveServer(o, service, 'nextjs-standalone'),
    ...resolveNodeRuntime(o, service, 'node', Object.keys(serverEnv(0, RUNNER_ENV)), target),
    startScript: startScript(o.startScript ?? 'start.cjs', service),
  }),

  contextFiles: (o) => [...installFiles(o), 'tsconfig.json', 'next.config.ts', 'src', 'public', o.startScript],

  render: (model, ctx) => {
    const o = ctx.options;
    addBase(model, ctx, NODE_BASE_COMMENT);
    depsStage(model, ctx, 'deps', 'Dependencies, installed from the lockfile only.', 'all');
    model.addStage('builder', {
      from: 'deps',
      comment: 'Build the standalone server; Next\'s build cache survives between builds in a cache mount.\nAn app built with images.unoptimized never loads sharp: its ~20 MB of native libraries are left out.',
    })
      .env(NO_TELEMETRY)
      .copy('.', '.')
      .run(['node_modules/.bin/next build', PRUNE_UNUSED_SHARP], [{ type: 'cache', id: `next-${ctx.service}`, target: '/app/.next/cache' }]);
    const runner = serverRuntimeStage(model, ctx, 'runner', 'Only the standalone server, its static assets and public files.', RUNNER_ENV)
      .copy('/app/public', './public', { from: 'builder' })
      .copy('/app/.next/standalone', './', { from: 'builder' })
      .copy('/app/.next/static', './.next/static', { from: 'builder' })
      .copy(`/app/${o.startScript}`, './', { from: 'builder' });
    finishServer(runner, ctx, `${o.startScript} runs the standalone server and exits 0 after draining requests on SIGTERM.`, ['node', o.startScript]);
  },

  facts: (o) => ({ user: o.user, uid: o.uid, port: o.port, healthPath: o.healthPath }),

  renderNaive: (model, ctx) => {
    naiveStage(model, ctx, NO_TELEMETRY).run('node_modules/.bin/next build').expose(ctx.options.port).cmd(['node_modules/.bin/next', 'start']);
  },
});
