import { Component, github, Project } from 'projen';
import { check, integer, knownKeys } from '../validate';

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
  knownKeys('hardenBuildWorkflow', 'options', options, ['timeoutMinutes']);
  const timeout = integer('hardenBuildWorkflow', 'timeoutMinutes', options.timeoutMinutes ?? 30, 1, 360);
  const file = github.GitHub.of(project)?.tryFindWorkflow('build')?.file;
  check(!!file, 'hardenBuildWorkflow', 'project', project.name, 'a project with projen\'s build workflow (github: true, buildWorkflow: true)');
  file!.addOverride('permissions', { contents: 'read' });
  file!.addOverride('jobs.build.permissions', { contents: 'read' });
  file!.addOverride('jobs.build.timeout-minutes', timeout);
  file!.addOverride('jobs.build.steps.0.with.persist-credentials', false);
  new QuotedMutationCheck(project);
}

/**
 * projen's "Find mutations" step writes to `>> $GITHUB_OUTPUT` unquoted, which shellcheck (run by
 * actionlint on GitHub's runners) reports as SC2086. Its position depends on the pre-build steps,
 * so it is found by name once every step is known.
 */
class QuotedMutationCheck extends Component {
  public preSynthesize(): void {
    const workflow = github.GitHub.of(this.project)?.tryFindWorkflow('build');
    const steps = (workflow?.getJob('build') as { steps?: unknown } | undefined)?.steps;
    const list = (typeof steps === 'function' ? steps() : steps) as github.workflows.JobStep[] | undefined;
    const index = list?.findIndex((s) => s.id === 'self_mutation') ?? -1;
    if (index < 0 || !list?.[index].run) throw new Error('hardenBuildWorkflow: projen\'s build workflow has no "Find mutations" step any more: review projen-containers/github/build-workflow (hardenBuildWorkflow) against this projen version.');
    workflow!.file!.addOverride(`jobs.build.steps.${index}.run`, list[index].run.replace(/>> \$GITHUB_OUTPUT/g, '>> "$GITHUB_OUTPUT"'));
  }
}
