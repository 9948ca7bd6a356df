import { FileBase, IResolver, Project } from 'projen';
import { bundleScript } from './bundled-script';
import { computeTags, TagPolicyOptions } from './image-tags/policy';
import { branchPair, check, integer, repoPath, taskName } from './validate';

/** Options of {@link ImageTagScript}. */
export interface ImageTagScriptOptions extends TagPolicyOptions {
  /** Where the script is written, relative to the project. @default 'scripts/image-tags.mjs' */
  readonly path?: string;
  /** Name of the projen task that runs the script: `[a-z0-9][a-z0-9:._-]*`, not a task the project has already. @default 'image-tags' */
  readonly taskName?: string;
}


/**
 * The image tag script: the tag logic of `image-tags/` bundled by esbuild into one
 * dependency-free ES module, with this project's tag policy baked in. It runs with a bare
 * `node`, so local builds (`npx projen build:docker`) and CI workflows share one logic without
 * installing anything.
 */
export class ImageTagScript extends FileBase {
  /** The tag policy the script applies, every default resolved. */
  public readonly policy: Required<TagPolicyOptions>;
  /** The script's path, relative to the project root. */
  public readonly path: string;
  /** Command that runs the script, relative to the project root. */
  public readonly command: string;

  constructor(project: Project, options: ImageTagScriptOptions = {}) {
    const filePath = repoPath('ImageTagScript', 'path', options.path ?? 'scripts/image-tags.mjs');
    super(project, filePath, { readonly: true, executable: true });
    this.policy = {
      defaultBranch: options.defaultBranch ?? 'main',
      stagingBranch: options.stagingBranch ?? 'staging',
      shaLength: options.shaLength ?? 7,
      fullShaTag: options.fullShaTag ?? false,
    };
    integer('ImageTagScript', 'shaLength', this.policy.shaLength, 7, 40);
    check(typeof this.policy.fullShaTag === 'boolean', 'ImageTagScript', 'fullShaTag', this.policy.fullShaTag, 'true or false');
    const task = taskName('ImageTagScript', 'taskName', options.taskName ?? 'image-tags', project.tasks.all.map((t) => t.name));
    branchPair('ImageTagScript', this.policy);
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
