import { Project } from 'projen';
import { ConfigError } from './validate';

/**
 * Checks that `project` is a project of the projen this package runs with. Two copies of projen
 * in one synth (the package resolving its own instead of the project's) make components fail in
 * obscure ways: GitHub not found, pins silently ignored. projen is a peer dependency for that
 * reason; this says what to fix when it happens anyway.
 */
export function checkProject(component: string, project: unknown): asserts project is Project {
  if (project instanceof Project) return;
  const looksLikeProject = !!project && typeof project === 'object' && 'outdir' in project && 'tasks' in project;
  if (!looksLikeProject) throw new ConfigError(`${component}: the first argument is not a projen project: pass the project (or subproject) the files belong to.`);
  throw new ConfigError(
    `${component}: the project comes from another copy of projen than the one projen-containers loads (${require.resolve('projen')}). `
    + 'Keep one copy: `npm ls projen` shows them; projen is a peer dependency of projen-containers, so install it once, in the project. '
    + 'A package linked from a folder (npm link, a file: dependency) finds its peer dependencies beside that folder: run projen with NODE_PRESERVE_SYMLINKS=1.',
  );
}
