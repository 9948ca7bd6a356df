import * as path from 'node:path';
import { Project, Task } from 'projen';
import { ConfigError } from 'projen-containers';

/**
 * Appends to a root task a step that runs `task` of a subproject, in the subproject's folder.
 *
 * projen's root tasks never run subproject tasks by themselves; this wires them so that
 * `npx projen test` at the root fails when any service's tests fail.
 */
export function runSubprojectTask(rootTask: Task, subproject: Project, task: string): void {
  if (!subproject.tasks.tryFind(task)) {
    throw new ConfigError(`Subproject "${subproject.name}" has no task "${task}". Add it to the subproject in .projenrc.ts, or wire another task.`);
  }
  const cwd = path.relative(subproject.root.outdir, subproject.outdir);
  rootTask.exec(`projen ${task}`, { cwd, name: `${subproject.name}: ${task}` });
}
