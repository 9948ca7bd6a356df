import { FileBase, IResolver, Project } from 'projen';
import { GENERATED_MARKER } from '../marker';
import { DockerfileModel, DockerfileModelOptions } from './dockerfile-model';

/** Options of {@link Dockerfile}. */
export interface DockerfileOptions extends Omit<DockerfileModelOptions, 'header'> {
  /** Path of the file, relative to the project. @default 'Dockerfile' */
  readonly path?: string;
  /** Extra header lines, after the generated-file marker and the usage line. @default [] */
  readonly description?: string[];
  /** The header line that says where the file comes from and how to build it. @default built by `npx projen build:docker` */
  readonly usage?: string;
}

/**
 * A generated, read-only Dockerfile. The model is rendered (and validated) at synth time, so
 * stages and instructions added after construction still show up.
 */
export class Dockerfile extends FileBase {
  public readonly model: DockerfileModel;

  constructor(project: Project, options: DockerfileOptions = {}) {
    super(project, options.path ?? 'Dockerfile', { readonly: true });
    this.model = new DockerfileModel({
      requireNonRootUser: options.requireNonRootUser,
      header: [
        GENERATED_MARKER,
        options.usage ?? 'Generated from .projenrc.ts by the components in projenrc/docker/. Build it with `npx projen build:docker`.',
        ...(options.description ?? []),
      ],
    });
  }

  protected synthesizeContent(_resolver: IResolver): string {
    try {
      return this.model.render();
    } catch (err) {
      throw new Error(`${this.project.name}/${this.path}: ${(err as Error).message}`);
    }
  }
}
