import { Component, Project } from 'projen';
import { ImageManifestEntry } from '../lib/images-manifest';
import { parseDockerSize } from '../lib/sizes';
import { check, ConfigError } from '../validate';
import { BaseImages, BaseImageSpec, baseStageName, followedPackage, installedVersion } from './base-images';
import { Dockerfile } from './dockerfile';
import { checkAllowedPath, checkIgnorePattern, DockerIgnore } from './dockerignore';
import { checkKindOptions, ImageContext, ImageKindDefinition, ImageTarget } from './kinds/kind';
import { imageTag } from './names';

/** Options every service image takes, whatever its kind. */
export interface ServiceImageOptions {
  /** Image repository, e.g. `qualisys/api`: lowercase, no registry host (no first component with a dot or a port, nor localhost). @default `<namespace>/<service folder>` */
  readonly imageName?: string;
  /** Largest acceptable image, e.g. `200MB` or `2GB` (decimal units: 1 MB = 1,000,000 bytes), from 1MB to 100GB. */
  readonly sizeBudget: string;
  /** Base image, by the name given to `addBaseImage()`. @default the kind's (`node`, or `playwright` for a Playwright runner) */
  readonly base?: string;
  /**
   * Extra paths the build needs in its context, relative to the service folder (`*` and `?`
   * allowed, not as a whole first segment: `*` would let everything back in), none of them a
   * secret or a file that never belongs in an image (`.env`, `*.pem`, `.git`, `node_modules`, ...).
   * @default []
   */
  readonly extraAllow?: string[];
  /** Extra patterns kept out of the context, at any depth. @default [] */
  readonly extraIgnores?: string[];
}

/**
 * The options of one image: those every image takes, its kind, and the options of that kind
 * (`NodeServiceOptions`, `PlaywrightRunnerOptions`, ...). The kind decides the type of the rest, so
 * an option of another kind does not compile; at run time it is an error naming it.
 */
export type ImageOptions<O extends object, R> = ServiceImageOptions & { readonly kind: ImageKindDefinition<O, R> } & NoInfer<O>;

/** The smallest and largest size budgets: no image is under 1 MB, and one over 100 GB is a mistake. */
export const SIZE_BUDGET_BOUNDS = { min: 1e6, max: 100e9 } as const;

/** Parses `200MB`, `1.5GB`, `300 MB` into bytes (decimal units, as `docker images` shows them), from 1 MB to 100 GB. */
export function parseSize(size: string, service?: string): number {
  const bytes = typeof size === 'string' && size.length <= 32 ? parseDockerSize(size) : undefined;
  check(bytes !== undefined && Number.isFinite(bytes) && bytes >= SIZE_BUDGET_BOUNDS.min && bytes <= SIZE_BUDGET_BOUNDS.max, 'DockerImages', 'sizeBudget', size,
    'a size from 1MB to 100GB: a number and a unit, such as 200MB or 2GB (decimal units)', service);
  return bytes!;
}

/** What `DockerImages` has checked before it creates a ServiceImage. */
export interface ServiceImageProps {
  /** The service's folder name, e.g. `api`. */
  readonly service: string;
  /** The build context, relative to the root, e.g. `api`. */
  readonly context: string;
  readonly imageName: string;
  readonly kind: ImageKindDefinition<any, any>;
  readonly options: ServiceImageOptions & object;
  readonly baseImages: BaseImages;
}

/**
 * The container image of one service: its Dockerfile and .dockerignore, generated in the
 * service's folder (its build context) by its kind. `ServiceImage` handles what every image has
 * (name, size budget, base image, build context); the kind (`kinds/`) everything else. Create it
 * with `DockerImages.addService()`, which renders it in its `preSynthesize()`.
 */
export class ServiceImage<R = unknown> extends Component {
  public readonly service: string;
  /** The build context (the service folder), relative to the root. */
  public readonly context: string;
  public readonly imageName: string;
  public readonly kind: ImageKindDefinition<any, R>;
  /** The kind's options, checked and with their defaults. */
  public readonly kindOptions: R;
  public readonly sizeBudget: string;
  public readonly sizeBudgetBytes: number;
  /** The name of its base image in BaseImages, e.g. `node`. */
  public readonly baseName: string;
  public readonly dockerfile: Dockerfile;
  public readonly dockerignore: DockerIgnore;
  private readonly baseImages: BaseImages;
  private resolvedBase?: BaseImageSpec;
  private rendered = false;

  constructor(public readonly serviceProject: Project, props: ServiceImageProps) {
    super(serviceProject);
    const { service, kind, options } = props;
    this.service = service;
    this.context = props.context;
    this.imageName = props.imageName;
    this.kind = kind;
    this.baseImages = props.baseImages;
    checkKindOptions('DockerImages', kind, options, service);
    this.sizeBudget = options.sizeBudget;
    this.sizeBudgetBytes = parseSize(options.sizeBudget, service);
    this.baseName = options.base ?? kind.defaultBase;
    this.baseImages.get(this.baseName, service);
    for (const p of options.extraAllow ?? []) checkAllowedPath('DockerImages', 'extraAllow', p, service);
    for (const p of options.extraIgnores ?? []) checkIgnorePattern('DockerImages', 'extraIgnores', p, service);
    this.kindOptions = kind.resolve(options, service);
    kind.addFiles?.(this.target, this.kindOptions);

    this.dockerfile = new Dockerfile(serviceProject, {
      usage: `Generated from .projenrc.ts by ${kind.source}. Build it with \`npx projen build:docker\`.`,
      description: [`Image ${this.imageName} (${kind.name}).`],
    });
    this.dockerignore = new DockerIgnore(serviceProject, {
      allow: [...kind.contextFiles(this.kindOptions), ...(options.extraAllow ?? [])],
      extraDeny: options.extraIgnores,
    });
  }

  /** What the kind's hooks get to add files and tasks. */
  public get target(): ImageTarget {
    const { serviceProject, service, imageName, context } = this;
    return { serviceProject, rootProject: serviceProject.root, service, imageName, context };
  }

  /** The base image's declaration, with `{version}` in its tag replaced by the version of the package it follows. */
  public get baseSpec(): BaseImageSpec {
    if (!this.resolvedBase) {
      const spec = this.baseImages.get(this.baseName, this.service);
      // An image that follows a package (Playwright's follows @playwright/test) gets the installed version as its tag.
      const pkg = followedPackage(spec);
      const version = pkg ? installedVersion(this.serviceProject.outdir, pkg, this.context) : undefined;
      if (pkg && version === undefined) {
        throw new ConfigError(`DockerImages: base ${this.baseName} of ${this.service} follows ${pkg}, which is not installed in ${this.context}/: add it as a dependency (an exact version) and run \`npx projen\`.`);
      }
      const tag = pkg ? spec.tag.split('{version}').join(version!) : spec.tag;
      if (pkg) imageTag('DockerImages', `tag of base ${this.baseName} (with ${pkg}'s installed version)`, tag, false, this.service);
      this.resolvedBase = { ...spec, tag };
    }
    return this.resolvedBase;
  }

  /** The base image reference the Dockerfile defaults to (pinned when the lock file has a digest). */
  public get baseImage(): string {
    return this.baseImages.reference(this.baseSpec);
  }

  public get basePinned(): boolean {
    return this.baseImages.digestOf(this.baseSpec) !== undefined;
  }

  /** What the kind renders the image from (read at synth: the base image comes from the lock file). */
  public renderContext(): ImageContext<R> {
    const spec = this.baseSpec;
    return {
      service: this.service,
      imageName: this.imageName,
      baseArg: spec.buildArg,
      baseStage: baseStageName(this.baseName),
      baseDefault: this.baseImage,
      options: this.kindOptions,
    };
  }

  /**
   * Fills the Dockerfile and checks it. `DockerImages.preSynthesize()` calls it, so that a bad
   * lock file, a missing package or an invalid Dockerfile fails before any file is written.
   */
  public render(): void {
    if (this.rendered) return;
    this.rendered = true;
    this.kind.render(this.dockerfile.model, this.renderContext());
    this.dockerfile.validate();
  }

  public manifestEntry(): ImageManifestEntry {
    const facts = this.kind.facts(this.kindOptions);
    return {
      service: this.service,
      kind: this.kind.name,
      image: this.imageName,
      context: this.context,
      dockerfile: `${this.context}/${this.dockerfile.path}`,
      port: facts.port,
      healthPath: facts.healthPath,
      user: facts.user,
      uid: facts.uid,
      sizeBudget: this.sizeBudget,
      sizeBudgetBytes: this.sizeBudgetBytes,
      baseArg: this.baseSpec.buildArg,
      baseImage: this.baseImage,
      basePinned: this.basePinned,
      runFlags: facts.runFlags,
      runner: facts.runner,
    };
  }
}
