/**
 * What a kind of service image is: the contract every kind module (`node-service.ts`,
 * `nextjs-standalone.ts`, `playwright-runner.ts`, ...) fulfils, and `defineImageKind()`, which
 * checks a definition once. `ServiceImage` does what every image has in common (image name, size
 * budget, base image, build context); the kind owns everything else: its options, their
 * defaults and checks, the files its build needs, the Dockerfile's stages, and any extra file or
 * task.
 */
import type { Project } from 'projen';
import { ConfigError } from '../../validate';
import type { DockerfileModel } from '../dockerfile-model';

/** What a kind renders an image from: the service, its base image, and the kind's own resolved options. */
export interface ImageContext<R> {
  /** The service's folder name, e.g. `api` (also the image's title label). */
  readonly service: string;
  /** The image repository, e.g. `qualisys/api`. */
  readonly imageName: string;
  /** Build argument holding the base image, e.g. `NODE_IMAGE`. */
  readonly baseArg: string;
  /** Name of the literal, pinned base stage (the argument's default), e.g. `node-base`. */
  readonly baseStage: string;
  /** The pinned base image written in that stage, e.g. `node:24-alpine@sha256:…`. */
  readonly baseDefault: string;
  /** The kind's options, checked and with their defaults. */
  readonly options: R;
}

/** Where an image lives, for a kind that adds files or tasks. */
export interface ImageTarget {
  /** The service's own project (its folder is the build context). */
  readonly serviceProject: Project;
  /** The root project, which holds the tasks. */
  readonly rootProject: Project;
  readonly service: string;
  readonly imageName: string;
  /** The build context, relative to the root, e.g. `playwright-runner`. */
  readonly context: string;
}

/** What the manifest and the docs say of an image of this kind, beyond what every image has. */
export interface ImageKindFacts {
  /** Runtime user, and its numeric `uid:gid`. */
  readonly user: string;
  readonly uid: string;
  /** Port the server listens on. @default none */
  readonly port?: number;
  /** Health endpoint. @default none */
  readonly healthPath?: string;
  /** Recommended `docker run` flags. @default none */
  readonly runFlags?: string[];
  /** A test runner's targets and defaults. @default none */
  readonly runner?: {
    readonly targets: readonly { readonly name: string; readonly urlEnv: string; readonly healthPath: string }[];
    readonly waitTimeoutSeconds: number;
    readonly defaultProject: string;
    readonly defaultWorkers: number;
  };
}

/**
 * A kind of service image. `O` is the options it takes (besides those every image takes), `R`
 * what `resolve()` makes of them. Create one with {@link defineImageKind} and register it with
 * `DockerImages.registerKind()` (the built-in kinds are registered already).
 */
export interface ImageKindDefinition<O extends object = object, R = unknown> {
  /** Name in the manifest, the docs and messages, in kebab-case, e.g. `node-service`. */
  readonly name: string;
  /** One line on what it builds. */
  readonly description: string;
  /** The module that defines it (`sourceFile(__filename)`), named in the files it generates. */
  readonly source: string;
  /** Every option it takes, besides those every image takes; any other is an error. */
  readonly options: readonly (keyof O & string)[];
  /** The base image it starts from unless the service says otherwise: a name given to `addBaseImage()`, e.g. `node`. */
  readonly defaultBase: string;
  /**
   * Checks the options and fills in their defaults. Throws a ConfigError naming the option, the
   * service and what is allowed. Called once, when the service is added.
   */
  resolve(options: O, service: string): R;
  /** Paths (relative to the service folder, folders without a trailing `/`) the build needs in its context. */
  contextFiles(options: R): string[];
  /** Fills the Dockerfile: base, stages, user, health check, labels, command. */
  render(model: DockerfileModel, ctx: ImageContext<R>): void;
  /** What the manifest and the docs say of it. */
  facts(options: R): ImageKindFacts;
  /** Adds what the image needs besides its Dockerfile and .dockerignore (an entrypoint, a run task). @default nothing */
  addFiles?(target: ImageTarget, options: R): void;
  /** Fills the benchmark's naive single-stage reference of such an image. @default no naive reference */
  renderNaive?(model: DockerfileModel, ctx: ImageContext<R>): void;
  /** The kind's name: a kind prints as its name in messages and docs. */
  toString(): string;
}

/** The options every image takes, whatever its kind (see `ServiceImageOptions`). */
export const COMMON_IMAGE_OPTIONS = ['kind', 'imageName', 'sizeBudget', 'base', 'extraAllow', 'extraIgnores'] as const;

/**
 * Checks a kind's definition (its name, and options that do not shadow the common ones) and
 * returns it, printing as its name.
 */
export function defineImageKind<O extends object, R>(definition: Omit<ImageKindDefinition<O, R>, 'toString'>): ImageKindDefinition<O, R> {
  if (!/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/.test(definition.name)) {
    throw new ConfigError(`defineImageKind: name ${JSON.stringify(definition.name)} is not allowed: kebab-case, such as node-service.`);
  }
  const shadowed = definition.options.filter((o) => (COMMON_IMAGE_OPTIONS as readonly string[]).includes(o));
  if (shadowed.length) {
    throw new ConfigError(`defineImageKind: kind ${definition.name} declares ${shadowed.join(', ')}, which every image takes already (${COMMON_IMAGE_OPTIONS.join(', ')}).`);
  }
  return Object.freeze({ ...definition, toString: () => definition.name });
}

/**
 * Refuses any option the kind does not take, naming the option, the service and the kind, and
 * listing what the kind takes. An option given as `undefined` counts as not given.
 */
export function checkKindOptions(component: string, kind: ImageKindDefinition<any, any>, options: object, service: string): void {
  const takes: readonly string[] = [...COMMON_IMAGE_OPTIONS, ...kind.options];
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined || takes.includes(key)) continue;
    throw new ConfigError(
      `${component}: option "${key}" of ${service} does not apply to a ${kind.name} image. `
      + `A ${kind.name} takes ${kind.options.join(', ') || 'no option of its own'}; every image takes ${COMMON_IMAGE_OPTIONS.filter((o) => o !== 'kind').join(', ')}.`,
    );
  }
}
