/**
 * A base image's declaration (repository, tracked tag, build argument) and its checks: what
 * `DockerImages.addBaseImage()` declares and what a kind declares as its default base images.
 */
import { check, envName } from '../../validate';
import { baseRepository, imageTag, kebabName } from '../names';
import { LABEL_BUILD_ARGS } from './stages';

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

/**
 * A tracked tag names a version: a digit in it (`24-alpine`, `3.12-slim`, `v{version}-noble`), or
 * the followed package's version; or the repository's last component names it and the tag only
 * picks a variant (`gcr.io/distroless/static-debian12:nonroot`). Never `latest` nor `lts`.
 */
function versionedTag(component: string, option: string, value: string, repository: string): string {
  imageTag(component, option, value, true);
  const versionedRepository = typeof repository === 'string' && /\d/.test(repository.split('/').pop() ?? '') && !/^(latest|lts|stable|current)$/.test(value);
  check(/\d/.test(value) || value.includes('{version}') || versionedRepository, component, option, value,
    'a tag that names a version, such as 24-alpine or 3.12-slim, or a variant of a repository that names one (static-debian12:nonroot); a floating tag such as latest, lts or alpine moves to a new major version without a change here');
  return value;
}

/**
 * Checks a base image's declaration, field by field: they reach the Dockerfiles' `ARG` and
 * `FROM` lines, the tags and Dependabot's configuration. `component` names who declares it
 * (`DockerImages.addBaseImage`, or a kind's definition).
 */
export function checkBaseImageSpec(component: string, name: string, spec: BaseImageSpec): BaseImageSpec {
  kebabName(component, 'name', name);
  check(typeof spec === 'object' && spec !== null, component, `image of base image ${name}`, spec, 'an object { repository, tag, buildArg }');
  const where = `of base image ${name}`;
  baseRepository(component, `repository ${where}`, spec.repository);
  versionedTag(component, `tag ${where}`, spec.tag, spec.repository);
  baseBuildArg(component, `buildArg ${where}`, spec.buildArg);
  if (spec.versionOf !== undefined) {
    check(typeof spec.versionOf === 'string' && NPM_PACKAGE.test(spec.versionOf), component, `versionOf ${where}`, spec.versionOf, 'an npm package name such as @playwright/test', undefined);
    check(spec.tag.includes('{version}'), component, `versionOf ${where}`, spec.versionOf, 'only with a tag that has {version} in it, such as v{version}-noble', undefined);
  }
  return spec;
}

