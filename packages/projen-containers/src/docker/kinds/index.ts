/**
 * The built-in kinds of service image, one module each. A new kind is one more module (see
 * `kind.ts` for the contract) and one more line here; a project can also register its own with
 * `DockerImages.registerKind()`.
 */
import { NEXTJS_STANDALONE } from './nextjs-standalone';
import { NODE_SERVICE } from './node-service';
import { PLAYWRIGHT_RUNNER } from './playwright-runner';

export { defineImageKind } from './kind';
export type { ImageContext, ImageKindDefinition, ImageKindFacts, ImageTarget } from './kind';
export { ImageKindRegistry } from './registry';
export { NEXTJS_STANDALONE } from './nextjs-standalone';
export type { NextjsStandaloneOptions } from './nextjs-standalone';
export { NODE_SERVICE } from './node-service';
export type { NodeServiceOptions } from './node-service';
export { PLAYWRIGHT_RUNNER } from './playwright-runner';
export type { PlaywrightRunnerOptions, RunnerOptions, RunnerTarget } from './playwright-runner';

/** The built-in kinds, as `.projenrc.ts` names them: `images.addService(api, { kind: ImageKind.NODE_SERVICE, ... })`. */
export const ImageKind = {
  /** A compiled TypeScript Node.js server (`tsc` to `lib/`), such as a Fastify service. */
  NODE_SERVICE,
  /** A Next.js app with `output: 'standalone'`. */
  NEXTJS_STANDALONE,
  /** A Playwright suite that runs once against targets and exits with its result. */
  PLAYWRIGHT_RUNNER,
} as const;

/** Every built-in kind, registered in every `DockerImages`. */
export const BUILT_IN_KINDS = Object.values(ImageKind);
