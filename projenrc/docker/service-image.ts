import * as path from 'node:path';
import { Component, Project } from 'projen';
import { BaseImages, BaseImageSpec, baseStageName, followedPackage, installedVersion } from './base-images';
import { parseDockerSize } from './docker-cli';
import { Dockerfile } from './dockerfile';
import { DockerIgnore } from './dockerignore';
import { addRunnerEntrypoint, RunnerEntrypointOptions } from './entrypoint-script';
import { contextAllowList, ImageKind, RECIPES, RecipeContext } from './recipes';

/** Options of one service image. */
export interface ServiceImageOptions {
  /** What kind of service it is; selects the Dockerfile recipe. */
  readonly kind: ImageKind;
  /** Image repository, e.g. `qualisys/api`. @default `<namespace>/<service folder>` */
  readonly imageName?: string;
  /** Port the server listens on (servers only). */
  readonly port?: number;
  /** Path of the health endpoint, e.g. `/health` (servers only). */
  readonly healthPath?: string;
  /** Largest acceptable image, e.g. `200MB` or `2GB` (decimal units: 1 MB = 1,000,000 bytes). */
  readonly sizeBudget: string;
  /** node-service: compiled entry point. @default 'lib/server.js' */
  readonly entrypoint?: string;
  /** nextjs-standalone: start script beside server.js. @default 'start.cjs' */
  readonly startScript?: string;
  /** Base image name declared in BaseImages. @default 'node', or 'playwright' for a runner */
  readonly base?: string;
  /** Runtime user, present in the base image. @default 'node', or 'pwuser' for a runner */
  readonly user?: string;
  /** Numeric uid:gid of that user in the base image. @default '1000:1000' for node, '1001:1001' for pwuser */
  readonly uid?: string;
  /** Extra runtime environment variables. @default {} */
  readonly env?: Record<string, string>;
  /** HEALTHCHECK interval. @default '10s' */
  readonly healthInterval?: string;
  /** Extra paths the build needs in its context. @default [] */
  readonly extraAllow?: string[];
  /** Extra patterns kept out of the context. @default [] */
  readonly extraIgnores?: string[];
  /** playwright-runner: services to wait for, and the suite's defaults. */
  readonly runner?: RunnerEntrypointOptions & {
    /** Files and folders of the suite (folders end with `/`). @default ['playwright.config.ts', 'tsconfig.json', 'src/', 'tests/'] */
    readonly suiteFiles?: string[];
    /** Recommended `docker run` flags, used by the run task and the docs. */
    readonly runFlags?: string[];
  };
}

/** uid:gid of the users of the official Node.js and Playwright images. */
const KNOWN_UIDS: Record<string, string> = { node: '1000:1000', pwuser: '1001:1001' };

/** Parses `200MB`, `1.5GB`, `300 MB` into bytes (decimal units, as `docker images` shows them). */
export function parseSize(size: string): number {
  const bytes = parseDockerSize(size);
  if (bytes === undefined) throw new Error(`Invalid size "${size}": expected a number and a unit, such as 200MB or 2GB.`);
  if (bytes <= 0) throw new Error(`Invalid size "${size}": it must be more than zero.`);
  return bytes;
}

/** What the build tooling, the workflows and the docs know of one image (`.projen/docker-images.json`). */
export interface ImageManifestEntry {
  readonly service: string;
  readonly kind: ImageKind;
  readonly image: string;
  readonly context: string;
  readonly dockerfile: string;
  readonly port?: number;
  readonly healthPath?: string;
  readonly user: string;
  readonly uid: string;
  readonly sizeBudget: string;
  readonly sizeBudgetBytes: number;
  readonly baseArg: string;
  readonly baseImage: string;
  readonly basePinned: boolean;
  readonly runFlags?: string[];
}

export const SERVER_KINDS: readonly ImageKind[] = [ImageKind.NODE_SERVICE, ImageKind.NEXTJS_STANDALONE];

/**
 * The container image of one service: its Dockerfile and .dockerignore, generated in the
 * service's folder (its build context) by the recipe of its kind. Create it with
 * `DockerImages.addService()`.
 */
export class ServiceImage extends Component {
  public readonly service: string;
  public readonly imageName: string;
  public readonly dockerfile: Dockerfile;
  public readonly dockerignore: DockerIgnore;
  public readonly sizeBudgetBytes: number;
  /** The name of its base image in BaseImages, e.g. `node`. */
  public readonly baseName: string;
  private readonly baseSpec: () => BaseImageSpec;
  /** Everything a recipe needs but the base image's reference, which is read from the lock file at synth. */
  private readonly recipeContext: Omit<RecipeContext, 'baseDefault'>;
  private rendered = false;

  constructor(
    public readonly serviceProject: Project,
    private readonly baseImages: BaseImages,
    namespace: string,
    public readonly options: ServiceImageOptions,
  ) {
    super(serviceProject);
    this.service = path.basename(serviceProject.outdir);
    const where = `Service image "${this.service}"`;
    if (!Object.values(ImageKind).includes(options.kind)) {
      throw new Error(`${where}: unknown kind "${options.kind}"; use one of ${Object.values(ImageKind).join(', ')}.`);
    }
    const isServer = SERVER_KINDS.includes(options.kind);
    if (isServer) {
      if (!Number.isInteger(options.port) || options.port! < 1 || options.port! > 65535) throw new Error(`${where}: port ${options.port} is not a port number (1-65535); a ${options.kind} image needs one.`);
      if (!options.healthPath?.startsWith('/')) throw new Error(`${where}: healthPath "${options.healthPath ?? ''}" must be an absolute URL path such as /health.`);
    }
    if (options.kind === ImageKind.PLAYWRIGHT_RUNNER && !(options.runner?.targets.length)) {
      throw new Error(`${where}: a playwright-runner image needs runner.targets, the services it waits for before running.`);
    }
    this.sizeBudgetBytes = parseSize(options.sizeBudget);
    this.imageName = options.imageName ?? `${namespace}/${this.service}`;

    const runner = options.kind === ImageKind.PLAYWRIGHT_RUNNER;
    const baseName = options.base ?? (runner ? 'playwright' : 'node');
    this.baseName = baseName;
    this.baseSpec = () => {
      const spec = baseImages.get(baseName);
      // An image that follows a package (Playwright's follows @playwright/test) gets the installed version as its tag.
      const pkg = followedPackage(spec);
      return pkg ? { ...spec, tag: spec.tag.replace('{version}', installedVersion(serviceProject.outdir, pkg)) } : spec;
    };
    const entrypointScript = runner ? 'docker-entrypoint.sh' : undefined;
    if (runner) addRunnerEntrypoint(serviceProject, entrypointScript!, options.runner!);
    this.recipeContext = {
      service: this.service,
      baseArg: baseImages.get(baseName).buildArg,
      baseStage: baseStageName(baseName),
      user: options.user ?? (runner ? 'pwuser' : 'node'),
      uid: options.uid ?? KNOWN_UIDS[options.user ?? (runner ? 'pwuser' : 'node')] ?? (() => { throw new Error(`${where}: give the numeric uid of user "${options.user}" (uid option).`); })(),
      port: options.port,
      healthPath: options.healthPath,
      healthInterval: options.healthInterval ?? '10s',
      env: options.env ?? {},
      entrypoint: options.entrypoint ?? 'lib/server.js',
      startScript: options.startScript ?? 'start.cjs',
      entrypointScript,
      targets: options.runner?.targets,
      suiteFiles: options.runner?.suiteFiles ?? ['playwright.config.ts', 'tsconfig.json', 'src/', 'tests/'],
    };
    this.dockerfile = new Dockerfile(serviceProject, { description: [`Image ${this.imageName} (${options.kind}).`] });
    this.dockerignore = new DockerIgnore(serviceProject, {
      allow: [...contextAllowList(options.kind, this.recipeContext), ...(options.extraAllow ?? [])],
      extraDeny: options.extraIgnores,
    });
  }

  /** The base image reference the Dockerfile defaults to (pinned when the lock file has a digest). */
  public get baseImage(): string {
    return this.baseImages.reference(this.baseSpec());
  }

  public get basePinned(): boolean {
    return this.baseImages.digestOf(this.baseSpec()) !== undefined;
  }

  /** What the recipe of this image is given (read at synth: the base image comes from the lock file). */
  public get recipe(): RecipeContext {
    return { ...this.recipeContext, baseDefault: this.baseImage };
  }

  public preSynthesize(): void {
    if (this.rendered) return;
    this.rendered = true;
    RECIPES[this.options.kind](this.dockerfile.model, this.recipe);
  }

  public manifestEntry(rootDir: string): ImageManifestEntry {
    const context = path.relative(rootDir, this.serviceProject.outdir) || '.';
    return {
      service: this.service,
      kind: this.options.kind,
      image: this.imageName,
      context,
      dockerfile: path.posix.join(context, this.dockerfile.path),
      port: this.options.port,
      healthPath: this.options.healthPath,
      user: this.recipeContext.user,
      uid: this.recipeContext.uid,
      sizeBudget: this.options.sizeBudget,
      sizeBudgetBytes: this.sizeBudgetBytes,
      baseArg: this.recipeContext.baseArg,
      baseImage: this.baseImage,
      basePinned: this.basePinned,
      runFlags: this.options.runner?.runFlags,
    };
  }
}
