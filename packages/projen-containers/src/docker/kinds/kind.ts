/**
 * What a kind of service image is: the contract every kind module (`node-service.ts`,
 * `nextjs-standalone.ts`, `playwright-runner.ts`, ...) fulfils, and `defineImageKind()`, which
 * checks a definition once. `ServiceImage` does what every image has in common (image name, size
 * budget, base image, build context); the kind owns everything else: its options, their
 * defaults and checks, the files its build needs, the Dockerfile's stages, and any extra file or
 * task.
 */
import type { Project } from 'projen';
import { BaseImageSpec, checkBaseImageSpec } from './base-image-spec';
import { check, ConfigError } from '../../validate';
import type { DockerfileModel } from '../dockerfile-model';
import { kebabName } from '../names';

/**
 * A base image a kind starts from, in one role (`build`, `runtime`, ...). Each is rendered as its
 * own literal, digest-pinned `FROM <image> AS <name>-base` line with its own build argument.
 */
export interface KindBaseImage {
  /**
   * The base image's name, e.g. `node`: the project overrides the default by declaring another
   * image under this name with `images.addBaseImage()` (e.g. `node:22-alpine`). Also the name of
   * the literal stage (`node-base`). Kebab-case.
   */
  readonly name: string;
  /**
   * The image used when the project declares none under {@link name}: repository, tracked tag and
   * build argument, pinned by digest from the lock file like any other.
   * @default none: the project must declare it with `images.addBaseImage()`
   */
  readonly image?: BaseImageSpec;
}

/** One base image of an image, as rendered: the role's image, its build argument and its literal stage. */
export interface ImageBase {
  /** Name of the base image (`node`, `golang`), as `addBaseImage()` declares it. */
  readonly name: string;
  /** Build argument holding it, e.g. `GO_IMAGE`. */
  readonly arg: string;
  /** Name of the literal, pinned stage (the argument's default), e.g. `golang-base`. */
  readonly stage: string;
  /** The pinned image written in that stage, e.g. `golang:1.26-bookworm@sha256:…` (`repository:tag` when not pinned yet). */
  readonly image: string;
  /** The lock file has a digest for it. */
  readonly pinned: boolean;
}

/** What a kind renders an image from: the service, its base images, and the kind's own resolved options. */
export interface ImageContext<R> {
  /** The service's folder name, e.g. `api` (also the image's title label). */
  readonly service: string;
  /** The image repository, e.g. `qualisys/api`. */
  readonly imageName: string;
  /** Build argument holding the first base image (of the kind's first role), e.g. `NODE_IMAGE`. */
  readonly baseArg: string;
  /** Name of the literal, pinned stage of the first base image (the argument's default), e.g. `node-base`. */
  readonly baseStage: string;
  /** The pinned first base image written in that stage, e.g. `node:24-alpine@sha256:…`. */
  readonly baseDefault: string;
  /** Every base image, by the kind's role (in the kind's order), e.g. `{ build: golang, runtime: distroless }`. */
  readonly bases: Readonly<Record<string, ImageBase>>;
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
  /** The health check's command, when it is not an HTTP GET of {@link healthPath} (`['node', 'lib/health.js']`). @default none */
  readonly healthCommand?: readonly string[];
  /** The image has no health check (`HEALTHCHECK NONE`), e.g. a worker without one: the docs say so. @default false */
  readonly noHealthCheck?: boolean;
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
  /**
   * The base images it starts from, by role (`{ build: ..., runtime: ... }`; a kind with one base
   * image has one role), in the order their `ARG` and `FROM` lines are rendered. The first role
   * is the one `ImageContext.baseArg` names. A service overrides one with its `base` option, or the
   * project every image's with `addBaseImage()` under the same name.
   */
  readonly bases: Readonly<Record<string, KindBaseImage>>;
  /**
   * Dependabot's package ecosystem of the service's own dependencies (`npm`, `pip`, `gomod`),
   * updated in the service's folder.
   * @default none: Dependabot updates only the image's base images
   */
  readonly dependencyEcosystem?: string;
  /**
   * Checks the options and fills in their defaults. Throws a ConfigError naming the option, the
   * service and what is allowed. Called once, when the service is added; `target` is where the
   * image lives (a kind reads its service's package.json there).
   */
  resolve(options: O, service: string, target: ImageTarget): R;
  /** Paths (relative to the service folder, folders without a trailing `/`) the build needs in its context. */
  contextFiles(options: R): string[];
  /** Patterns kept out of the context even inside those paths, at any depth (`__pycache__`, `*_test.go`). @default none */
  contextIgnores?(options: R): string[];
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
export const COMMON_IMAGE_OPTIONS = ['kind', 'name', 'imageName', 'sizeBudget', 'base', 'extraAllow', 'extraIgnores'] as const;

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
  const C = `defineImageKind: kind ${definition.name}`;
  const roles = Object.entries(definition.bases ?? {});
  check(roles.length > 0, C, 'bases', definition.bases, 'at least one base image by role, such as { runtime: { name: \'node\', image: { repository: \'node\', tag: \'24-alpine\', buildArg: \'NODE_IMAGE\' } } }');
  const seen = new Map<string, string>();
  for (const [role, base] of roles) {
    kebabName(C, 'bases role', role);
    kebabName(C, `bases.${role}.name`, base?.name);
    check(!seen.has(base.name), C, `bases.${role}.name`, base.name, `a base image of its own per role (role ${seen.get(base.name)} uses it already)`);
    seen.set(base.name, role);
    if (base.image) checkBaseImageSpec(C, base.name, base.image);
  }
  const args = roles.map(([, b]) => b.image?.buildArg).filter((a): a is string => a !== undefined);
  const twice = args.find((a, i) => args.indexOf(a) !== i);
  check(twice === undefined, C, 'bases buildArg', twice, 'a build argument of its own per role');
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
