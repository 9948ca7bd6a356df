import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { FileBase, IResolver, Project } from 'projen';
import { computeTags, TagPolicyOptions } from './image-tags/policy';
import { GENERATED_MARKER } from './marker';

/** Options of {@link ImageTagScript}. */
export interface ImageTagScriptOptions extends TagPolicyOptions {
  /** Where the script is written, relative to the project. @default 'scripts/image-tags.mjs' */
  readonly path?: string;
  /** Name of the projen task that runs the script. @default 'image-tags' */
  readonly taskName?: string;
}

const SOURCE_DIR = path.join(__dirname, 'image-tags');

/**
 * The image tag script: the tag logic of `projenrc/image-tags/` bundled by esbuild into one
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
    const filePath = options.path ?? 'scripts/image-tags.mjs';
    super(project, filePath, { readonly: true, executable: true });
    this.policy = {
      defaultBranch: options.defaultBranch ?? 'main',
      stagingBranch: options.stagingBranch ?? 'staging',
      shaLength: options.shaLength ?? 7,
      fullShaTag: options.fullShaTag ?? false,
    };
    // Fail at synth, with the option's name, rather than in every build.
    computeTags({ sha: '0'.repeat(40), refType: 'branch', refName: 'x', event: 'push', now: new Date(0) }, this.policy);
    for (const [name, value] of [['defaultBranch', this.policy.defaultBranch], ['stagingBranch', this.policy.stagingBranch]] as const) {
      if (!value || /\s/.test(value)) throw new Error(`ImageTagScript: ${name} "${value}" is not a branch name.`);
    }
    this.path = filePath;
    this.command = `node ${filePath}`;
    // An argv, not a shell line: the arguments after `--` reach the script as typed (`--title "My App"`
    // stays one argument). The exit status does not: projen's task runner turns every failure into 1,
    // whatever the step exits with (`process.exit(1)` in its run-task command), and no task option
    // changes that. The script's help says so; callers that need the status run `this.command`.
    project.addTask(options.taskName ?? 'image-tags', {
      description: 'Print the tags of an image for the current build (--help for options)',
      execArgs: ['node', filePath],
      receiveArgs: true,
    });
  }

  protected synthesizeContent(_resolver: IResolver): string {
    const result = buildSync({
      stdin: {
        contents: `import { main } from './cli';\nmain(${JSON.stringify(this.policy)});\n`,
        resolveDir: SOURCE_DIR,
        sourcefile: 'image-tags-entry.ts',
        loader: 'ts',
      },
      absWorkingDir: path.dirname(SOURCE_DIR),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      write: false,
      legalComments: 'none',
      banner: {
        js: [
          '#!/usr/bin/env node',
          `// ${GENERATED_MARKER}`,
          '// The image tag script: projenrc/image-tags/*.ts bundled by esbuild, with the tag policy of .projenrc.ts.',
          `// Run \`${this.command} --help\`. Change the sources or .projenrc.ts, never this file.`,
        ].join('\n'),
      },
    });
    return result.outputFiles[0].text;
  }
}
