/**
 * Rules every generated workflow must follow, as pure functions over a parsed workflow: each
 * returns the violations it finds (empty when the workflow is fine). The tests run them over the
 * generated workflows and over copies broken on purpose, so each rule is shown to catch its case.
 */
import { cron as cronSchedule } from '../validate';

export interface Violation {
  readonly rule: string;
  readonly where: string;
  readonly message: string;
}

type Obj = Record<string, any>;
type Workflow = Obj;

/** Contexts an attacker can shape (titles, branch names, dispatch inputs). */
const UNTRUSTED = /\$\{\{[^}]*\b(github\.event\.|github\.head_ref|inputs\.)/;

function jobs(wf: Workflow): [string, Obj][] {
  return Object.entries((wf.jobs ?? {}) as Obj);
}

function steps(wf: Workflow): [string, Obj][] {
  return jobs(wf).flatMap(([id, job]) => ((job.steps ?? []) as Obj[]).map((s, i): [string, Obj] => [`jobs.${id}.steps[${i}]${s.name ? ` (${s.name})` : ''}`, s]));
}

/** Every third-party action and reusable workflow from another repository is pinned by a full commit SHA. */
export function actionsPinnedBySha(wf: Workflow): Violation[] {
  const refs: [string, string][] = [
    ...steps(wf).filter(([, s]) => typeof s.uses === 'string').map(([w, s]): [string, string] => [w, s.uses]),
    ...jobs(wf).filter(([, j]) => typeof j.uses === 'string').map(([id, j]): [string, string] => [`jobs.${id}`, j.uses]),
  ];
  return refs
    .filter(([, uses]) => !uses.startsWith('./') && !uses.startsWith('docker://') && !/@[0-9a-f]{40}$/.test(uses))
    .map(([where, uses]) => ({ rule: 'pinned-actions', where, message: `${uses} is not pinned by a full commit SHA` }));
}

/** The workflow grants nothing by default, and every job says what it needs. */
export function leastPrivilege(wf: Workflow): Violation[] {
  const out: Violation[] = [];
  const top = wf.permissions;
  const readOnly = top === 'read-all' || (top && typeof top === 'object' && Object.values(top).every((v) => v === 'read' || v === 'none'));
  if (top === undefined || !(readOnly || (typeof top === 'object' && Object.keys(top).length === 0))) {
    out.push({ rule: 'permissions', where: 'permissions', message: 'top-level permissions must be {} or read-only' });
  }
  for (const [id, job] of jobs(wf)) {
    if (job.permissions === undefined) out.push({ rule: 'permissions', where: `jobs.${id}`, message: 'the job has no permissions block' });
    if (job.permissions === 'write-all') out.push({ rule: 'permissions', where: `jobs.${id}`, message: 'write-all is never needed' });
  }
  return out;
}

/** Every job that runs steps is bounded in time. */
export function timeouts(wf: Workflow): Violation[] {
  return jobs(wf)
    .filter(([, j]) => Array.isArray(j.steps) && typeof j['timeout-minutes'] !== 'number')
    .map(([id]) => ({ rule: 'timeout', where: `jobs.${id}`, message: 'the job has no timeout-minutes' }));
}

/** No untrusted context (event payload, head ref, inputs) is interpolated into a script; pass it through env. */
export function noUntrustedInterpolation(wf: Workflow): Violation[] {
  return steps(wf)
    .filter(([, s]) => typeof s.run === 'string' && /\$\{\{/.test(s.run) && UNTRUSTED.test(s.run))
    .map(([where]) => ({ rule: 'untrusted-context', where, message: 'run: interpolates untrusted context; pass it through env: instead' }));
}

/** Every Trivy scan fails the job on a finding. */
export function scansFail(wf: Workflow): Violation[] {
  return steps(wf)
    .filter(([, s]) => typeof s.uses === 'string' && s.uses.startsWith('aquasecurity/trivy-action@'))
    .filter(([, s]) => String(s.with?.['exit-code']) !== '1')
    .map(([where]) => ({ rule: 'scan-exit-code', where, message: 'a Trivy scan without exit-code: 1 never fails the build' }));
}

/** Runs after a failure but not after a cancel: `!cancelled()` (or `always()`). */
const AFTER_FAILURE = /!\s*cancelled\(\)|\balways\(\)/;

/**
 * SARIF uploads run even after a failed scan (their step, or their own job, says `!cancelled()`),
 * each with its own category.
 */
export function sarifUploads(wf: Workflow): Violation[] {
  const out: Violation[] = [];
  const seen = new Map<string, string>();
  for (const [jobId, job] of jobs(wf)) {
    for (const [i, s] of ((job.steps ?? []) as Obj[]).entries()) {
      if (typeof s.uses !== 'string' || !s.uses.startsWith('github/codeql-action/upload-sarif@')) continue;
      const where = `jobs.${jobId}.steps[${i}]${s.name ? ` (${s.name})` : ''}`;
      const ownJob = Array.isArray(job.needs) || typeof job.needs === 'string';
      if (!AFTER_FAILURE.test(String(s.if ?? '')) && !(ownJob && AFTER_FAILURE.test(String(job.if ?? '')))) {
        out.push({ rule: 'sarif-always', where, message: 'upload-sarif must run after a failed scan: if: !cancelled() on the step, or on its own job' });
      }
      const category = s.with?.category;
      if (!category) out.push({ rule: 'sarif-category', where, message: 'upload-sarif needs a category' });
      else if (seen.has(category)) out.push({ rule: 'sarif-category', where, message: `category "${category}" is also used by ${seen.get(category)}` });
      else seen.set(category, where);
    }
  }
  return out;
}

/** Scans and reports keep going after a failure but stop on a cancel: `always()` only where a job must report a cancel. */
export function noAlwaysOnSteps(wf: Workflow): Violation[] {
  return steps(wf)
    .filter(([, s]) => /\balways\(\)/.test(String(s.if ?? '')))
    .map(([where]) => ({ rule: 'no-always', where, message: 'if: always() keeps a step running after a cancel; use !cancelled()' }));
}

/** Every schedule is a cron GitHub runs as written: five fields, each within its bounds (the validator of the components). */
export function schedulesValid(wf: Workflow): Violation[] {
  const on = wf.on ?? wf[true as unknown as string];
  const schedules = (on && typeof on === 'object' && Array.isArray(on.schedule) ? on.schedule : []) as Obj[];
  return schedules.flatMap((s, i) => {
    try {
      cronSchedule('workflow', 'schedule', s?.cron);
      return [];
    } catch (e) {
      return [{ rule: 'cron', where: `on.schedule[${i}]`, message: (e as Error).message }];
    }
  });
}

/** Every job runs on fixed runner labels: no expression (a label taken from an event would pick the runner). */
export function runsOnLabels(wf: Workflow): Violation[] {
  return jobs(wf).filter(([, j]) => j['runs-on'] !== undefined).flatMap(([id, j]) => {
    const labels: unknown[] = Array.isArray(j['runs-on']) ? j['runs-on'] : [j['runs-on']];
    return labels.filter((l) => typeof l !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(l))
      .map((l) => ({ rule: 'runs-on', where: `jobs.${id}`, message: `runs-on ${JSON.stringify(l)} is not a runner label such as ubuntu-24.04` }));
  });
}

export const RULES = [
  actionsPinnedBySha, leastPrivilege, timeouts, noUntrustedInterpolation, scansFail, sarifUploads, noAlwaysOnSteps, schedulesValid, runsOnLabels,
];

export function checkWorkflow(wf: Workflow): Violation[] {
  return RULES.flatMap((rule) => rule(wf));
}
