import * as path from 'node:path';
import { FileBase, IResolver, Project } from 'projen';
import { GENERATED_MARKER } from '../marker';
import { ConfigError, oneLine, repoPath } from '../validate';
import { DockerfileModel, DockerfileModelOptions } from './dockerfile-model';

/** Options of {@link Dockerfile}. */
export interface DockerfileOptions extends Omit<DockerfileModelOptions, 'header'> {
  /** Path of the file, relative to the project. @default 'Dockerfile' */
  readonly path?: string;
  /** Extra header lines, after the generated-file marker and the usage line. @default [] */
  readonly description?: string[];
  /** The header line that says which file generated it and how to build it. */
  readonly usage: string;
}

/**
 * A generated, read-only Dockerfile. The model is rendered at synth time, so stages and
 * instructions added after construction still show up; `validate()` checks it before any file is
 * written (`DockerImages` and `DockerBenchmark` call it in their `preSynthesize()`).
 */
export class Dockerfile extends FileBase {
  public readonly model: DockerfileModel;

  constructor(project: Project, options: DockerfileOptions) {
    super(project, repoPath('Dockerfile', 'path', options.path ?? 'Dockerfile'), { readonly: true });
    for (const line of [options.usage, ...(options.description ?? [])]) oneLine('Dockerfile', 'header line', line);
    this.model = new DockerfileModel({
      requireNonRootUser: options.requireNonRootUser,
      header: [GENERATED_MARKER, options.usage, ...(options.description ?? [])],
    });
  }

  /** Throws a ConfigError naming this file and the problem, if the model is not a valid Dockerfile. */
  public validate(): void {
    this.render();
  }

  protected synthesizeContent(_resolver: IResolver): string {
    return this.render();
  }

  private render(): string {
    try {
      return this.model.render();
    } catch (err) {
      throw new ConfigError(`${path.relative(this.project.root.outdir, this.absolutePath)}: ${(err as Error).message}`);
    }
  }
}
