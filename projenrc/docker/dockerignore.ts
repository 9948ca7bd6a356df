import { FileBase, IResolver, Project } from 'projen';
import { GENERATED_MARKER } from '../marker';

/** What never belongs in a build context: secrets, local state, test and build output, tooling. */
export const NEVER_IN_CONTEXT: readonly string[] = [
  // secrets and credentials
  '.env', '.env.*', '*.pem', '*.key', '*.p12', '*.pfx', 'id_rsa*', 'id_ed25519*', '.npmrc', '.netrc',
  'secrets', 'credentials', '.aws', '.ssh',
  // version control and dependencies installed on the host
  '.git', '.gitignore', '.gitattributes', 'node_modules',
  // logs, tests, coverage, build output
  '*.log', 'npm-debug.log*', 'yarn-debug.log*', 'yarn-error.log*',
  'coverage', '.nyc_output', 'test-results', 'test-reports', 'playwright-report',
  // container and tooling files
  'Dockerfile*', '.dockerignore', 'docker-compose*', 'compose*.y*ml', '.projen',
  // editors and operating systems
  '.vscode', '.idea', '*.swp', '*.swo', '*~', '.DS_Store', 'Thumbs.db',
];

/**
 * Build output and local state, left out at the root of the context only: a source folder may
 * legitimately be called `lib` or `build` deeper down (e.g. `src/lib`).
 */
export const NEVER_AT_ROOT: readonly string[] = ['dist', 'build', '.next', 'out', 'lib', 'results', 'next-env.d.ts'];

/** Options of {@link DockerIgnore}. */
export interface DockerIgnoreOptions {
  /**
   * Paths the build needs, relative to the context. With an allow-list everything else is left
   * out: `*` first, then `!path` for each of these. Without one, only the deny patterns apply.
   * @default undefined (no allow-list)
   */
  readonly allow?: string[];
  /** Patterns left out even inside allowed paths, at any depth. @default NEVER_IN_CONTEXT */
  readonly deny?: readonly string[];
  /** Patterns left out at the root of the context only. @default NEVER_AT_ROOT */
  readonly denyAtRoot?: readonly string[];
  /** Extra patterns to leave out, at any depth. @default [] */
  readonly extraDeny?: string[];
}

/**
 * A generated `.dockerignore`. With an allow-list, the context holds only what the build
 * needs, and the deny patterns are repeated after the allow-list (the last matching line wins in
 * Docker), so a secret inside an allowed folder stays out too.
 */
export class DockerIgnore extends FileBase {
  private readonly allow?: string[];
  private readonly deny: string[];
  private readonly denyAtRoot: string[];

  constructor(project: Project, options: DockerIgnoreOptions = {}) {
    super(project, '.dockerignore', { readonly: true });
    this.allow = options.allow ? [...options.allow] : undefined;
    this.deny = [...(options.deny ?? NEVER_IN_CONTEXT), ...(options.extraDeny ?? [])];
    this.denyAtRoot = [...(options.denyAtRoot ?? NEVER_AT_ROOT)];
  }

  /** Lets a path into the context (only meaningful with an allow-list). */
  public addAllow(...paths: string[]): void {
    if (!this.allow) throw new Error('DockerIgnore: addAllow() needs an allow-list; pass `allow: [...]` in the options.');
    this.allow.push(...paths);
  }

  /** Keeps patterns out of the context. */
  public addDeny(...patterns: string[]): void {
    this.deny.push(...patterns);
  }

  /** The patterns in file order. */
  public get patterns(): string[] {
    const lines: string[] = [];
    if (this.allow) {
      lines.push('*');
      for (const p of this.allow) {
        if (p.startsWith('!') || p.startsWith('/') || p.includes('..')) {
          throw new Error(`DockerIgnore: allow "${p}" must be a plain path inside the context (no "!", "/" prefix or "..").`);
        }
        lines.push(`!${p.replace(/\/+$/, '')}`);
      }
    }
    for (const p of [...new Set(this.denyAtRoot)]) lines.push(p);
    for (const p of [...new Set(this.deny)]) lines.push(p, `**/${p}`);
    return lines;
  }

  protected synthesizeContent(_resolver: IResolver): string {
    return [
      `# ${GENERATED_MARKER}`,
      '# Generated from .projenrc.ts by projenrc/docker/dockerignore.ts.',
      ...(this.allow ? ['# Allow-list: everything is left out, then what the build needs is let in, then what must never', '# be in an image is left out again, at any depth.'] : []),
      ...this.patterns,
      '',
    ].join('\n');
  }
}
