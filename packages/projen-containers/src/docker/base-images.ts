import * as path from 'node:path';
import { Component, Project } from 'projen';
import DEFAULT_PINS from '../defaults/base-images.lock.json';
import { BaseImagePin, baseImagesLockProblem, DEFAULT_BASE_IMAGES_LOCK, packageLockProblem, readLockFile } from '../lib/lock-files';
import { check, ConfigError, lockFile, repoPath } from '../validate';

export { checkBaseImageSpec, RESERVED_BUILD_ARGS } from './kinds/base-image-spec';
export type { BaseImageSpec } from './kinds/base-image-spec';
import { BaseImageSpec, checkBaseImageSpec } from './kinds/base-image-spec';

/** The package a base image's tag follows, or undefined for a fixed tag. */
export function followedPackage(spec: Pick<BaseImageSpec, 'tag' | 'versionOf'>): string | undefined {
  return spec.tag.includes('{version}') ? spec.versionOf ?? '@playwright/test' : undefined;
}

/** The name of the literal base stage of an image declared under `name` (kebab-case): `node` -> `node-base`. */
export function baseStageName(name: string): string {
  return `${name}-base`;
}

/** Options of {@link BaseImages}. */
export interface BaseImagesOptions {
  /** The lock file with the resolved digests, relative to the project. @default DEFAULT_BASE_IMAGES_LOCK ('base-images.lock.json') */
  readonly lockFile?: string;
}

/** `repository:tag`. */
export function imageKey(spec: Pick<BaseImageSpec, 'repository' | 'tag'>): string {
  return `${spec.repository}:${spec.tag}`;
}

/**
 * The base images of every Dockerfile, in one place: declared here (repository and tracked tag),
 * pinned by digest in a committed lock file that `npx projen update-base-images` refreshes.
 * Dockerfiles take each base as a build argument whose default is a literal stage of the pinned
 * reference (which Dependabot updates), so a build elsewhere (through a mirror, or on a local
 * copy of the image) overrides it without editing anything.
 */
export class BaseImages extends Component {
  public readonly lockFile: string;
  private readonly specs = new Map<string, BaseImageSpec>();
  private lock?: Record<string, BaseImagePin>;
  /** Images already reported as unpinned: one warning each per synth. */
  private readonly warned = new Set<string>();

  constructor(project: Project, options: BaseImagesOptions = {}) {
    super(project);
    this.lockFile = repoPath('BaseImages', 'lockFile', options.lockFile ?? DEFAULT_BASE_IMAGES_LOCK);
  }

  /**
   * Declares a base image under a short name (e.g. `node`). Every field is checked here: they
   * reach the Dockerfiles' `ARG` and `FROM` lines, the tags and Dependabot's configuration.
   */
  public declare(name: string, spec: BaseImageSpec): BaseImageSpec {
    const C = 'DockerImages.addBaseImage';
    checkBaseImageSpec(C, name, spec);
    const where = `of base image ${name}`;
    const existing = this.specs.get(name);
    check(!existing || imageKey(existing) === imageKey(spec), C, 'name', name, `a name of its own: it is declared already, as ${existing ? imageKey(existing) : ''}, not ${imageKey(spec)}`);
    const sameArg = [...this.specs].find(([n, s]) => n !== name && s.buildArg === spec.buildArg);
    check(!sameArg, C, `buildArg ${where}`, spec.buildArg, `a build argument of its own: base image ${sameArg?.[0]} uses ${spec.buildArg} already`);
    this.specs.set(name, spec);
    return spec;
  }

  /**
   * The base image declared under `name`, else `fallback` (a kind's default image of that name);
   * for a service that names an undeclared one without a default, an error naming it.
   */
  public get(name: string, service?: string, fallback?: BaseImageSpec): BaseImageSpec {
    const spec = this.specs.get(name) ?? fallback;
    if (!spec) throw new ConfigError(`DockerImages: base ${JSON.stringify(name)}${service ? ` of ${service}` : ''} is not declared: declare it with images.addBaseImage('${name}', ...) first (declared: ${[...this.specs.keys()].join(', ') || 'none'}).`);
    return spec;
  }

  /** Whether the project declared a base image under `name` (which then overrides any kind's default of that name). */
  public declared(name: string): boolean {
    return this.specs.has(name);
  }

  /** All declared images, by name. */
  public get all(): ReadonlyMap<string, BaseImageSpec> {
    return this.specs;
  }

  /** The lock entries, read once from the committed lock file (its shape checked: a ConfigError naming the entry when it is wrong). */
  public get pins(): Record<string, BaseImagePin> {
    this.lock ??= lockFile('BaseImages', this.lockFile, readLockFile<Record<string, BaseImagePin>>(path.join(this.project.outdir, this.lockFile), baseImagesLockProblem)) ?? {};
    return this.lock;
  }

  /**
   * The pin of an image: the project's lock file first, then the pins this package ships for the
   * built-in kinds' default images ({@link DEFAULT_BASE_IMAGE_PINS}); undefined when neither has a
   * digest for it.
   */
  public digestOf(spec: BaseImageSpec): string | undefined {
    const key = imageKey(spec);
    return this.pins[key]?.digest ?? DEFAULT_BASE_IMAGE_PINS[key]?.digest ?? undefined;
  }

  /** `repository:tag@sha256:...`, or `repository:tag` when no digest is known yet (a warning is logged). */
  public reference(spec: BaseImageSpec): string {
    const digest = this.digestOf(spec);
    if (!digest) {
      if (this.warned.has(imageKey(spec))) return imageKey(spec);
      this.warned.add(imageKey(spec));
      this.project.logger.warn(`${imageKey(spec)} is not pinned by digest in ${this.lockFile}: run \`npx projen update-base-images\` where the registry is reachable.`);
      return imageKey(spec);
    }
    return `${imageKey(spec)}@${digest}`;
  }
}

/**
 * The exact version of a package as installed in a project: from package-lock.json, else from an
 * exact version in package.json; undefined when neither pins it.
 */
export function installedVersion(projectDir: string, pkg: string, label = path.basename(projectDir)): string | undefined {
  const read = (file: string): Record<string, any> | undefined =>
    lockFile('DockerImages', `${label}/${file}`, readLockFile<Record<string, any>>(path.join(projectDir, file), packageLockProblem));
  const version = read('package-lock.json')?.packages?.[`node_modules/${pkg}`]?.version;
  if (typeof version === 'string') return version;
  const pj = read('package.json');
  const spec = pj?.dependencies?.[pkg] ?? pj?.devDependencies?.[pkg];
  return typeof spec === 'string' && /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(spec) ? spec : undefined;
}

/**
 * The digests this package ships for the base images of its built-in kinds (with where each was
 * read): a project without a lock file of its own gets pinned FROM lines at once. The project's
 * lock file (`npx projen update-base-images`) takes precedence, image by image.
 */
export const DEFAULT_BASE_IMAGE_PINS: Readonly<Record<string, BaseImagePin>> = DEFAULT_PINS;
