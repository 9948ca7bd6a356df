/** Docker image references split as Docker reads them: pure, shared by components and tools. */

/**
 * The registry host of a repository name, if it names one: the first component when it has a `.`
 * or a `:` or is `localhost` (`mcr.microsoft.com/playwright`), else none (Docker Hub: `node`).
 */
export function splitRegistry(repository: string): { readonly registry?: string; readonly path: string } {
  const first = repository.split('/')[0];
  const hasRegistry = repository.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  return hasRegistry ? { registry: first, path: repository.slice(first.length + 1) } : { path: repository };
}
