import { FileBase, IResolver, Project } from 'projen';
import { GENERATED_MARKER } from '../marker';

/** A table in Markdown, cells escaped; columns left-aligned unless `align` says `right`. */
export function table(header: string[], rows: string[][], align: readonly ('left' | 'right')[] = []): string {
  const cell = (c: string) => c.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const rule = header.map((_, i) => (align[i] === 'right' ? '---:' : '---'));
  return [`| ${header.join(' | ')} |`, `| ${rule.join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}

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
