import { FileBase, IResolver, Project } from 'projen';
import { sourceFile } from '../lib/source-file';
import { GENERATED_MARKER } from '../marker';
import { check, oneLine, repoPath } from '../validate';

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

/** Whether a .dockerignore pattern of one segment (`*` and `?` wildcards) matches a name. */
function segmentMatches(pattern: string, name: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(name);
}

/**
 * The pattern of {@link NEVER_IN_CONTEXT} (or, for the first segment, {@link NEVER_AT_ROOT}) that an
 * allowed path's segment would let back in: the segment matches it (`.env.production`, `id_rsa`),
 * or, with wildcards, could name what it matches (`*.pem`, `.env*`). A segment of wildcards only
 * below the root (`config/*`) names a folder's content: what it holds of these stays out anyway.
 */
function neverInContext(segments: readonly string[]): string | undefined {
  const named = (seg: string, pattern: string) => segmentMatches(pattern, seg)
    || (!/^[*?]+$/.test(seg) && segmentMatches(seg, pattern.replace(/[*?]/g, 'x')));
  for (const [i, seg] of segments.entries()) {
    const hit = [...NEVER_IN_CONTEXT, ...(i === 0 ? NEVER_AT_ROOT : [])].find((p) => named(seg, p));
    if (hit) return hit;
  }
  return undefined;
}

/**
 * Checks a path let into a build context: relative, inside the context, one line. `*` and `?`
 * may stand for any characters, as in Docker's patterns, but not as the whole first segment (`*`,
 * `**`, `?*`: that lets the whole context back in), and no segment may name a secret or a file
 * that never belongs in an image ({@link NEVER_IN_CONTEXT}, {@link NEVER_AT_ROOT} at the root).
 */
export function checkAllowedPath(component: string, option: string, value: string, service?: string): string {
  const segments = typeof value === 'string' ? value.replace(/\/+$/, '').split('/') : [];
  const ok = segments.length > 0 && segments.every((s) => /^[A-Za-z0-9._*?-]+$/.test(s) && s !== '.' && s !== '..');
  check(ok, component, option, value, 'a path inside the build context, such as migrations or config/*.json: segments of letters, digits, ".", "_", "-", "*" and "?", no "..", no leading "/" or "!"', service);
  check(!/^[*?]+$/.test(segments[0]), component, option, value, 'a path that names what the build needs, such as migrations or config/*.json: not wildcards alone at the root, which let the whole context (tests, local files) back in', service);
  const secret = neverInContext(segments);
  check(secret === undefined, component, option, value, `a path the build needs, never a secret or a file that stays out of every image (it matches ${JSON.stringify(secret)}: ${[...NEVER_IN_CONTEXT, ...NEVER_AT_ROOT].slice(0, 14).join(', ')}, ...)`, service);
  return value;
}

/** Checks a pattern kept out of a build context: one line, not a `!` exception, not a comment. */
export function checkIgnorePattern(component: string, option: string, value: string, service?: string): string {
  oneLine(component, option, value, service);
  check(value.trim() !== '' && !/^\s*[!#]/.test(value), component, option, value, 'a .dockerignore pattern such as *.sqlite: one line, not empty, not starting with "!" or "#"', service);
  return value;
}

/** Options of {@link DockerIgnore}. */
export interface DockerIgnoreOptions {
  /** Path of the file, relative to the project. @default '.dockerignore' */
  readonly path?: string;
  /** The header line that says which file generated it. @default "Generated from .projenrc.ts by projen-containers/docker/dockerignore." */
  readonly usage?: string;
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
  private readonly usage: string;

  constructor(project: Project, options: DockerIgnoreOptions = {}) {
    super(project, repoPath('DockerIgnore', 'path', options.path ?? '.dockerignore'), { readonly: true });
    this.usage = oneLine('DockerIgnore', 'usage', options.usage ?? `Generated from .projenrc.ts by ${sourceFile(__filename)}.`);
    for (const p of options.allow ?? []) checkAllowedPath('DockerIgnore', 'allow', p);
    for (const p of [...(options.deny ?? []), ...(options.extraDeny ?? []), ...(options.denyAtRoot ?? [])]) checkIgnorePattern('DockerIgnore', 'deny', p);
    this.allow = options.allow ? [...options.allow] : undefined;
    this.deny = [...(options.deny ?? NEVER_IN_CONTEXT), ...(options.extraDeny ?? [])];
    this.denyAtRoot = [...(options.denyAtRoot ?? NEVER_AT_ROOT)];
  }

  /** Lets a path into the context (only meaningful with an allow-list). */
  public addAllow(...paths: string[]): void {
    check(!!this.allow, 'DockerIgnore', 'addAllow', paths, 'only with an allow-list: pass `allow: [...]` in the options');
    for (const p of paths) checkAllowedPath('DockerIgnore', 'allow', p);
    this.allow!.push(...paths);
  }

  /** Keeps patterns out of the context. */
  public addDeny(...patterns: string[]): void {
    for (const p of patterns) checkIgnorePattern('DockerIgnore', 'deny', p);
    this.deny.push(...patterns);
  }

  /** The patterns in file order. */
  public get patterns(): string[] {
    const lines: string[] = [];
    if (this.allow) {
      lines.push('*');
      for (const p of this.allow) lines.push(`!${p.replace(/\/+$/, '')}`);
    }
    for (const p of [...new Set(this.denyAtRoot)]) lines.push(p);
    for (const p of [...new Set(this.deny)]) lines.push(p, `**/${p}`);
    return lines;
  }

  protected synthesizeContent(_resolver: IResolver): string {
    return [
      `# ${GENERATED_MARKER}`,
      `# ${this.usage}`,
      ...(this.allow ? ['# Allow-list: everything is left out, then what the build needs is let in, then what must never', '# be in an image is left out again, at any depth.'] : []),
      ...this.patterns,
      '',
    ].join('\n');
  }
}
