import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Component, Project } from 'projen';

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

/** The name of the literal base stage of an image declared under `name`: `node` -> `node-base`. */
export function baseStageName(name: string): string {
  return `${name.toLowerCase().replace(/[^a-z0-9_.-]+/g, '-').replace(/^[^a-z]+/, '')}-base`;
}

/** One entry of the lock file. */
export interface BaseImagePin {
  /** `sha256:...` of the multi-platform index, or null while unresolved. */
  readonly digest: string | null;
  /** When the digest was resolved, or when the registry published it when that is known (ISO 8601). */
  readonly resolvedAt?: string;
  /** Where the digest came from, e.g. `registry` (update-base-images) or `dependabot (api/Dockerfile)`. */
  readonly source?: string;
}

/** Options of {@link BaseImages}. */
export interface BaseImagesOptions {
  /** The lock file with the resolved digests, relative to the project. @default 'base-images.lock.json' */
  readonly lockFile?: string;
}

/** `repository:tag`. */
export function imageKey(spec: Pick<BaseImageSpec, 'repository' | 'tag'>): string {
  return `${spec.repository}:${spec.tag}`;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/**
 * The base images of every Dockerfile, in one place: declared here (repository and tracked tag),
 * pinned by digest in a committed lock file that `npx projen update-base-images` refreshes.
 * Dockerfiles take each base as a build argument whose default is a literal stage of the pinned
 * reference (which Dependabot updates), so a build elsewhere (a mirror, a local stand-in)
 * overrides it without editing anything.
 */
export class BaseImages extends Component {
  public readonly lockFile: string;
  private readonly specs = new Map<string, BaseImageSpec>();
  private lock?: Record<string, BaseImagePin>;

  constructor(project: Project, options: BaseImagesOptions = {}) {
    super(project);
    this.lockFile = options.lockFile ?? 'base-images.lock.json';
  }

  /** Declares a base image under a short name (e.g. `node`). */
  public declare(name: string, spec: BaseImageSpec): BaseImageSpec {
    const existing = this.specs.get(name);
    if (existing && imageKey(existing) !== imageKey(spec)) {
      throw new Error(`Base image "${name}" is declared twice, as ${imageKey(existing)} and ${imageKey(spec)}.`);
    }
    if (!/^[A-Z][A-Z0-9_]*$/.test(spec.buildArg)) throw new Error(`Base image "${name}": build argument "${spec.buildArg}" must be UPPER_SNAKE_CASE.`);
    if (spec.versionOf && !spec.tag.includes('{version}')) throw new Error(`Base image "${name}": versionOf "${spec.versionOf}" needs a tag with {version} in it, e.g. v{version}-noble.`);
    this.specs.set(name, spec);
    return spec;
  }

  public get(name: string): BaseImageSpec {
    const spec = this.specs.get(name);
    if (!spec) throw new Error(`Unknown base image "${name}": declare it first (known: ${[...this.specs.keys()].join(', ') || 'none'}).`);
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
          throw new Error(`Unable to parse ${this.lockFile}: ${(err as Error).message}. Fix or delete the file and run \`npx projen update-base-images\`.`);
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
      throw new Error(`${this.lockFile}: "${imageKey(spec)}" has an invalid digest "${pin.digest}". Run \`npx projen update-base-images\`.`);
    }
    return pin.digest;
  }

  /** `repository:tag@sha256:...`, or `repository:tag` when no digest is known yet (a warning is logged). */
  public reference(spec: BaseImageSpec): string {
    const digest = this.digestOf(spec);
    if (!digest) {
      this.project.logger.warn(`${imageKey(spec)} is not pinned by digest in ${this.lockFile}: run \`npx projen update-base-images\` where the registry is reachable.`);
      return imageKey(spec);
    }
    return `${imageKey(spec)}@${digest}`;
  }
}

/**
 * The exact version of a package as installed in a project: from package-lock.json, else from an
 * exact version in package.json. Throws when neither pins it.
 */
export function installedVersion(projectDir: string, pkg: string): string {
  const lockPath = path.join(projectDir, 'package-lock.json');
  if (existsSync(lockPath)) {
    const lock = JSON.parse(readFileSync(lockPath, 'utf8')) as { packages?: Record<string, { version?: string }> };
    const version = lock.packages?.[`node_modules/${pkg}`]?.version;
    if (version) return version;
  }
  const pj = JSON.parse(readFileSync(path.join(projectDir, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
  const spec = pj.dependencies?.[pkg] ?? pj.devDependencies?.[pkg];
  if (spec && /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(spec)) return spec;
  throw new Error(`${pkg} is not installed in ${projectDir}: add it as a dependency (an exact version) and run \`npx projen\`.`);
}
