import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { JsonFile, Project } from 'projen';
import { COMMANDS } from 'projen-containers';

/**
 * The version range of a package in the root's package.json (as projen resolved it at the last
 * install): the root declares each build and test dependency once, the package follows.
 */
function rootVersion(root: Project, name: string): string {
  const manifest = JSON.parse(readFileSync(path.join(root.outdir, 'package.json'), 'utf8'));
  const version = manifest.devDependencies?.[name] ?? manifest.dependencies?.[name];
  if (!version) throw new Error(`ContainersPackage: the root's package.json has no ${name}: add it to the root's devDeps in .projenrc.ts and run \`npx projen\`.`);
  return version;
}

/** Options of {@link ContainersPackage}. */
export interface ContainersPackageOptions {
  /** The repository's root project: it builds the package before every synth. */
  readonly parent: Project;
  /** The package's folder, relative to the root. @default 'packages/projen-containers' */
  readonly outdir?: string;
  /** The package's version. */
  readonly version: string;
  /** The projen releases it supports (a peer dependency: the project's own projen is used). */
  readonly projenVersion: string;
  /**
   * What its build and tests use, at the versions the root declares (one version each in the
   * repository): the package's package.json lists them as its devDependencies.
   */
  readonly devDependencies: readonly string[];
}

/**
 * The `projen-containers` package of this repository: its package.json (peer dependencies on
 * projen and constructs, no dependency of its own, one `bin` per command-line tool) and tsconfig.
 * It is an npm workspace of the root, so `npm ci` links it into node_modules and `.projenrc.ts`
 * imports it by name, as any project does. Its build (`tsc`, then the pre-bundled scripts) runs
 * before every synth: `npx projen` works on a fresh clone after `npm ci`, scripts or not.
 */
export class ContainersPackage extends Project {
  /** The package's name. */
  public readonly packageName = 'projen-containers';
  /** The command that builds it (incrementally) from the root. */
  public readonly buildCommand: string;

  constructor(options: ContainersPackageOptions) {
    super({ name: 'projen-containers', parent: options.parent, outdir: options.outdir ?? 'packages/projen-containers' });
    this.buildCommand = `npm run --silent --workspace ${this.packageName} build`;
    new JsonFile(this, 'package.json', {
      marker: false,
      obj: {
        name: this.packageName,
        version: options.version,
        description: 'Container images for projen projects: Dockerfiles from image kinds, base images pinned by digest, image tags, GitHub Actions workflows that build with BuildKit, scan with Trivy, sign and push, Dependabot and the docs.',
        keywords: ['projen', 'docker', 'dockerfile', 'container', 'buildkit', 'trivy', 'github-actions', 'ecr', 'ghcr'],
        license: 'Apache-2.0',
        main: 'lib/index.js',
        types: 'lib/index.d.ts',
        bin: Object.fromEntries(Object.values(COMMANDS).map((c) => [c.bin, `lib/tools/${c.file}.js`])),
        files: ['lib', '!lib/.tsbuildinfo', '!lib/**/*.d.ts.map', 'README.md', 'CHANGELOG.md', 'API.md'],
        scripts: {
          build: 'tsc -p tsconfig.json && node scripts/bundle.mjs',
          docs: 'typedoc',
          prepack: 'npm run build && npm run docs',
        },
        peerDependencies: { constructs: '^10.0.0', projen: options.projenVersion },
        devDependencies: () => Object.fromEntries(options.devDependencies.map((name) => [name, rootVersion(options.parent, name)])),
        engines: { node: '>= 20.0.0' },
      },
    });
    new JsonFile(this, 'tsconfig.json', {
      allowComments: true,
      obj: {
        compilerOptions: {
          rootDir: 'src',
          outDir: 'lib',
          declaration: true,
          esModuleInterop: true,
          // Source maps that point into src/, which the package does not ship: none.
          lib: ['es2022'],
          module: 'CommonJS',
          target: 'ES2022',
          strict: true,
          noFallthroughCasesInSwitch: true,
          noImplicitReturns: true,
          noUnusedLocals: true,
          noUnusedParameters: true,
          resolveJsonModule: true,
          stripInternal: true,
          skipLibCheck: true,
          types: ['node'],
          // Incremental: the build before every synth takes a few seconds when nothing changed.
          incremental: true,
          tsBuildInfoFile: 'lib/.tsbuildinfo',
        },
        include: ['src/**/*.ts'],
      },
    });
    // API.md, the API reference, from the JSDoc of what src/index.ts exports (in the published package).
    new JsonFile(this, 'typedoc.json', {
      allowComments: true,
      obj: {
        entryPoints: ['src/index.ts'],
        tsconfig: 'tsconfig.json',
        plugin: ['typedoc-plugin-markdown'],
        router: 'module',
        out: '.',
        cleanOutputDir: false,
        entryFileName: 'API.md',
        readme: 'none',
        disableSources: true,
        excludePrivate: true,
        excludeInternal: true,
        hidePageHeader: true,
        hideBreadcrumbs: true,
        logLevel: 'Error',
      },
    });
    this.gitignore.exclude('/API.md');
    // The tests' own configuration (type-checked by the root's compile, read by the linter).
    new JsonFile(this, 'test/tsconfig.json', {
      allowComments: true,
      obj: {
        extends: '../tsconfig.json',
        compilerOptions: { noEmit: true, rootDir: '..', incremental: false, types: ['jest', 'node'] },
        include: ['**/*.ts', '../src/**/*.ts'],
      },
    });
  }
}
