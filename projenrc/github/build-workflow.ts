import { github, Project } from 'projen';

/** Options of {@link hardenBuildWorkflow}. */
export interface HardenBuildWorkflowOptions {
  /** Upper bound of the build job, in minutes. @default 30 */
  readonly timeoutMinutes?: number;
}

/**
 * Brings projen's own `build` workflow to the rules of every other workflow here: read-only
 * permissions, a timeout, and a checkout that keeps no credentials on disk. Use with
 * `buildWorkflowOptions.mutableBuild: false`, so a drift fails the build instead of being pushed.
 */
export function hardenBuildWorkflow(project: Project, options: HardenBuildWorkflowOptions = {}): void {
  const file = github.GitHub.of(project)?.tryFindWorkflow('build')?.file;
  if (!file) throw new Error('hardenBuildWorkflow: the project has no projen build workflow (buildWorkflow: true).');
  file.addOverride('permissions', { contents: 'read' });
  file.addOverride('jobs.build.permissions', { contents: 'read' });
  file.addOverride('jobs.build.timeout-minutes', options.timeoutMinutes ?? 30);
  file.addOverride('jobs.build.steps.0.with.persist-credentials', false);
}
