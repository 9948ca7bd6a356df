import { Component, Project } from 'projen';
import { ImageManifestEntry } from '../lib/images-manifest';
import { parseDockerSize } from '../lib/sizes';
import { check, ConfigError } from '../validate';
import { BaseImages, BaseImageSpec, baseStageName, followedPackage, installedVersion } from './base-images';
import { Dockerfile } from './dockerfile';
import { checkAllowedPath, checkIgnorePattern, DockerIgnore } from './dockerignore';
import { checkKindOptions, ImageBase, ImageContext, ImageKindDefinition, ImageTarget } from './kinds/kind';
import { imageTag, kebabName } from './names';

/** Options every service image takes, whatever its kind. */
export interface ServiceImageOptions {
  /**
   * The service's name: its id in the manifest, the tasks and the workflows, and the last part of
   * its image name. Kebab-case, unique among the images.
   * @default the service folder's name (`api` for `services/api`); required for the root project
   */
  readonly name?: string;
  /** Image repository, e.g. `qualisys/api`: lowercase, no registry host (no first component with a dot or a port, nor localhost). @default `<namespace>/<service folder>` */
  readonly imageName?: string;
  /** Largest acceptable image, e.g. `200MB` or `2GB` (decimal units: 1 MB = 1,000,000 bytes), from 1MB to 100GB. */
  readonly sizeBudget: string;
  /**
   * Base image, by the name given to `addBaseImage()`: one name for a kind with one base image,
   * or names by the kind's role (`{ runtime: 'distroless-debug' }`, the other roles keeping the
   * kind's). @default the kind's (`node`; `golang` and `distroless` for a Go service; ...)
   */
  readonly base?: string | Readonly<Record<string, string>>;
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
  /** The service's name, e.g. `api`: its `name` option, or its folder's name. */
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
  /** The name of its first base image in BaseImages, e.g. `node` (the kind's first role). */
  public readonly baseName: string;
  /** The names of its base images in BaseImages, by the kind's role, e.g. `{ build: 'golang', runtime: 'distroless' }`. */
  public readonly baseNames: Readonly<Record<string, string>>;
  public readonly dockerfile: Dockerfile;
  public readonly dockerignore: DockerIgnore;
  private readonly baseImages: BaseImages;
  private resolvedBases?: Record<string, BaseImageSpec>;
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
    this.baseNames = baseNamesOf(kind, options.base, service);
    this.baseName = Object.values(this.baseNames)[0];
    for (const [role, name] of Object.entries(this.baseNames)) this.baseImages.get(name, service, this.kindDefault(role, name));
    for (const p of options.extraAllow ?? []) checkAllowedPath('DockerImages', 'extraAllow', p, service);
    for (const p of options.extraIgnores ?? []) checkIgnorePattern('DockerImages', 'extraIgnores', p, service);
    this.kindOptions = kind.resolve(options, service, this.target);
    kind.addFiles?.(this.target, this.kindOptions);

    this.dockerfile = new Dockerfile(serviceProject, {
      usage: `Generated from .projenrc.ts by ${kind.source}. Build it with \`npx projen build:docker\`.`,
      description: [`Image ${this.imageName} (${kind.name}).`],
    });
    this.dockerignore = new DockerIgnore(serviceProject, {
      allow: [...kind.contextFiles(this.kindOptions), ...(options.extraAllow ?? [])],
      extraDeny: [...kind.contextIgnores?.(this.kindOptions) ?? [], ...options.extraIgnores ?? []],
    });
  }

  /** What the kind's hooks get to add files and tasks. */
  public get target(): ImageTarget {
    const { serviceProject, service, imageName, context } = this;
    return { serviceProject, rootProject: serviceProject.root, service, imageName, context };
  }

  /** The kind's default image of a role, when the service keeps the kind's base name for it. */
  private kindDefault(role: string, name: string): BaseImageSpec | undefined {
    const base = this.kind.bases[role];
    return base && base.name === name ? base.image : undefined;
  }

  /**
   * The declarations of its base images by role (the project's under that name, else the kind's
   * default), with `{version}` in a tag replaced by the version of the package it follows.
   */
  public get baseSpecs(): Readonly<Record<string, BaseImageSpec>> {
    this.resolvedBases ??= Object.fromEntries(Object.entries(this.baseNames).map(([role, name]) => [role, this.resolveBase(role, name)]));
    return this.resolvedBases;
  }

  private resolveBase(role: string, name: string): BaseImageSpec {
    const spec = this.baseImages.get(name, this.service, this.kindDefault(role, name));
    // An image that follows a package (Playwright's follows @playwright/test) gets the installed version as its tag.
    const pkg = followedPackage(spec);
    const version = pkg ? installedVersion(this.serviceProject.outdir, pkg, this.context) : undefined;
    if (pkg && version === undefined) {
      throw new ConfigError(`DockerImages: base ${name} of ${this.service} follows ${pkg}, which is not installed in ${this.context}/: add it as a dependency (an exact version) and run \`npx projen\`.`);
    }
    const tag = pkg ? spec.tag.split('{version}').join(version!) : spec.tag;
    if (pkg) imageTag('DockerImages', `tag of base ${name} (with ${pkg}'s installed version)`, tag, false, this.service);
    return { ...spec, tag };
  }

  /** The declaration of its first base image (see {@link baseSpecs}). */
  public get baseSpec(): BaseImageSpec {
    return this.baseSpecs[Object.keys(this.baseNames)[0]];
  }

  /** The first base image reference the Dockerfile defaults to (pinned when the lock file has a digest). */
  public get baseImage(): string {
    return this.baseImages.reference(this.baseSpec);
  }

  public get basePinned(): boolean {
    return this.baseImages.digestOf(this.baseSpec) !== undefined;
  }

  /** Every base image, by role, as the Dockerfile renders it (read at synth: the digests come from the lock file). */
  public get bases(): Readonly<Record<string, ImageBase>> {
    return Object.fromEntries(Object.entries(this.baseSpecs).map(([role, spec]) => [role, {
      name: this.baseNames[role],
      arg: spec.buildArg,
      stage: baseStageName(this.baseNames[role]),
      image: this.baseImages.reference(spec),
      pinned: this.baseImages.digestOf(spec) !== undefined,
    }]));
  }

  /** What the kind renders the image from (read at synth: the base images come from the lock file). */
  public renderContext(): ImageContext<R> {
    const bases = this.bases;
    const first = Object.values(bases)[0];
    return {
      service: this.service,
      imageName: this.imageName,
      baseArg: first.arg,
      baseStage: first.stage,
      baseDefault: first.image,
      bases,
      options: this.kindOptions,
    };
  }

  /**
   * The base image the image runs on: the one its last stage starts from, through the stages it
   * builds on (a Go service's distroless, not its Go toolchain). Renders the Dockerfile if needed.
   */
  public get runtimeBase(): ImageBase {
    this.render();
    const bases = Object.values(this.bases);
    const model = this.dockerfile.model;
    let from = model.stage(model.stageNames[model.stageNames.length - 1])?.options.from;
    for (let hops = 0; from !== undefined && hops < 100; hops++) {
      const arg = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(from)?.[1];
      const base = bases.find((b) => b.arg === arg || b.stage === from);
      if (base) return base;
      from = model.stage(from)?.options.from;
    }
    return bases[0];
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
    const runtime = this.runtimeBase;
    return {
      service: this.service,
      kind: this.kind.name,
      image: this.imageName,
      context: this.context,
      dockerfile: this.context === '.' ? this.dockerfile.path : `${this.context}/${this.dockerfile.path}`,
      port: facts.port,
      healthPath: facts.healthPath,
      user: facts.user,
      uid: facts.uid,
      sizeBudget: this.sizeBudget,
      sizeBudgetBytes: this.sizeBudgetBytes,
      baseArg: runtime.arg,
      baseImage: runtime.image,
      basePinned: runtime.pinned,
      bases: Object.entries(this.bases).map(([role, b]) => ({ role, name: b.name, arg: b.arg, image: b.image, pinned: b.pinned })),
      runFlags: facts.runFlags,
      runner: facts.runner,
    };
  }
}

/**
 * The base image names of a service by the kind's role: the kind's, with the service's `base`
 * option over them (one name for a kind with one role, or names by role).
 */
function baseNamesOf(kind: ImageKindDefinition<any, any>, base: ServiceImageOptions['base'], service: string): Record<string, string> {
  const roles = Object.keys(kind.bases);
  const names = Object.fromEntries(Object.entries(kind.bases).map(([role, b]) => [role, b.name]));
  if (base === undefined) return names;
  if (typeof base === 'string') {
    check(roles.length === 1, 'DockerImages', 'base', base,
      `a name by role for a ${kind.name} image, which has ${roles.length} base images: such as { ${roles.map((r) => `${r}: '${names[r]}'`).join(', ')} }`, service);
    return { [roles[0]]: kebabName('DockerImages', 'base', base, service) };
  }
  check(typeof base === 'object' && base !== null && !Array.isArray(base), 'DockerImages', 'base', base, 'a base image name, or names by role', service);
  for (const [role, name] of Object.entries(base)) {
    check(roles.includes(role), 'DockerImages', 'base', role, `a role of a ${kind.name} image's base images (${roles.join(', ')})`, service);
    names[role] = kebabName('DockerImages', `base.${role}`, name, service);
  }
  return names;
}
