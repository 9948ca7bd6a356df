import { FileBase, IResolver, Project } from 'projen';
import { GENERATED_MARKER } from '../marker';


/**
 * A generated Markdown document: read-only, marked as generated in its first line, rendered at
 * synth time from the same configuration as the files it describes.
 */
export class MarkdownFile extends FileBase {
  constructor(project: Project, filePath: string, private readonly render: () => string[]) {
    super(project, filePath, { readonly: true });
  }

  protected synthesizeContent(_resolver: IResolver): string {
    return [`<!-- ${GENERATED_MARKER} -->`, '', ...this.render()].join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
  }
}
