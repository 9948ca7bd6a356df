import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Component, Project } from 'projen';
import { BaseImagePin, DEFAULT_BASE_IMAGES_LOCK } from '../lib/lock-files';
import { check, ConfigError, envName, repoPath } from '../validate';
import { baseRepository, imageTag, kebabName } from './names';

/** A base image a Dockerfile may start from. */
export interface BaseImageSpec {
  /** Repository, e.g. `node` or `mcr.microsoft.com/playwright`. */
  readonly repository: string;
  /**
   * Tag that is tracked, e.g. `24-alpine`. The digest that pins it comes from the lock file. A
   * `{version}` in it is the installed version of the {@link versionOf} package (e.g.
   * `v{version}-noble`), so the image follows that package.
   */
  readonly tag: string;
  /** Build argument that carries the reference in the Dockerfiles, e.g. `NODE_IMAGE`. */
  readonly buildArg: string;
  /**
   * npm package whose installed version (in the service's package-lock.json) fills `{version}` in
   * the tag. Such an image moves with the package, never on its own.
   * @default '@playwright/test' when the tag has `{version}`
   */
  readonly versionOf?: string;
}

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

const DIGEST = /^sha256:[0-9a-f]{64}$/;
const NPM_PACKAGE = /^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/;

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
    kebabName(C, 'name', name);
    const where = `of base image ${name}`;
    baseRepository(C, `repository ${where}`, spec.repository);
    imageTag(C, `tag ${where}`, spec.tag, true);
    envName(C, `buildArg ${where}`, spec.buildArg);
    if (spec.versionOf !== undefined) {
      check(typeof spec.versionOf === 'string' && NPM_PACKAGE.test(spec.versionOf), C, `versionOf ${where}`, spec.versionOf, 'an npm package name such as @playwright/test', undefined);
      check(spec.tag.includes('{version}'), C, `versionOf ${where}`, spec.versionOf, 'only with a tag that has {version} in it, such as v{version}-noble', undefined);
    }
    const existing = this.specs.get(name);
    if (existing && imageKey(existing) !== imageKey(spec)) {
      throw new ConfigError(`${C}: base image ${name} is declared twice, as ${imageKey(existing)} and ${imageKey(spec)}.`);
    }
    const sameArg = [...this.specs].find(([n, s]) => n !== name && s.buildArg === spec.buildArg);
    if (sameArg) throw new ConfigError(`${C}: base images ${sameArg[0]} and ${name} both use build argument ${spec.buildArg}; give each its own.`);
    this.specs.set(name, spec);
    return spec;
  }

  /** The base image declared under `name`; for a service that names an undeclared one, an error naming it. */
  public get(name: string, service?: string): BaseImageSpec {
    const spec = this.specs.get(name);
    if (!spec) throw new ConfigError(`DockerImages: base ${JSON.stringify(name)}${service ? ` of ${service}` : ''} is not declared: declare it with images.addBaseImage('${name}', ...) first (declared: ${[...this.specs.keys()].join(', ') || 'none'}).`);
    return spec;
  }

  /** All declared images, by name. */
  public get all(): ReadonlyMap<string, BaseImageSpec> {
    return this.specs;
  }

  /** The lock entries, read once from the committed lock file. */
  public get pins(): Record<string, BaseImagePin> {
    if (!this.lock) {
      const file = path.join(this.project.outdir, this.lockFile);
      if (!existsSync(file)) {
        this.lock = {};
      } else {
        try {
          this.lock = JSON.parse(readFileSync(file, 'utf8')) as Record<string, BaseImagePin>;
        } catch (err) {
          throw new ConfigError(`Unable to parse ${this.lockFile}: ${(err as Error).message}. Fix or delete the file and run \`npx projen update-base-images\`.`);
        }
      }
    }
    return this.lock;
  }

  /** The pin of an image, or undefined when the lock file has no digest for it. */
  public digestOf(spec: BaseImageSpec): string | undefined {
    const pin = this.pins[imageKey(spec)];
    if (!pin?.digest) return undefined;
    if (!DIGEST.test(pin.digest)) {
      throw new ConfigError(`${this.lockFile}: "${imageKey(spec)}" has an invalid digest ${JSON.stringify(pin.digest)}. Run \`npx projen update-base-images\`.`);
    }
    return pin.digest;
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
export function installedVersion(projectDir: string, pkg: string): string | undefined {
  const read = (file: string): Record<string, any> | undefined => {
    const p = path.join(projectDir, file);
    if (!existsSync(p)) return undefined;
    try {
      return JSON.parse(readFileSync(p, 'utf8'));
    } catch (err) {
      throw new ConfigError(`Unable to parse ${p}: ${(err as Error).message}. Fix the file and run \`npx projen\` again.`);
    }
  };
  const version = read('package-lock.json')?.packages?.[`node_modules/${pkg}`]?.version;
  if (typeof version === 'string') return version;
  const pj = read('package.json');
  const spec = pj?.dependencies?.[pkg] ?? pj?.devDependencies?.[pkg];
  return typeof spec === 'string' && /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(spec) ? spec : undefined;
}
