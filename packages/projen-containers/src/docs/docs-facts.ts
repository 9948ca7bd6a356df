/**
 * What the docs describe, and what they derive from it: every name a sentence uses (product,
 * branches, services, files, tasks, workflows) comes from here, that is from the components that
 * own it, and a section about something the project does not have is left out.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { javascript, Project, python, typescript } from 'projen';
import { ProjenrcFile } from 'projen/lib/projenrc';
import { DEPENDENCY_PINS_FILE, readDependencyPins } from '../dependency-pins';
import type { DockerBenchmark } from '../docker/docker-benchmark';
import type { DockerImages } from '../docker/docker-images';
import { ImageKind } from '../docker/kinds';
import type { DependabotConfig } from '../github/dependabot-config';
import type { DeployedScanWorkflow } from '../github/deployed-scan-workflow';
import type { ImageCiWorkflow } from '../github/image-ci-workflow';
import type { PinWorkflows } from '../github/pin-workflows';
import type { ReusableBuildWorkflow } from '../github/reusable-build-workflow';
import type { TrivyIgnore } from '../github/trivy-ignore';
import type { ImageTagScript } from '../image-tag-script';
import { COMMANDS } from '../lib/commands';
import type { ImageManifestEntry } from '../lib/images-manifest';
import { check, ConfigError, optionKeys, repoPath } from '../validate';

/**
 * Scripts of the repository itself (written by hand, not generated) that the docs may send a
 * reader to. The docs name only those given here, and each must exist when the docs are written.
 */
export interface DocsRepositoryScripts {
  /**
   * A script to source before the first build (`. tools/docker-env.sh`) that gets a Docker engine
   * and base images where the machine has none, and changes nothing where Docker works.
   * @default none: the guide names no such script
   */
  readonly dockerEnv?: string;
  /**
   * A script that installs the pinned Trivy and cosign (`bash tools/install-linters.sh --with-trivy --with-cosign`),
   * the releases the workflows use.
   * @default none: the guide names no such script
   */
  readonly installTools?: string;
  /**
   * A script that starts a registry on this machine (`bash tools/local-registry.sh start PORT`, `stop`).
   * @default none: the guide names no such script
   */
  readonly localRegistry?: string;
}

/** The configuration the docs describe: the same objects that render the Dockerfiles and workflows. */
export interface DocsFacts {
  /** The images: services, kinds, bases, budgets, the base-image lock file. */
  readonly images: DockerImages;
  /** The image tag script: its path, task and tag policy (default branch, staging branch if any). */
  readonly tags: ImageTagScript;
  /** The reusable build workflow: registry, Trivy, cosign, budgets. */
  readonly reusable: ReusableBuildWorkflow;
  /** Accepted Trivy findings. */
  readonly trivyIgnore: TrivyIgnore;
  /**
   * The name the docs call the project by, e.g. `QUALISYS` ("How the QUALISYS images are built").
   * @default the root project's name
   */
  readonly productName?: string;
  /** The image workflow, when the guide describes CI. @default none */
  readonly ci?: ImageCiWorkflow;
  /** The daily scan of deployed images. @default none (no section on it) */
  readonly deployedScan?: DeployedScanWorkflow;
  /** The workflows that move pins by pull request. @default none (no section on them) */
  readonly pinWorkflows?: PinWorkflows;
  /** Dependabot's configuration. @default none (no sentence on Dependabot's cooldown) */
  readonly dependabot?: DependabotConfig;
  /** projen's build workflow file, e.g. `.github/workflows/build.yml`. @default none (no drift check named) */
  readonly buildWorkflowFile?: string;
  /** The build benchmark, when there is one. @default none (no benchmark section) */
  readonly benchmark?: DockerBenchmark;
  /** Repository scripts the docs may name. @default none named */
  readonly repositoryScripts?: DocsRepositoryScripts;
}

/** A package whose installed version a base image's tag follows. */
export interface FollowedPackage {
  readonly package: string;
  /** The base image's repository, e.g. `mcr.microsoft.com/playwright`. */
  readonly repository: string;
  /** The service folders that install it. */
  readonly contexts: readonly string[];
}

/** The facts resolved once per render: what every sentence takes its names from. */
export interface DocsContext {
  readonly facts: DocsFacts;
  readonly project: Project;
  readonly product: string;
  /** `.projenrc.ts`, `.projenrc.py`, ...: the file the project is configured in. */
  readonly projenrc: string;
  readonly images: ImageManifestEntry[];
  readonly defaultBranch: string;
  /** The staging branch, or undefined when the tag policy has no staging. */
  readonly stagingBranch?: string;
  readonly scripts: DocsRepositoryScripts;
  /** The task that prints an image's tags (ImageTagScript's), when found. */
  readonly tagTask?: string;
  /** The task that runs the local twin of the workflows, when the project has one. */
  readonly ciLocalTask?: string;
  /** `dependency-pins.json` when it pins something, with the packages base images follow. */
  readonly dependencyPins?: string;
  readonly followed: readonly FollowedPackage[];
  /** At least one service is a Node.js project (npm lockfile, node_modules). */
  readonly nodeServices: boolean;
  /** The command that installs the root's dependencies from its lockfile, for a Node.js root. */
  readonly install?: string;
  /** The project has a README at its root. */
  readonly readme: boolean;
  /** The task of that name, when the project has it. */
  task(name: string): { readonly name: string; readonly description?: string } | undefined;
}

/** The task whose steps run `command` (an `exec` or an `execArgs` joined by spaces). */
export function taskRunning(project: Project, command: string): string | undefined {
  return project.tasks.all.find((t) => t.steps.some((s) => s.exec === command || s.execArgs?.join(' ') === command))?.name;
}

/** A file of the repository: generated by the project, or already on disk. */
export function repositoryFileExists(project: Project, file: string): boolean {
  return project.tryFindFile(file) !== undefined || existsSync(path.join(project.outdir, file));
}

const FROZEN_INSTALL: Record<string, string> = {
  [javascript.NodePackageManager.NPM]: 'npm ci',
  [javascript.NodePackageManager.YARN_CLASSIC]: 'yarn install --frozen-lockfile',
  [javascript.NodePackageManager.YARN]: 'yarn install --frozen-lockfile',
  [javascript.NodePackageManager.YARN2]: 'yarn install --immutable',
  [javascript.NodePackageManager.YARN_BERRY]: 'yarn install --immutable',
  [javascript.NodePackageManager.PNPM]: 'pnpm install --frozen-lockfile',
  [javascript.NodePackageManager.BUN]: 'bun install --frozen-lockfile',
};

/**
 * Checks what the docs are given, before any file is written: the product name is one line of
 * text, and every repository script named is a path inside the repository that exists.
 */
export function checkDocsFacts(component: string, project: Project, f: DocsFacts): void {
  if (f.productName !== undefined) {
    check(typeof f.productName === 'string' && /^[^\s`*_[\]<>|#][^`*_[\]<>|\n\r]{0,79}$/.test(f.productName) && f.productName.trim() === f.productName,
      component, 'productName', f.productName, 'one line of 1 to 80 characters, without Markdown characters (` * _ [ ] < > | #) or surrounding spaces');
  }
  for (const [option, file] of Object.entries(f.repositoryScripts ?? {}) as [string, string | undefined][]) {
    if (file === undefined) continue;
    repoPath(component, `repositoryScripts.${option}`, file);
    if (!repositoryFileExists(project, file)) {
      throw new ConfigError(`${component}: repositoryScripts.${option} ${JSON.stringify(file)} is not allowed: a script that exists in the repository (the docs tell readers to run it); create it or leave the option out.`);
    }
  }
}

/** Resolves the facts the docs need from the components and the project. */
export function docsContext(project: Project, f: DocsFacts): DocsContext {
  const root = project.root;
  const policy = f.tags.policy as { readonly defaultBranch: string; readonly stagingBranch?: string | false | null };
  const pins = readDependencyPins(root.outdir);
  const followed: FollowedPackage[] = f.images.baseImageUsage().flatMap((u) => (u.follows ? [{
    package: u.follows.package,
    repository: u.repository,
    contexts: u.follows.directories.map((d) => d.directory.replace(/^\//, '')),
  }] : []));
  const isNode = (p: Project) => p instanceof javascript.NodeProject;
  return {
    facts: f,
    project: root,
    product: f.productName ?? root.name,
    projenrc: ProjenrcFile.of(root)?.filePath ?? '.projenrc.ts',
    images: f.images.manifest(),
    defaultBranch: policy.defaultBranch,
    ...(policy.stagingBranch ? { stagingBranch: policy.stagingBranch } : {}),
    scripts: f.repositoryScripts ?? {},
    tagTask: taskRunning(root, f.tags.command),
    ciLocalTask: taskRunning(root, COMMANDS.ciLocal.bin),
    ...(Object.keys(pins).length ? { dependencyPins: DEPENDENCY_PINS_FILE } : {}),
    followed,
    nodeServices: f.images.services.some((s) => isNode(s.serviceProject)),
    ...(root instanceof javascript.NodeProject ? { install: FROZEN_INSTALL[root.package.packageManager] ?? root.package.installCommand } : {}),
    readme: repositoryFileExists(root, 'README.md'),
    task: (name) => {
      const t = root.tasks.tryFind(name);
      return t ? { name: t.name, description: t.description } : undefined;
    },
  };
}

/** `kind: ImageKind.NODE_SERVICE` for a built-in kind, the kind's own variable otherwise. */
export function kindExpression(kindName: string): string {
  const key = Object.entries(ImageKind).find(([, k]) => k.name === kindName)?.[0];
  return key ? `ImageKind.${key}` : `myKind /* the kind registered as '${kindName}' */`;
}

/** The projen constructor call of a new subproject like `service` (TypeScript, Node.js, Python or plain). */
export function subprojectExpression(service: Project, outdir: string, defaultBranch: string): string {
  const common = `parent: project, outdir: '${outdir}', name: '${outdir}'`;
  if (service instanceof typescript.TypeScriptProject) return `new typescript.TypeScriptProject({ ${common}, defaultReleaseBranch: '${defaultBranch}' })`;
  if (service instanceof javascript.NodeProject) return `new javascript.NodeProject({ ${common}, defaultReleaseBranch: '${defaultBranch}' })`;
  if (service instanceof python.PythonProject) {
    return `new python.PythonProject({ ${common}, moduleName: '${outdir}', authorName: 'you', authorEmail: 'you@example.com', version: '0.1.0' })`;
  }
  return `new Project({ ${common} })`;
}

/** The generated documents, each by its role, so that they link to one another wherever they are written. */
export type DocRole = 'build-guide' | 'contributing' | 'remediation';

const DOCUMENTS = new WeakMap<Project, Map<DocRole, string>>();

/** Records where a document of the project is written. */
export function registerDoc(project: Project, role: DocRole, file: string): void {
  const docs = DOCUMENTS.get(project.root) ?? new Map<DocRole, string>();
  docs.set(role, file);
  DOCUMENTS.set(project.root, docs);
}

/** `[text](relative path)` from the document at `from` to the document of `role`, or undefined when the project has none. */
export function docLink(project: Project, from: string, role: DocRole, text: string, anchor = ''): string | undefined {
  const to = DOCUMENTS.get(project.root)?.get(role);
  return to ? `[${text}](${path.posix.relative(path.posix.dirname(from), to) || path.posix.basename(to)}${anchor})` : undefined;
}

/** `See also: a, b.` from the links that exist; nothing when none does. */
export function seeAlso(links: (string | undefined)[]): string[] {
  const found = links.filter((l): l is string => l !== undefined);
  return found.length ? [`See also: ${found.join(', ')}.`] : [];
}

/** A task's description as the end of a sentence: first letter lowercased, no final period. */
export function taskPhrase(c: DocsContext, name: string): string {
  const d = c.task(name)?.description ?? '';
  return (d.charAt(0).toLowerCase() + d.slice(1)).replace(/\.$/, '');
}

/** Every key of {@link DocsFacts}: any other is an error (a misspelt fact would leave a section out without a word). */
export const DOCS_FACT_KEYS = optionKeys<DocsFacts>({
  images: true,
  tags: true,
  reusable: true,
  trivyIgnore: true,
  productName: true,
  ci: true,
  deployedScan: true,
  pinWorkflows: true,
  dependabot: true,
  buildWorkflowFile: true,
  benchmark: true,
  repositoryScripts: true,
});
