/**
 * Reference Dockerfiles for the build benchmark (`npx projen bench:docker`): the builds our
 * images are measured against, on the same base image and the same source tree. They exist to be
 * compared, never to be shipped.
 */
import { sourceFile } from '../lib/source-file';
import { ConfigError } from '../validate';
import { DockerfileModel } from './dockerfile-model';
import { ImageContext, ImageKindDefinition } from './kinds/kind';
import { NEXTJS_STANDALONE, NextjsStandalone, NO_TELEMETRY } from './kinds/nextjs-standalone';
import { addBase, fromBase } from './kinds/stages';

/** A reference build of one service, measured beside ours. */
export interface ReferenceRecipe<R = any> {
  /** Short name, used in file names and in the report, e.g. `naive`. Lowercase letters, digits and `-`. */
  readonly name: string;
  /** One sentence on what it is, shown in the report and in the Dockerfile's header. */
  readonly description: string;
  /** The module that renders it, named in the generated Dockerfile's header. */
  readonly source: string;
  /** The kind of image it is written for. @default any kind */
  readonly kind?: ImageKindDefinition<any, R>;
  /** Fills the model; the base image comes from `ctx.baseArg`, as in ours. */
  readonly render: (model: DockerfileModel, ctx: ImageContext<R>) => void;
  /**
   * Its .dockerignore patterns, each matched at the root of the context as Docker does; `[]` for
   * one that leaves nothing out.
   * @default undefined: no ignore file of its own (a manual build uses the service's .dockerignore)
   */
  readonly dockerignore?: readonly string[];
  /** Its last stage runs as root (the naive reference does, on purpose). @default false */
  readonly runsAsRoot?: boolean;
}

/**
 * What a first Dockerfile usually looks like: one stage on the same base, the whole folder copied,
 * `npm install` with no cache mount, the build, the dev dependencies and npm kept, run as root,
 * no health check. Each kind writes its own (`renderNaive`); a kind without one has none.
 */
export function naiveReference<R>(kind: ImageKindDefinition<any, R>): ReferenceRecipe<R> {
  const renderNaive = kind.renderNaive;
  if (!renderNaive) throw new ConfigError(`naiveReference: kind ${kind.name} has no naive reference (renderNaive).`);
  return {
    name: 'naive',
    description: 'one stage: the whole folder copied, npm install, the build if any, run as root',
    source: kind.source,
    kind,
    runsAsRoot: true,
    // An ignore file that leaves nothing out, so that `docker build -f <this> <service>` does not
    // fall back to the service's own .dockerignore.
    dockerignore: [],
    render: (model, ctx) => renderNaive(model, ctx),
  };
}

/**
 * The structure of the Next.js project's `examples/with-docker` Dockerfile (vercel/next.js), for a
 * standalone app: a dependencies stage (`npm ci` under a cache mount), a builder stage that copies
 * the whole context, and a runner with the standalone output, `.next/static` and `public` owned by
 * the `node` user. Adapted in two places: the base is our base build argument, and the build runs
 * `next build` directly (our `npm run build` is projen's task runner, not installed in the image).
 */
export function nextjsWithDockerReference(): ReferenceRecipe<NextjsStandalone> {
  return {
    name: 'nextjs-example',
    description: "the structure of Next.js's examples/with-docker Dockerfile",
    source: sourceFile(__filename),
    kind: NEXTJS_STANDALONE,
    // The example's .dockerignore.
    dockerignore: ['Dockerfile', '.dockerignore', 'node_modules', 'npm-debug.log', 'README.md', '.next', '.git'],
    render: (model, ctx) => {
      addBase(model, ctx, 'The same base image as ours.');
      model.addStage('dependencies', { from: fromBase(ctx), comment: 'Install dependencies only when needed.' })
        .workdir('/app')
        .copy(['package.json', 'package-lock.json'], './')
        .run('npm ci --no-audit --no-fund', [{ type: 'cache', target: '/root/.npm' }]);
      model.addStage('builder', { from: fromBase(ctx), comment: 'Rebuild the source code only when needed.' })
        .workdir('/app')
        .copy('/app/node_modules', './node_modules', { from: 'dependencies' })
        .copy('.', '.')
        .env({ NODE_ENV: 'production', ...NO_TELEMETRY })
        .run('node_modules/.bin/next build');
      model.addStage('runner', { from: fromBase(ctx), comment: 'Production image: copy the standalone output and run next.' })
        .workdir('/app')
        .env({ NODE_ENV: 'production', PORT: String(ctx.options.port), HOSTNAME: '0.0.0.0' })
        .copy('/app/public', './public', { from: 'builder', chown: 'node:node' })
        .run('mkdir .next && chown node:node .next')
        .copy('/app/.next/standalone', './', { from: 'builder', chown: 'node:node' })
        .copy('/app/.next/static', './.next/static', { from: 'builder', chown: 'node:node' })
        .user('node')
        .expose(ctx.options.port)
        .cmd(['node', 'server.js']);
    },
  };
}
