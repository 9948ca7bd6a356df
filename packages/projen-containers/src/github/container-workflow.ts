import { Component, github, Project } from 'projen';
import { checkProject } from '../project-check';
import { check, ConfigError, identifier, knownKeys, optionKeys, runnerLabel } from '../validate';

/** When a workflow runs and what it does, one line each: what the docs list for it. */
export interface WorkflowSummary {
  /** When it runs, in words: its events (`pull requests; pushes to \`main\``), or who calls it. */
  readonly when: string;
  /** What it does, in words. */
  readonly what: string;
}

/** Options of {@link ContainerWorkflow}: what every workflow of the package is declared with. */
export interface ContainerWorkflowOptions {
  /**
   * The workflow's name, which is also its file's: `.github/workflows/<name>.yml`. Letters,
   * digits, `_` and `-`, starting with a letter or `_`; no other workflow of the project has it.
   */
  readonly name: string;
  /** Runner label of the workflow's jobs (see {@link ContainerWorkflow.runsOn}). @default 'ubuntu-24.04' */
  readonly runsOn?: string;
  /** The concurrency group of the workflow's runs, and whether a new run cancels the one in progress. @default none: every run starts at once */
  readonly concurrency?: github.ConcurrencyOptions;
  /**
   * The component error messages name: the one the user declared, when it declares this workflow
   * for its own (as {@link PinWorkflows} does its two).
   * @default the class's name
   */
  readonly component?: string;
}

/** Every option of {@link ContainerWorkflowOptions}: any other key is an error. */
const OPTION_KEYS = optionKeys<ContainerWorkflowOptions>({ name: true, runsOn: true, concurrency: true, component: true });

/**
 * One GitHub Actions workflow of the project, `.github/workflows/<name>.yml`: the base of every
 * workflow of projen-containers, and of any written outside the package. It finds projen's GitHub
 * component (a clear error when the project has none), checks the name and the runner label,
 * creates the workflow, grants nothing at the top level but `contents: read` (each job asks for
 * what it uses), and says when the workflow runs and what it does, for the docs.
 *
 * A subclass sets the workflow's events in its constructor (`this.workflow.on(...)`) and gives its
 * jobs in {@link renderJobs} and its summary in {@link renderSummary}, both read at synth, once
 * every component of the project is declared; a job that calls a reusable workflow of the project
 * names it with {@link call}. {@link ContainerWorkflow.of} lists the project's
 * workflows of this base.
 *
 * ```ts
 * class NightlyTests extends ContainerWorkflow {
 *   constructor(project: Project) {
 *     super(project, { name: 'nightly-tests' });
 *     this.workflow.on({ schedule: [{ cron: '0 3 * * *' }] });
 *   }
 *   protected renderJobs() {
 *     return { test: { runsOn: this.runsOn, timeoutMinutes: 30, permissions: { contents: github.workflows.JobPermission.READ }, steps: [...] } };
 *   }
 *   protected renderSummary() {
 *     return { when: 'every night', what: 'runs every test, the slow ones too' };
 *   }
 * }
 * ```
 */
export abstract class ContainerWorkflow extends Component {
  /** The project's workflows of this base, in the order they were declared. */
  public static of(project: Project): ContainerWorkflow[] {
    return project.components.filter((c): c is ContainerWorkflow => c instanceof ContainerWorkflow);
  }

  /** The workflow's name (its file's name without `.yml`). */
  public readonly name: string;
  /** The workflow's file name, `<name>.yml`. */
  public readonly fileName: string;
  /** The workflow's file, relative to the repository root: `.github/workflows/<name>.yml`. */
  public readonly path: string;
  /** The runner labels of its jobs. */
  public readonly runsOn: string[];
  /** projen's workflow: events (`on`), jobs and overrides. */
  public readonly workflow: github.GithubWorkflow;
  /** The component error messages name. */
  protected readonly component: string;
  private readonly called: ContainerWorkflow[] = [];
  private jobsAdded = false;

  constructor(project: Project, options: ContainerWorkflowOptions) {
    const component = options?.component ?? new.target.name;
    checkProject(component, project);
    super(project);
    knownKeys(component, 'workflow', options, OPTION_KEYS);
    this.component = component;
    const gh = github.GitHub.of(project);
    if (!gh) {
      throw new ConfigError(`${component}: the project "${project.name}" has no GitHub component, so ${component} cannot write its workflow: `
        + 'declare it on the repository\'s root project, with GitHub on (`github: true`, the default of projen\'s Node.js projects and of github.GitHubProject; a plain Project has none).');
    }
    this.name = identifier(component, 'name', options.name);
    this.fileName = `${this.name}.yml`;
    this.path = `.github/workflows/${this.fileName}`;
    const taken = gh.tryFindWorkflow(this.name) ?? project.tryFindFile(this.path);
    check(!taken, component, 'name', this.name, `a name no other workflow of the project has (${this.path} is declared already)`);
    this.runsOn = [runnerLabel(component, 'runsOn', options.runsOn ?? 'ubuntu-24.04')];
    this.workflow = new github.GithubWorkflow(gh, this.name, {
      // Given, not derived: projen would lowercase the name, and `fileName` would name another file.
      fileName: this.fileName,
      ...(options.concurrency ? { limitConcurrency: true, concurrencyOptions: options.concurrency } : {}),
    });
    // Nothing but reading the repository at the top level: each job asks for what it uses.
    this.workflow.file?.addOverride('permissions', { contents: 'read' });
  }

  /** The workflows of the project this one calls (`uses: ./.github/workflows/...`). */
  public get calls(): readonly ContainerWorkflow[] {
    return [...this.called];
  }

  /** The workflows of the project that call this one. */
  public get callers(): ContainerWorkflow[] {
    return ContainerWorkflow.of(this.project).filter((w) => w.called.includes(this));
  }

  /** When the workflow runs and what it does, one line each (what the docs list), from {@link renderSummary}. */
  public get summary(): WorkflowSummary {
    const { when, what } = this.renderSummary();
    for (const [option, value] of [['summary.when', when], ['summary.what', what]]) {
      check(typeof value === 'string' && value.trim() !== '' && !/[\u0000-\u001f\u007f\u2028\u2029]/.test(value), this.component, option, value,
        'one line of text, with no newline or other control character');
    }
    return { when, what };
  }

  /**
   * Adds the jobs of {@link renderJobs}, once (components declared after this one are known by
   * then), and checks the summary, before any file is written. A subclass that overrides it calls
   * `super.preSynthesize()`.
   */
  public preSynthesize(): void {
    if (this.jobsAdded) return;
    this.jobsAdded = true;
    this.workflow.addJobs(this.renderJobs());
    void this.summary;
  }

  /**
   * Calls `workflow`, a reusable workflow (`on: workflow_call`) of this project: returns what a
   * job's `uses:` names, `./.github/workflows/<file>` (the form GitHub's docs and actionlint
   * use), and records the call, so that the docs list `workflow` after this one and say who calls it.
   */
  protected call(workflow: ContainerWorkflow): string {
    if (!this.called.includes(workflow)) this.called.push(workflow);
    return `./${workflow.path}`;
  }

  /** The workflow's jobs, by job id: read at synth, once. */
  protected abstract renderJobs(): Record<string, github.workflows.Job | github.workflows.JobCallingReusableWorkflow>;

  /** When the workflow runs and what it does, one line each: read at synth, when the docs are written. */
  protected abstract renderSummary(): WorkflowSummary;
}
