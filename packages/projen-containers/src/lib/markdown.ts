/** Markdown rendering shared by the docs and the tools' reports: pure, no projen import. */

/** A table in Markdown, cells escaped; columns left-aligned unless `align` says `right`. */
export function table(header: string[], rows: string[][], align: readonly ('left' | 'right')[] = []): string {
  const cell = (c: string) => c.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const rule = header.map((_, i) => (align[i] === 'right' ? '---:' : '---'));
  return [`| ${header.join(' | ')} |`, `| ${rule.join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}
