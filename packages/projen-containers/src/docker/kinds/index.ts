/**
 * The built-in kinds of service image, one module each. A new kind is one more module (see
 * `kind.ts` for the contract) and one more line here; a project can also register its own with
 * `DockerImages.registerKind()`.
 */
import { GO_SERVICE } from './go-service';
import { NEXTJS_STANDALONE } from './nextjs-standalone';
import { NODE_SERVICE } from './node-service';
import { NODE_WORKER } from './node-worker';
import { PLAYWRIGHT_RUNNER } from './playwright-runner';
import { PYTHON_SERVICE } from './python-service';

export { defineImageKind } from './kind';
export { addBase, addLabelsAndVersion, fromBase, LABEL_BUILD_ARGS } from './stages';
export type { ImageBase, ImageContext, ImageKindDefinition, ImageKindFacts, ImageTarget, KindBaseImage } from './kind';
export { PACKAGE_MANAGERS, packageManagerOf } from './package-managers';
export type { PackageManagerRecipe } from './package-managers';
export { GO_SERVICE, GOLANG_BASE, DISTROLESS_BASE } from './go-service';
export type { GoServiceOptions } from './go-service';
export { NODE_WORKER } from './node-worker';
export type { NodeWorkerOptions } from './node-worker';
export { PYTHON_SERVICE, PYTHON_BASE } from './python-service';
export type { PythonServiceOptions } from './python-service';
export { NODE_BASE } from './node-common';
export type { NodeInstallOptions, NodeRuntimeOptions } from './node-common';
export { ImageKindRegistry } from './registry';
export { NEXTJS_STANDALONE } from './nextjs-standalone';
export type { NextjsStandaloneOptions } from './nextjs-standalone';
export { NODE_SERVICE } from './node-service';
export type { NodeCompiler, NodeServiceOptions } from './node-service';
export { PLAYWRIGHT_RUNNER, PLAYWRIGHT_BASE } from './playwright-runner';
export type { PlaywrightRunnerOptions, RunnerOptions, RunnerTarget } from './playwright-runner';

/** The built-in kinds, as `.projenrc.ts` names them: `images.addService(api, { kind: ImageKind.NODE_SERVICE, ... })`. */
export const ImageKind = {
  /** A compiled TypeScript Node.js server (`tsc` to `lib/`), such as a Fastify service. */
  NODE_SERVICE,
  /** A Next.js app with `output: 'standalone'`. */
  NEXTJS_STANDALONE,
  /** A Playwright suite that runs once against targets and exits with its result. */
  PLAYWRIGHT_RUNNER,
  /** A compiled TypeScript Node.js worker that serves no port (a queue consumer, a poller). */
  NODE_WORKER,
  /** A Python HTTP service run as `python -m <module>`, its dependencies from a hashed requirements file. */
  PYTHON_SERVICE,
  /** A Go HTTP service: one static binary on distroless. */
  GO_SERVICE,
} as const;

/** Every built-in kind, registered in every `DockerImages`. */
export const BUILT_IN_KINDS = Object.values(ImageKind);
