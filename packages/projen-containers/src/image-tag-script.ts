import { FileBase, IResolver, Project, release } from 'projen';
import { bundleScript } from './bundled-script';
import { computeTags, TAG_POLICY_DEFAULTS, TagPolicyOptions } from './image-tags/policy';
import { branchName, check, integer, knownKeys, optionKeys, repoPath, taskName } from './validate';

/** A tag policy with every default resolved: the one an {@link ImageTagScript} bakes in. */
export type ResolvedTagPolicy = Required<TagPolicyOptions>;

/**
 * The default release branch of a projen project (NodeProject's `defaultReleaseBranch`: the first
 * branch of its Release component), of the project or else its root; undefined when it has none
 * (`release: false`, or a project type without releases).
 */
export function projectDefaultBranch(project: Project): string | undefined {
  for (const p of [project, project.root]) {
    const branch = release.Release.of(p)?.branches[0];
    if (branch) return branch;
  }
  return undefined;
}

/** The default branch when neither the options nor the project name one: said, never silent. */
function fallbackBranch(project: Project): string {
  project.logger.warn(`ImageTagScript: the project records no default branch (no release branch: release is off), so \`latest\` follows ${TAG_POLICY_DEFAULTS.defaultBranch}. `
    + 'Set defaultBranch in the options if that is not your default branch.');
  return TAG_POLICY_DEFAULTS.defaultBranch;
}

/**
 * Checks the branches of a tag policy for `component`: the default branch, and the staging branch
 * (a branch other than the default one) or `false` for no staging.
 */
export function checkTagBranches(component: string, policy: Pick<ResolvedTagPolicy, 'defaultBranch' | 'stagingBranch'>, prefix = ''): void {
  branchName(component, `${prefix}defaultBranch`, policy.defaultBranch);
  const staging = policy.stagingBranch;
  check(staging === false || typeof staging === 'string', component, `${prefix}stagingBranch`, staging, 'a branch name, or false for a project without staging');
  if (staging === false) return;
  branchName(component, `${prefix}stagingBranch`, staging);
  check(staging !== policy.defaultBranch, component, `${prefix}stagingBranch`, staging,
    'a branch other than the default branch (a staging deploy and a default-branch build of one push would tag the same image both ways)');
}

/** Options of {@link ImageTagScript}. */
export interface ImageTagScriptOptions extends TagPolicyOptions {
  /** Where the script is written, relative to the project. @default 'scripts/image-tags.mjs' */
  readonly path?: string;
  /** Name of the projen task that runs the script: `[a-z0-9][a-z0-9:._-]*`, not a task the project has already. @default 'image-tags' */
  readonly taskName?: string;
}


/** Every option of {@link ImageTagScriptOptions}: any other key is an error. */
const OPTION_KEYS = optionKeys<ImageTagScriptOptions>({
  path: true, taskName: true, defaultBranch: true, stagingBranch: true, shaLength: true, fullShaTag: true,
});

/**
 * The image tag script: the tag logic of `image-tags/` bundled by esbuild into one
 * dependency-free ES module, with this project's tag policy baked in. It runs with a bare
 * `node`, so local builds (`npx projen build:docker`) and CI workflows share one logic without
 * installing anything.
 */
export class ImageTagScript extends FileBase {
  /** The tag policy the script applies, every default resolved. */
  public readonly policy: ResolvedTagPolicy;
  /** The script's path, relative to the project root. */
  public readonly path: string;
  /** Command that runs the script, relative to the project root. */
  public readonly command: string;

  constructor(project: Project, options: ImageTagScriptOptions = {}) {
    const filePath = repoPath('ImageTagScript', 'path', options.path ?? 'scripts/image-tags.mjs');
    super(project, filePath, { readonly: true, executable: true });
    knownKeys('ImageTagScript', 'options', options, OPTION_KEYS);
    this.policy = {
      defaultBranch: options.defaultBranch ?? projectDefaultBranch(project) ?? fallbackBranch(project),
      stagingBranch: options.stagingBranch ?? TAG_POLICY_DEFAULTS.stagingBranch,
      shaLength: options.shaLength ?? TAG_POLICY_DEFAULTS.shaLength,
      fullShaTag: options.fullShaTag ?? TAG_POLICY_DEFAULTS.fullShaTag,
    };
    integer('ImageTagScript', 'shaLength', this.policy.shaLength, 7, 40);
    check(typeof this.policy.fullShaTag === 'boolean', 'ImageTagScript', 'fullShaTag', this.policy.fullShaTag, 'true or false');
    const task = taskName('ImageTagScript', 'taskName', options.taskName ?? 'image-tags', project.tasks.all.map((t) => t.name));
    checkTagBranches('ImageTagScript', this.policy);
    // Fail at synth, with the option's name, rather than in every build.
    computeTags({ sha: '0'.repeat(40), refType: 'branch', refName: 'x', event: 'push', now: new Date(0) }, this.policy);
    this.path = filePath;
    this.command = `node ${filePath}`;
    // An argv, not a shell line: the arguments after `--` reach the script as typed (`--title "My App"`
    // stays one argument). The exit status does not: projen's task runner turns every failure into 1,
    // whatever the step exits with (`process.exit(1)` in its run-task command), and no task option
    // changes that. The script's help says so; callers that need the status run `this.command`.
    project.addTask(task, {
      description: 'Print the tags of an image for the current build (--help for options)',
      execArgs: ['node', filePath],
      receiveArgs: true,
    });
  }

  protected synthesizeContent(_resolver: IResolver): string {
    return bundleScript({
      name: 'image-tags',
      config: this.policy,
      banner: [
        'The image tag script: projen-containers/image-tags bundled by esbuild, with the tag policy of .projenrc.ts.',
        `Run \`${this.command} --help\`. Change the sources or .projenrc.ts, never this file.`,
      ],
    });
  }
}
