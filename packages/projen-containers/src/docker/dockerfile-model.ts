/**
 * A typed model of a multi-stage Dockerfile, rendered deterministically and validated before it
 * is written. Only what Docker 20.10's built-in BuildKit understands without a `# syntax=` line
 * is modelled (no heredocs, no `COPY --link`, no `COPY --chmod`).
 */

/** A BuildKit `RUN --mount`. */
export interface RunMount {
  /** `cache` keeps a folder between builds (npm's cache, Next's build cache); `secret` mounts a build secret. */
  readonly type: 'cache' | 'secret' | 'bind' | 'tmpfs';
  /** Absolute path inside the build container. */
  readonly target: string;
  /** Cache id, secret id or bind source. @default Docker's default for the type */
  readonly id?: string;
  /** Cache sharing mode. @default 'shared' */
  readonly sharing?: 'shared' | 'private' | 'locked';
  /** Extra `key=value` options, rendered in the order given. @default {} */
  readonly options?: Record<string, string>;
}

/** A health check, always in exec form (needs no shell). */
export interface HealthCheck {
  readonly command: string[];
  /** @default '10s' */
  readonly interval?: string;
  /** @default '3s' */
  readonly timeout?: string;
  /** @default '10s' */
  readonly startPeriod?: string;
  /** @default 3 */
  readonly retries?: number;
}

export type Instruction =
  | { readonly kind: 'comment'; readonly text: string }
  | { readonly kind: 'arg'; readonly name: string; readonly default?: string }
  | { readonly kind: 'env'; readonly vars: Readonly<Record<string, string>> }
  | { readonly kind: 'workdir'; readonly path: string }
  | { readonly kind: 'copy'; readonly sources: readonly string[]; readonly dest: string; readonly from?: string; readonly chown?: string }
  | { readonly kind: 'run'; readonly commands: readonly string[]; readonly mounts?: readonly RunMount[] }
  | { readonly kind: 'user'; readonly user: string }
  | { readonly kind: 'expose'; readonly port: number }
  | { readonly kind: 'volume'; readonly paths: readonly string[] }
  | { readonly kind: 'label'; readonly labels: Readonly<Record<string, string>> }
  | { readonly kind: 'healthcheck'; readonly check: HealthCheck | 'none' }
  | { readonly kind: 'stopsignal'; readonly signal: string }
  | { readonly kind: 'entrypoint'; readonly args: readonly string[] }
  | { readonly kind: 'cmd'; readonly args: readonly string[] };

export class DockerfileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DockerfileError';
  }
}

/**
 * A base image given as a literal, digest-pinned stage that a build argument can replace:
 *
 *     ARG NODE_IMAGE=node-base
 *     FROM node:24-alpine@sha256:... AS node-base
 *     FROM ${NODE_IMAGE} AS deps
 *
 * Dependabot's docker updater reads (and updates) the literal `FROM` line, which it cannot do for
 * `FROM ${ARG}` or `ARG X=image`; `--build-arg NODE_IMAGE=<mirror>/node:24` builds on another
 * image, and BuildKit never pulls the literal stage then, since no stage uses it.
 */
export interface BaseImageStage {
  /** The global build argument that stages start FROM, e.g. `NODE_IMAGE`. */
  readonly arg: string;
  /** The literal image reference, e.g. `node:24-alpine@sha256:...`. */
  readonly image: string;
  /** Name of the literal stage, the argument's default, e.g. `node-base`. */
  readonly stage: string;
  /** One line above the argument saying what the image is. @default none */
  readonly comment?: string;
}

/** Options of a stage. */
export interface StageOptions {
  /** Base: an image reference, `${ARG}` of a global build argument, or an earlier stage. */
  readonly from: string;
  /** One line saying why the stage exists; rendered above its FROM. @default none */
  readonly comment?: string;
}

const STAGE_NAME = /^[a-z][a-z0-9_.-]*$/;
const ARG_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** One build stage; instructions are added with the fluent methods and rendered in order. */
export class Stage {
  public readonly instructions: Instruction[] = [];

  constructor(public readonly name: string, public readonly options: StageOptions) {}

  public comment(text: string): this { return this.add({ kind: 'comment', text }); }
  public arg(name: string, defaultValue?: string): this { return this.add({ kind: 'arg', name, default: defaultValue }); }
  public env(vars: Record<string, string>): this { return this.add({ kind: 'env', vars }); }
  public workdir(path: string): this { return this.add({ kind: 'workdir', path }); }
  public copy(sources: string | string[], dest: string, opts: { from?: string; chown?: string } = {}): this {
    return this.add({ kind: 'copy', sources: Array.isArray(sources) ? sources : [sources], dest, ...opts });
  }
  public run(commands: string | string[], mounts?: RunMount[]): this {
    return this.add({ kind: 'run', commands: Array.isArray(commands) ? commands : [commands], mounts });
  }
  public user(user: string): this { return this.add({ kind: 'user', user }); }
  public expose(port: number): this { return this.add({ kind: 'expose', port }); }
  public volume(...paths: string[]): this { return this.add({ kind: 'volume', paths }); }
  public label(labels: Record<string, string>): this { return this.add({ kind: 'label', labels }); }
  public healthcheck(check: HealthCheck | 'none'): this { return this.add({ kind: 'healthcheck', check }); }
  public stopSignal(signal: string): this { return this.add({ kind: 'stopsignal', signal }); }
  public entrypoint(args: string[]): this { return this.add({ kind: 'entrypoint', args }); }
  public cmd(args: string[]): this { return this.add({ kind: 'cmd', args }); }

  /** Adds any instruction. */
  public add(instruction: Instruction): this {
    this.instructions.push(instruction);
    return this;
  }

  /** The user the stage ends with, or undefined when it never sets one (root). */
  public get finalUser(): string | undefined {
    const users = this.instructions.filter((i): i is Extract<Instruction, { kind: 'user' }> => i.kind === 'user');
    return users.length ? users[users.length - 1].user : undefined;
  }
}

/** Options of a Dockerfile model. */
export interface DockerfileModelOptions {
  /** Lines of the header comment (e.g. the generated-file marker). @default [] */
  readonly header?: string[];
  /** The last stage must run as a user other than root. @default true */
  readonly requireNonRootUser?: boolean;
}

function isRootUser(user: string | undefined): boolean {
  if (user === undefined) return true;
  const name = user.split(':')[0];
  return name === 'root' || name === '0';
}

const quote = (s: string) => (/^[A-Za-z0-9_./:@${}+=,-]+$/.test(s) ? s : JSON.stringify(s));

function renderMount(m: RunMount): string {
  const parts = [`type=${m.type}`];
  if (m.id) parts.push(`id=${m.id}`);
  parts.push(`target=${m.target}`);
  if (m.sharing) parts.push(`sharing=${m.sharing}`);
  for (const [k, v] of Object.entries(m.options ?? {})) parts.push(`${k}=${v}`);
  return `--mount=${parts.join(',')}`;
}

function renderInstruction(i: Instruction): string {
  switch (i.kind) {
    case 'comment': return i.text.split('\n').map((l) => `# ${l}`.trimEnd()).join('\n');
    case 'arg': return i.default === undefined ? `ARG ${i.name}` : `ARG ${i.name}=${quote(i.default)}`;
    case 'env': return `ENV ${Object.entries(i.vars).map(([k, v]) => `${k}=${quote(v)}`).join(' \\\n    ')}`;
    case 'workdir': return `WORKDIR ${i.path}`;
    case 'copy': {
      const flags = [i.from ? `--from=${i.from}` : '', i.chown ? `--chown=${i.chown}` : ''].filter(Boolean);
      return ['COPY', ...flags, ...i.sources, i.dest].join(' ');
    }
    case 'run': {
      const mounts = (i.mounts ?? []).map(renderMount);
      const head = ['RUN', ...mounts].join(' ');
      return i.commands.length === 1 && mounts.length === 0
        ? `${head} ${i.commands[0]}`
        : `${head} \\\n    ${i.commands.join(' \\\n    && ')}`;
    }
    case 'user': return `USER ${i.user}`;
    case 'expose': return `EXPOSE ${i.port}`;
    case 'volume': return `VOLUME ${JSON.stringify(i.paths)}`;
    case 'label': return `LABEL ${Object.entries(i.labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' \\\n      ')}`;
    case 'healthcheck': {
      if (i.check === 'none') return 'HEALTHCHECK NONE';
      const c = i.check;
      return `HEALTHCHECK --interval=${c.interval ?? '10s'} --timeout=${c.timeout ?? '3s'} --start-period=${c.startPeriod ?? '10s'} --retries=${c.retries ?? 3} \\\n    CMD ${JSON.stringify(c.command)}`;
    }
    case 'stopsignal': return `STOPSIGNAL ${i.signal}`;
    case 'entrypoint': return `ENTRYPOINT ${JSON.stringify(i.args)}`;
    case 'cmd': return `CMD ${JSON.stringify(i.args)}`;
  }
}

/** A multi-stage Dockerfile. */
export class DockerfileModel {
  private readonly globalArgs: { name: string; default?: string; comment?: string }[] = [];
  private readonly bases: BaseImageStage[] = [];
  private readonly stages: Stage[] = [];

  constructor(private readonly options: DockerfileModelOptions = {}) {}

  /** Declares a build argument before the first FROM, usable in FROM lines (e.g. the base image). */
  public addGlobalArg(name: string, defaultValue?: string, comment?: string): this {
    this.globalArgs.push({ name, default: defaultValue, comment });
    return this;
  }

  /**
   * Declares a base image as a build argument whose default is a literal, pinned stage (see
   * {@link BaseImageStage}); stages then start `FROM \${arg}`.
   */
  public addBaseImage(base: BaseImageStage): this {
    this.bases.push(base);
    return this;
  }

  /** The base images declared with addBaseImage(), in order. */
  public get baseImages(): readonly BaseImageStage[] {
    return this.bases;
  }

  public addStage(name: string, options: StageOptions): Stage {
    const stage = new Stage(name, options);
    this.stages.push(stage);
    return stage;
  }

  public stage(name: string): Stage | undefined {
    return this.stages.find((s) => s.name === name);
  }

  public get stageNames(): string[] {
    return this.stages.map((s) => s.name);
  }

  /** Throws a DockerfileError naming the stage and the fix for the first problem found. */
  public validate(): void {
    if (this.stages.length === 0) throw new DockerfileError('The Dockerfile has no stage: add one with addStage().');
    const argNames = new Set<string>();
    for (const a of [...this.globalArgs, ...this.bases.map((b) => ({ name: b.arg }))]) {
      if (!ARG_NAME.test(a.name)) throw new DockerfileError(`Invalid build argument name "${a.name}": use letters, digits and _.`);
      if (argNames.has(a.name)) throw new DockerfileError(`Build argument ${a.name} is declared twice.`);
      argNames.add(a.name);
    }
    const seen: string[] = [];
    for (const b of this.bases) {
      const where = `base image ${b.arg}`;
      if (!STAGE_NAME.test(b.stage)) throw new DockerfileError(`${where}: invalid stage name "${b.stage}": use lowercase letters, digits, ".", "_" and "-", starting with a letter.`);
      if (seen.includes(b.stage)) throw new DockerfileError(`Stage "${b.stage}" is defined twice: stage names must be unique.`);
      if (/[\s$]/.test(b.image) || !/[:@]/.test(b.image)) {
        throw new DockerfileError(`${where}: "${b.image}" must be a literal image reference with a tag or digest (no variable), so that Dependabot can read and update it.`);
      }
      seen.push(b.stage);
    }
    for (const stage of this.stages) {
      const where = `stage "${stage.name}"`;
      if (!STAGE_NAME.test(stage.name)) throw new DockerfileError(`Invalid stage name "${stage.name}": use lowercase letters, digits, ".", "_" and "-", starting with a letter.`);
      if (seen.includes(stage.name)) throw new DockerfileError(`Stage "${stage.name}" is defined twice: stage names must be unique.`);
      const from = stage.options.from;
      const argRef = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(from);
      if (argRef && !argNames.has(argRef[1])) {
        throw new DockerfileError(`${where} starts FROM \${${argRef[1]}}, which is not declared: add it with addBaseImage({ arg: "${argRef[1]}", ... }) or addGlobalArg("${argRef[1]}", default).`);
      }
      if (!argRef && !seen.includes(from) && !/[:/@]/.test(from)) {
        throw new DockerfileError(`${where} starts FROM "${from}", which is neither an earlier stage (${seen.join(', ') || 'none yet'}) nor an image reference with a tag or digest.`);
      }
      for (const i of stage.instructions) {
        switch (i.kind) {
          case 'workdir':
            if (!i.path.startsWith('/')) throw new DockerfileError(`${where}: WORKDIR "${i.path}" is relative; use an absolute path such as /app.`);
            break;
          case 'copy':
            if (i.sources.length === 0) throw new DockerfileError(`${where}: COPY to ${i.dest} has no source.`);
            if (i.from !== undefined && !seen.includes(i.from)) {
              throw new DockerfileError(`${where}: COPY --from=${i.from} names no earlier stage (earlier stages: ${seen.join(', ') || 'none'}).`);
            }
            break;
          case 'run':
            if (i.commands.length === 0 || i.commands.some((c) => c.trim() === '')) throw new DockerfileError(`${where}: RUN has an empty command.`);
            for (const m of i.mounts ?? []) {
              if (!m.target.startsWith('/')) throw new DockerfileError(`${where}: RUN --mount target "${m.target}" must be an absolute path.`);
            }
            break;
          case 'cmd':
          case 'entrypoint':
            if (i.args.length === 0) throw new DockerfileError(`${where}: ${i.kind.toUpperCase()} needs a command in exec form, e.g. ["node", "server.js"].`);
            if (i.args.length === 1 && /\s/.test(i.args[0])) {
              throw new DockerfileError(`${where}: ${i.kind.toUpperCase()} ${JSON.stringify(i.args)} looks like shell form (one string with spaces); exec form is required so the process gets signals: split it into ["program", "arg", ...].`);
            }
            break;
          case 'healthcheck':
            if (i.check !== 'none' && (i.check.command.length === 0 || (i.check.command.length === 1 && /\s/.test(i.check.command[0])))) {
              throw new DockerfileError(`${where}: HEALTHCHECK needs a command in exec form, e.g. ["node", "healthcheck.js"].`);
            }
            break;
          case 'expose':
            if (!Number.isInteger(i.port) || i.port < 1 || i.port > 65535) throw new DockerfileError(`${where}: EXPOSE ${i.port} is not a port (1-65535).`);
            break;
          case 'env':
            for (const k of Object.keys(i.vars)) if (!ARG_NAME.test(k)) throw new DockerfileError(`${where}: invalid ENV name "${k}".`);
            break;
          case 'arg':
            if (!ARG_NAME.test(i.name)) throw new DockerfileError(`${where}: invalid ARG name "${i.name}".`);
            break;
          default:
            break;
        }
      }
      seen.push(stage.name);
    }
    const last = this.stages[this.stages.length - 1];
    if ((this.options.requireNonRootUser ?? true) && isRootUser(last.finalUser)) {
      throw new DockerfileError(`The final stage "${last.name}" runs as root: add a USER instruction with a non-root user (e.g. node).`);
    }
  }

  /** Validates and renders the Dockerfile text. */
  public render(): string {
    this.validate();
    const blocks: string[] = [];
    if (this.options.header?.length) blocks.push(renderInstruction({ kind: 'comment', text: this.options.header.join('\n') }));
    // Every argument used in a FROM line comes before the first FROM (else it is a stage's own
    // argument); each base's literal stage follows, right after its argument when there is one.
    const preamble = [
      ...this.globalArgs.map((a) => [
        ...(a.comment ? [renderInstruction({ kind: 'comment', text: a.comment })] : []),
        renderInstruction({ kind: 'arg', name: a.name, default: a.default }),
      ].join('\n')),
      ...this.bases.map((b) => [
        ...(b.comment ? [renderInstruction({ kind: 'comment', text: b.comment })] : []),
        renderInstruction({ kind: 'arg', name: b.arg, default: b.stage }),
      ].join('\n')),
      ...this.bases.map((b) => `FROM ${b.image} AS ${b.stage}`),
    ];
    if (preamble.length) blocks.push(preamble.join('\n'));
    for (const stage of this.stages) {
      const lines: string[] = [];
      if (stage.options.comment) lines.push(renderInstruction({ kind: 'comment', text: stage.options.comment }));
      lines.push(`FROM ${stage.options.from} AS ${stage.name}`);
      for (const i of stage.instructions) lines.push(renderInstruction(i));
      blocks.push(lines.join('\n'));
    }
    return blocks.join('\n\n') + '\n';
  }
}
