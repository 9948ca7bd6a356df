/**
 * Pieces every kind's Dockerfile has, whatever runs in it: the base image as a build argument
 * whose default is a literal, digest-pinned stage (which Dependabot reads and updates), and the
 * OCI labels from build arguments, last.
 */
import type { DockerfileModel, Stage } from '../dockerfile-model';
import type { ImageContext } from './kind';

/**
 * `ARG <baseArg>=<baseStage>` and `FROM <pinned image> AS <baseStage>`, so that stages start
 * `FROM ${<baseArg>}`: the pinned image by default, any other with `--build-arg`.
 */
export function addBase(model: DockerfileModel, ctx: ImageContext<unknown>, comment: string): void {
  model.addBaseImage({ arg: ctx.baseArg, image: ctx.baseDefault, stage: ctx.baseStage, comment });
}

/** The stage that starts from the base image: `FROM ${<baseArg>} AS <name>`. */
export function fromBase(ctx: ImageContext<unknown>): string {
  return `\${${ctx.baseArg}}`;
}

/** The version and OCI labels, from build arguments set by the tag script; last, so a new revision rebuilds only these layers. */
export function addLabelsAndVersion(stage: Stage, ctx: ImageContext<unknown>): void {
  stage
    .arg('VERSION', 'dev').arg('REVISION', 'unknown').arg('CREATED', '').arg('SOURCE', '')
    .env({ APP_VERSION: '${VERSION}' })
    .label({
      'org.opencontainers.image.title': ctx.service,
      'org.opencontainers.image.version': '${VERSION}',
      'org.opencontainers.image.revision': '${REVISION}',
      'org.opencontainers.image.created': '${CREATED}',
      'org.opencontainers.image.source': '${SOURCE}',
    });
}
