import * as path from 'node:path';
import { Component, Project } from 'projen';
import { BaseImagePin, baseImagesLockProblem, DEFAULT_BASE_IMAGES_LOCK, packageLockProblem, readLockFile } from '../lib/lock-files';
import { check, ConfigError, envName, lockFile, repoPath } from '../validate';
import { LABEL_BUILD_ARGS } from './kinds/stages';
import { baseRepository, imageTag, kebabName } from './names';

/** A base image a Dockerfile may start from. */
export interface BaseImageSpec {
  /** Repository, e.g. `node` or `mcr.microsoft.com/playwright`. */
  readonly repository: string;
  /**
   * Tag that is tracked, e.g. `24-alpine`: one that names a version (a digit in it, or
   * `{version}`), never a floating one such as `latest` or `lts`. The digest that pins it comes from the lock file. A
   * `{version}` in it is the installed version of the {@link versionOf} package (e.g.
   * `v{version}-noble`), so the image follows that package.
   */
  readonly tag: string;
  /**
   * Build argument that carries the reference in the Dockerfiles, e.g. `NODE_IMAGE`: UPPER_SNAKE_CASE,
   * not one BuildKit or the Dockerfiles use already ({@link RESERVED_BUILD_ARGS}), and its own per base image.
   */
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

const NPM_PACKAGE = /^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/;

/**
 * Build arguments a base image may not carry its reference in: BuildKit's predefined platform
 * arguments, the proxy arguments Docker passes to every build, `PATH` and `HOME`, and the
 * arguments every generated Dockerfile declares itself (`VERSION`, ... from the tag script).
 * `BUILDKIT_*` (BuildKit's own settings, such as `BUILDKIT_SYNTAX`) is refused as a prefix.
 */
export const RESERVED_BUILD_ARGS: readonly string[] = [
  'TARGETPLATFORM', 'TARGETOS', 'TARGETARCH', 'TARGETVARIANT', 'BUILDPLATFORM', 'BUILDOS', 'BUILDARCH', 'BUILDVARIANT',
  ...['HTTP_PROXY', 'HTTPS_PROXY', 'FTP_PROXY', 'NO_PROXY', 'ALL_PROXY'].flatMap((p) => [p, p.toLowerCase()]),
  'PATH', 'HOME',
  ...Object.keys(LABEL_BUILD_ARGS),
];

/** A base image's build argument: an {@link envName} that is not reserved. */
function baseBuildArg(component: string, option: string, value: string): string {
  const reserved = typeof value === 'string' && (RESERVED_BUILD_ARGS.includes(value) || value.startsWith('BUILDKIT_'));
  check(!reserved, component, option, value,
    `a name of its own, such as NODE_IMAGE: not one BuildKit, Docker or the generated Dockerfiles use already (${RESERVED_BUILD_ARGS.filter((a) => a === a.toUpperCase()).join(', ')}, BUILDKIT_*, or a proxy argument in lowercase)`);
  return envName(component, option, value);
}

/** A tracked tag names a version: a digit in it (`24-alpine`, `3.12-slim`, `v{version}-noble`), or the followed package's version. */
function versionedTag(component: string, option: string, value: string): string {
  imageTag(component, option, value, true);
  check(/\d/.test(value) || value.includes('{version}'), component, option, value,
    'a tag that names a version, such as 24-alpine or 3.12-slim (a floating tag such as latest, lts or alpine moves to a new major version without a change here)');
  return value;
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
    kebabName(C, 'name', name);
    const where = `of base image ${name}`;
    baseRepository(C, `repository ${where}`, spec.repository);
    versionedTag(C, `tag ${where}`, spec.tag);
    baseBuildArg(C, `buildArg ${where}`, spec.buildArg);
    if (spec.versionOf !== undefined) {
      check(typeof spec.versionOf === 'string' && NPM_PACKAGE.test(spec.versionOf), C, `versionOf ${where}`, spec.versionOf, 'an npm package name such as @playwright/test', undefined);
      check(spec.tag.includes('{version}'), C, `versionOf ${where}`, spec.versionOf, 'only with a tag that has {version} in it, such as v{version}-noble', undefined);
    }
    const existing = this.specs.get(name);
    check(!existing || imageKey(existing) === imageKey(spec), C, 'name', name, `a name of its own: it is declared already, as ${existing ? imageKey(existing) : ''}, not ${imageKey(spec)}`);
    const sameArg = [...this.specs].find(([n, s]) => n !== name && s.buildArg === spec.buildArg);
    check(!sameArg, C, `buildArg ${where}`, spec.buildArg, `a build argument of its own: base image ${sameArg?.[0]} uses ${spec.buildArg} already`);
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

  /** The lock entries, read once from the committed lock file (its shape checked: a ConfigError naming the entry when it is wrong). */
  public get pins(): Record<string, BaseImagePin> {
    this.lock ??= lockFile('BaseImages', this.lockFile, readLockFile<Record<string, BaseImagePin>>(path.join(this.project.outdir, this.lockFile), baseImagesLockProblem)) ?? {};
    return this.lock;
  }

  /** The pin of an image, or undefined when the lock file has no digest for it. */
  public digestOf(spec: BaseImageSpec): string | undefined {
    return this.pins[imageKey(spec)]?.digest ?? undefined;
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
