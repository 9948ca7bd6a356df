import { javascript, Project, typescript } from 'projen';
import { repoPath } from 'projen-containers';
import { recordTarballUrls } from './npm-lockfile';

/** Toolchain shared by the root project and every service, so all of them move together. */
export const TOOLCHAIN = {
  /** TypeScript 7 breaks ts-node and @typescript-eslint; stay on 6 until they catch up. */
  typescriptVersion: '~6.0.3',
  /** The Node.js the services run on in their images (Node 24 LTS). */
  nodeTypes: '@types/node@^24',
  /** What a developer machine must at least have to run projen and the tests. */
  minNodeVersion: '20.0.0',
} as const;

/** Options of one service subproject. */
export interface NodeServiceProjectOptions {
  /** The root project the service belongs to. */
  readonly parent: Project;
  /** Folder of the service, relative to the root (inside the repository). It is also the service's Docker build context. */
  readonly outdir: string;
  /** npm package name, e.g. `@qualisys/api`. */
  readonly name: string;
  /** One line saying what the service does. */
  readonly description: string;
  /** Runtime dependencies. @default [] */
  readonly deps?: string[];
  /** Build and test dependencies. @default [] */
  readonly devDeps?: string[];
  /** Use projen's jest set-up for unit tests. @default true */
  readonly jest?: boolean;
  /** Extra tsconfig compiler options, merged over projen's defaults. @default {} */
  readonly compilerOptions?: typescript.TypeScriptProjectOptions['tsconfig'] extends infer T ? T extends { compilerOptions?: infer C } ? C : never : never;
  /** Extra `.gitignore` patterns. @default [] */
  readonly gitignore?: string[];
}

/**
 * A TypeScript service of the monorepo: its own package.json, lockfile, tsconfig and tasks, all
 * generated from `.projenrc.ts`. No release, no npm package, no GitHub workflows of its own: the
 * root project builds, tests and ships it.
 */
export class NodeServiceProject extends typescript.TypeScriptProject {
  constructor(options: NodeServiceProjectOptions) {
    super({
      parent: options.parent,
      // The service's files are written there: never outside the repository.
      outdir: repoPath('NodeServiceProject', 'outdir', options.outdir),
      name: options.name,
      description: options.description,
      defaultReleaseBranch: 'main',
      packageManager: javascript.NodePackageManager.NPM,
      projenDevDependency: false,
      typescriptVersion: TOOLCHAIN.typescriptVersion,
      minNodeVersion: TOOLCHAIN.minNodeVersion,
      deps: options.deps,
      devDeps: [TOOLCHAIN.nodeTypes, ...(options.devDeps ?? [])],
      eslint: false,
      release: false,
      package: false,
      sampleCode: false,
      licensed: false,
      jest: options.jest ?? true,
      jestOptions: { updateSnapshot: javascript.UpdateSnapshot.NEVER },
      tsconfig: { compilerOptions: { target: 'ES2022', lib: ['es2022'], skipLibCheck: true, ...options.compilerOptions } },
      gitignore: ['/test-reports/', ...(options.gitignore ?? [])],
      readme: {
        contents: [
          `# ${options.name}`,
          '',
          `${options.description}.`,
          '',
          'Part of QUALISYS: see the [README](../README.md) for how to run, test and build it, and',
          '[CONTRIBUTING](../CONTRIBUTING.md) for how to change it. `npx projen test` here runs this service\'s tests.',
          '',
        ].join('\n'),
      },
    });
    recordTarballUrls(this);
  }

  /**
   * Makes `test` run Node's own test runner over `test/` after `compile`, printing a readable
   * report and writing `test-reports/junit.xml` for the summary line.
   */
  public useNodeTestRunner(): void {
    this.testTask.reset();
    this.testTask.spawn(this.compileTask);
    this.testTask.exec('mkdir -p test-reports');
    this.testTask.exec([
      'node --test',
      '--test-reporter=spec --test-reporter-destination=stdout',
      '--test-reporter=junit --test-reporter-destination=test-reports/junit.xml',
      'test/',
    ].join(' '));
  }
}
