import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Component, github, Project } from 'projen';
import DEFAULTS from '../defaults/github-actions.lock.json';
import { DEFAULT_ACTIONS_LOCK } from '../lib/lock-files';
import { check, ConfigError, knownKeys, repoPath } from '../validate';

/** One pinned action: the release it is and the commit it points at. */
export interface ActionPin {
  /** Release tag, e.g. `v7.3.0`; written as a comment beside the SHA. */
  readonly version: string;
  /** Full commit SHA the tag pointed at when pinned. */
  readonly sha: string;
}

/** Options of {@link ActionPins}. */
export interface ActionPinsOptions {
  /**
   * Committed file holding the project's pins. Its entries take precedence over the pins this
   * package ships ({@link DEFAULT_ACTION_PINS}); without the file, the shipped pins are used.
   * @default 'github-actions.lock.json', when it exists
   */
  readonly lockFile?: string;
}

/** The pins this package ships, for every action its workflows use: what a project without its own lock file gets. */
export const DEFAULT_ACTION_PINS: Readonly<Record<string, ActionPin>> = DEFAULTS;

const SHA = /^[0-9a-f]{40}$/;
const VERSION = /^v\d+(\.\d+){0,2}(-[0-9A-Za-z.-]+)?$/;

/**
 * Every third-party action of every workflow, pinned by full commit SHA, held in one committed
 * file. Workflows ask for `pins.uses('docker/build-push-action')`; projen's own workflows get the
 * same pins through its actions provider; after synth each `uses:` line gets its version as a
 * comment (`# v7.3.0`), as Dependabot and reviewers expect.
 */
export class ActionPins extends Component {
  /** The repository part of an action reference: `github/codeql-action/upload-sarif` -> `github/codeql-action`. */
  public static repositoryOf(action: string): string {
    return action.split('/').slice(0, 2).join('/');
  }

  public readonly lockFile: string;
  public readonly pins: Readonly<Record<string, ActionPin>>;

  constructor(project: Project, options: ActionPinsOptions = {}) {
    super(project);
    const C = 'ActionPins';
    knownKeys(C, 'options', options, ['lockFile']);
    this.lockFile = repoPath(C, 'lockFile', options.lockFile ?? DEFAULT_ACTIONS_LOCK);
    const file = path.join(project.outdir, this.lockFile);
    if (options.lockFile !== undefined) {
      check(existsSync(file), C, 'lockFile', this.lockFile, 'a file that exists: it holds the pinned action versions (leave the option out to use the pins this package ships)');
    }
    let pins: Record<string, ActionPin> = {};
    if (existsSync(file)) {
      try {
        pins = JSON.parse(readFileSync(file, 'utf8'));
      } catch (err) {
        throw new ConfigError(`${C}: lockFile "${this.lockFile}" is not allowed: JSON (${(err as Error).message}); fix the file, or restore it from git, and run \`npx projen\` again.`);
      }
    }
    check(!!pins && typeof pins === 'object' && !Array.isArray(pins), C, 'lockFile', this.lockFile, 'a JSON object of "owner/repository": { "version", "sha" }');
    pins = { ...DEFAULT_ACTION_PINS, ...pins };
    for (const [name, pin] of Object.entries(pins)) {
      const of = `${name} in ${this.lockFile}`;
      check(/^[\w.-]+\/[\w.-]+$/.test(name), C, 'action', name, `an owner/repository name (in ${this.lockFile})`);
      check(!!pin && typeof pin === 'object', C, 'pin', pin, 'an object { "version": "vX.Y.Z", "sha": "<commit SHA>" }', of);
      check(SHA.test(pin.sha ?? ''), C, 'sha', pin.sha, 'a full 40-character commit SHA', of);
      check(VERSION.test(pin.version ?? ''), C, 'version', pin.version, 'a release tag such as v1.2.3', of);
      github.GitHub.of(project)?.actions.set(name, `${name}@${pin.sha}`);
    }
    this.pins = pins;
  }

  /** `owner/repo[/path]@sha` for an action; throws when it is not pinned. */
  public uses(action: string): string {
    const pin = this.pins[ActionPins.repositoryOf(action)];
    check(!!pin, 'ActionPins', 'action', action,
      `an action pinned in ${this.lockFile}: add "${ActionPins.repositoryOf(action)}": { "version": "vX.Y.Z", "sha": "<40-character commit SHA of that tag>" } to it`);
    return `${action}@${pin.sha}`;
  }

  /** Adds `# <version>` after every `uses: owner/repo@<pinned sha>` of a rendered workflow. */
  public annotate(yaml: string): string {
    return yaml.replace(/^(\s*(?:-\s+)?uses:\s*)([\w.-]+\/[\w.-]+)((?:\/[\w.\/-]+)?)@([0-9a-f]{40})[ \t]*(#.*)?$/gm, (line, lead, repo, sub, sha) => {
      const pin = this.pins[repo];
      return pin && pin.sha === sha ? `${lead}${repo}${sub}@${sha} # ${pin.version}` : line;
    });
  }

  /** After synth: the version comments in every generated workflow (projen's YAML has no comments). */
  public postSynthesize(): void {
    const dir = path.join(this.project.outdir, '.github', 'workflows');
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir).filter((n) => /\.ya?ml$/.test(n))) {
      const file = path.join(dir, name);
      const text = readFileSync(file, 'utf8');
      if (!text.includes('~~ Generated by projen')) continue;
      const annotated = this.annotate(text);
      if (annotated === text) continue;
      const mode = statSync(file).mode;
      chmodSync(file, 0o644);
      writeFileSync(file, annotated);
      chmodSync(file, mode);
    }
  }
}
