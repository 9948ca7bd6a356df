/**
 * Pieces every kind's Dockerfile has, whatever runs in it: the base image as a build argument
 * whose default is a literal, digest-pinned stage (which Dependabot reads and updates), and the
 * OCI labels from build arguments, last.
 */
import type { DockerfileModel, Stage } from '../dockerfile-model';
import type { ImageContext } from './kind';

/**
 * For each base image of the image, in the kind's order: `ARG <arg>=<stage>` and
 * `FROM <pinned image> AS <stage>`, so that stages start `FROM ${<arg>}`: the pinned image by
 * default, any other with `--build-arg`. `comment` goes above the first argument.
 */
export function addBase(model: DockerfileModel, ctx: ImageContext<unknown>, comment: string): void {
  const bases = Object.values(ctx.bases ?? {});
  if (bases.length === 0) {
    model.addBaseImage({ arg: ctx.baseArg, image: ctx.baseDefault, stage: ctx.baseStage, comment });
    return;
  }
  bases.forEach((b, i) => model.addBaseImage({ arg: b.arg, image: b.image, stage: b.stage, comment: i === 0 ? comment : undefined }));
}

/** A stage that starts from a base image (of `role`, else the first): `FROM ${<arg>} AS <name>`. */
export function fromBase(ctx: ImageContext<unknown>, role?: string): string {
  if (role === undefined) return `\${${ctx.baseArg}}`;
  const base = ctx.bases[role];
  if (!base) throw new Error(`fromBase: the image has no base image of role ${role} (roles: ${Object.keys(ctx.bases).join(', ')})`);
  return `\${${base.arg}}`;
}

/**
 * The build arguments every image declares, with their defaults: `build:docker` and the workflows
 * pass them (`--build-arg VERSION=...`) from the tag script's output.
 */
export const LABEL_BUILD_ARGS: Readonly<Record<string, string>> = { VERSION: 'dev', REVISION: 'unknown', CREATED: '', SOURCE: '' };

/** The environment every image sets from those arguments. */
export const VERSION_ENV: Readonly<Record<string, string>> = { APP_VERSION: '${VERSION}' };

/** The version and OCI labels, from build arguments set by the tag script; last, so a new revision rebuilds only these layers. */
export function addLabelsAndVersion(stage: Stage, ctx: ImageContext<unknown>): void {
  for (const [name, value] of Object.entries(LABEL_BUILD_ARGS)) stage.arg(name, value);
  stage
    .env(VERSION_ENV)
    .label({
      'org.opencontainers.image.title': ctx.service,
      'org.opencontainers.image.version': '${VERSION}',
      'org.opencontainers.image.revision': '${REVISION}',
      'org.opencontainers.image.created': '${CREATED}',
      'org.opencontainers.image.source': '${SOURCE}',
    });
}
