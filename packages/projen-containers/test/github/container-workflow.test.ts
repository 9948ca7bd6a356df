/**
 * ContainerWorkflow, the base of the package's workflows: the project's GitHub component found
 * (or a clear error), name and runner label checked, `contents: read` at the top, jobs rendered at
 * synth, a summary the build guide lists; and a workflow written outside the package, with the
 * exported API only, that gets all of it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { github, Project, Testing, typescript } from 'projen';
import { parse } from 'yaml';
import * as pkg from '../../src';
import { REPO_ROOT, tempOutdir, treeHash } from '../fixtures';

const IMAGES = [{ service: 'api', context: 'api', dockerfile: 'api/Dockerfile', image: 'acme/api' }] as never;

interface NightlyOptions { readonly name?: string; readonly runsOn?: string; readonly what?: string; readonly callee?: pkg.ContainerWorkflow }

/** A workflow of a stranger's project: only what the package exports. */
class NightlyTests extends pkg.ContainerWorkflow {
  public renders = 0;

  constructor(project: Project, private readonly options: NightlyOptions = {}) {
    super(project, { name: options.name ?? 'nightly-tests', runsOn: options.runsOn });
    this.workflow.on({ schedule: [{ cron: '0 3 * * *' }] });
  }

  protected renderJobs(): Record<string, github.workflows.Job | github.workflows.JobCallingReusableWorkflow> {
    this.renders++;
    const test: github.workflows.Job = {
      runsOn: this.runsOn,
      timeoutMinutes: 30,
      permissions: { contents: github.workflows.JobPermission.READ },
      steps: [{ name: 'Test', run: 'npm test' }],
    };
    return this.options.callee ? { test, call: { uses: this.call(this.options.callee), permissions: {} } } : { test };
  }

  protected renderSummary(): pkg.WorkflowSummary {
    return { when: 'every night (`0 3 * * *`, UTC)', what: this.options.what ?? 'runs every test, the slow ones too' };
  }
}

/** Every workflow of the package on one project, as .projenrc.ts declares them. */
function system(outdir = tempOutdir(), root?: (outdir: string) => github.GitHubProject) {
  writeFileSync(path.join(outdir, 'github-actions.lock.json'), readFileSync(path.join(REPO_ROOT, 'github-actions.lock.json')));
  const project = root?.(outdir) ?? new github.GitHubProject({ name: 'p', outdir });
  const pins = new pkg.ActionPins(project);
  const tags = new pkg.ImageTagScript(project);
  const trivyIgnore = new pkg.TrivyIgnore(project);
  const publishScript = new pkg.PublishScript(project);
  const reusable = new pkg.ReusableBuildWorkflow(project, { pins, registry: { kind: 'ecr' }, tagScript: tags, publishScript, trivyIgnore });
  const ci = new pkg.ImageCiWorkflow(project, { pins, reusable, images: () => IMAGES, tagPolicy: tags.policy, sharedPaths: [tags.path] });
  const scan = new pkg.DeployedScanWorkflow(project, { pins, reusable, images: () => IMAGES });
  const pinWorkflows = new pkg.PinWorkflows(project, { pins });
  return { project, pins, tags, trivyIgnore, publishScript, reusable, ci, scan, pinWorkflows };
}

describe('the package\'s workflows are ContainerWorkflows', () => {
  test('of() lists them in the order declared, each with its file and a summary of one line each', () => {
    const s = system();
    const all = pkg.ContainerWorkflow.of(s.project);
    expect(all).toEqual([s.reusable, s.ci, s.scan, s.pinWorkflows.updateWorkflow, s.pinWorkflows.syncWorkflow]);
    const names = ['reusable-build', 'images', 'scan-deployed', 'update-base-images', 'dependabot-sync'];
    expect(all.map((w) => w.path)).toEqual(names.map((n) => `.github/workflows/${n}.yml`));
    expect(all.map((w) => w.fileName)).toEqual(all.map((w) => `${w.name}.yml`));
    const pin = s.pinWorkflows;
    expect([pin.updateWorkflowFile, pin.syncWorkflowFile]).toEqual([pin.updateWorkflow.path, pin.syncWorkflow.path]);
    for (const w of all) {
      expect(w.summary.when).toMatch(/^[^\n]+$/);
      expect(w.summary.what).toMatch(/^[^\n]+$/);
    }
    expect(s.scan.summary.when).toBe('daily (`0 6 * * *`, UTC), or by hand');
    expect(s.pinWorkflows.updateWorkflow.summary.when).toBe('weekly, or by hand');
  });

  test('the image workflow calls the reusable build: the call is recorded, and the reusable build says who calls it', () => {
    const s = system();
    expect(s.ci.calls).toEqual([s.reusable]);
    expect(s.reusable.callers).toEqual([s.ci]);
    expect(s.reusable.summary.when).toBe('called by `.github/workflows/images.yml`');
    const images = parse(String(Testing.synth(s.project)['.github/workflows/images.yml']));
    expect(images.jobs.api.uses).toBe('./.github/workflows/reusable-build.yml');
  });

  test('every one grants nothing but contents: read at the top level', () => {
    const files = Testing.synth(system().project);
    for (const f of ['reusable-build', 'images', 'scan-deployed', 'update-base-images', 'dependabot-sync']) {
      expect(parse(String(files[`.github/workflows/${f}.yml`])).permissions).toEqual({ contents: 'read' });
    }
  });

  test('the schedule in a summary says what runs when it is not the default', () => {
    const outdir = tempOutdir();
    writeFileSync(path.join(outdir, 'github-actions.lock.json'), readFileSync(path.join(REPO_ROOT, 'github-actions.lock.json')));
    const project = new github.GitHubProject({ name: 'p', outdir });
    const pins = new pkg.ActionPins(project);
    expect(new pkg.PinWorkflows(project, { pins, schedule: '0 4 * * *' }).updateWorkflow.summary.when).toBe('on a schedule (`0 4 * * *`, UTC), or by hand');
  });
});

describe('a project without GitHub: one clear error naming the component and what to do', () => {
  const noGitHub = () => new Project({ name: 'plain', outdir: tempOutdir() });
  const needsGitHub = (component: string) => new RegExp(`^${component}: the project "plain" has no GitHub component, so ${component} cannot write its workflow: `
    + 'declare it on the repository\'s root project, with GitHub on \\(`github: true`');

  test.each<[string, (p: Project) => unknown]>([
    ['ReusableBuildWorkflow', (p) => new pkg.ReusableBuildWorkflow(p, {
      pins: new pkg.ActionPins(p), registry: { kind: 'ghcr' }, tagScript: new pkg.ImageTagScript(p), publishScript: new pkg.PublishScript(p), trivyIgnore: new pkg.TrivyIgnore(p),
    })],
    ['ImageCiWorkflow', (p) => new pkg.ImageCiWorkflow(p, { pins: new pkg.ActionPins(p), reusable: {} as never, images: () => [], tagPolicy: { defaultBranch: 'main', stagingBranch: false }, sharedPaths: [] })],
    ['DeployedScanWorkflow', (p) => new pkg.DeployedScanWorkflow(p, { pins: new pkg.ActionPins(p), reusable: {} as never, images: () => [] })],
    ['PinWorkflows', (p) => new pkg.PinWorkflows(p, { pins: new pkg.ActionPins(p) })],
    ['NightlyTests', (p) => new NightlyTests(p)],
  ])('%s', (component, make) => {
    expect(() => make(noGitHub())).toThrow(pkg.ConfigError);
    expect(() => make(noGitHub())).toThrow(needsGitHub(component));
  });

  test('a subproject has none of its own either: the error says to declare the workflow on the root project', () => {
    const root = new typescript.TypeScriptProject({ name: 'root', outdir: tempOutdir(), defaultReleaseBranch: 'main', jest: false, eslint: false });
    const sub = new typescript.TypeScriptProject({ name: 'sub', parent: root, outdir: 'sub', defaultReleaseBranch: 'main', jest: false, eslint: false });
    expect(() => new NightlyTests(sub)).toThrow('NightlyTests: the project "sub" has no GitHub component, so NightlyTests cannot write its workflow: declare it on the repository\'s root project');
  });
});

describe('a workflow written outside the package, with the exported API only', () => {
  const project = () => new github.GitHubProject({ name: 'p', outdir: tempOutdir() });

  test('gets its file, contents: read at the top, its jobs rendered once at synth, and a place in of()', () => {
    const p = project();
    const w = new NightlyTests(p);
    expect(w.renders).toBe(0);
    const files = Testing.synth(p);
    expect(w.renders).toBe(1);
    const yaml = parse(String(files['.github/workflows/nightly-tests.yml']));
    expect(yaml.permissions).toEqual({ contents: 'read' });
    expect(yaml.on).toEqual({ schedule: [{ cron: '0 3 * * *' }] });
    expect(yaml.jobs.test['runs-on']).toBe('ubuntu-24.04');
    expect(pkg.ContainerWorkflow.of(p)).toEqual([w]);
    expect(w.summary).toEqual({ when: 'every night (`0 3 * * *`, UTC)', what: 'runs every test, the slow ones too' });
  });

  test('a name with capitals is the file\'s name as given (projen alone would lowercase the file)', () => {
    const p = project();
    const w = new NightlyTests(p, { name: 'Nightly' });
    expect(w.fileName).toBe('Nightly.yml');
    expect(Object.keys(Testing.synth(p))).toContain('.github/workflows/Nightly.yml');
  });

  test.each<[string, (p: Project) => unknown, string]>([
    ['a name that is no file name', (p) => new NightlyTests(p, { name: '../escape' }), 'NightlyTests: name "../escape" is not allowed: letters, digits, "_" and "-", starting with a letter or "_".'],
    ['a runner label that is an expression', (p) => new NightlyTests(p, { runsOn: '${{ github.event.comment.body }}' }), 'NightlyTests: runsOn "${{ github.event.comment.body }}" is not allowed: a runner label'],
    ['a name another workflow has', (p) => {
      new NightlyTests(p);
      return new NightlyTests(p);
    }, 'NightlyTests: name "nightly-tests" is not allowed: a name no other workflow of the project has (.github/workflows/nightly-tests.yml is declared already).'],
    ['the name of projen\'s build workflow', (p) => new NightlyTests(p, { name: 'build' }), 'NightlyTests: name "build" is not allowed: a name no other workflow of the project has'],
  ])('%s is a ConfigError where it is declared', (_name, make, message) => {
    const p = new typescript.TypeScriptProject({ name: 'p', outdir: tempOutdir(), defaultReleaseBranch: 'main', jest: false, eslint: false });
    expect(() => make(p)).toThrow(pkg.ConfigError);
    expect(() => make(new typescript.TypeScriptProject({ name: 'p', outdir: tempOutdir(), defaultReleaseBranch: 'main', jest: false, eslint: false }))).toThrow(message);
  });

  test('an unknown option of the base is an error naming it and the accepted ones', () => {
    class Bare extends pkg.ContainerWorkflow {
      protected renderJobs() {
        return {};
      }
      protected renderSummary() {
        return { when: '-', what: '-' };
      }
    }
    expect(() => new Bare(project(), { name: 'bare', runson: 'x' } as never))
      .toThrow(/^Bare: workflow\.runson "x" is not allowed: not an option; workflow takes name, runsOn, concurrency, component\.$/);
  });

  test('a summary of more than one line is a ConfigError, found at synth before any file is written', () => {
    const outdir = tempOutdir();
    const w = new NightlyTests(new github.GitHubProject({ name: 'p', outdir }), { what: 'runs every test\nand more' });
    const message = 'NightlyTests: summary.what "runs every test\\nand more" is not allowed: one line of text, with no newline or other control character.';
    expect(() => w.summary).toThrow(message);
    const before = treeHash(outdir);
    expect(() => w.project.synth()).toThrow(message);
    expect(treeHash(outdir)).toBe(before);
  });

  test('the build guide lists it, and a workflow it calls right after it, from their summaries', () => {
    const outdir = tempOutdir();
    writeFileSync(path.join(outdir, 'base-images.lock.json'), JSON.stringify({ 'node:24-alpine': { digest: `sha256:${'e'.repeat(64)}` } }));
    const s = system(outdir, (dir) => new typescript.TypeScriptProject({ name: 'root', outdir: dir, defaultReleaseBranch: 'main', jest: false, eslint: false }));
    const api = new typescript.TypeScriptProject({ name: 'api', parent: s.project, outdir: 'api', defaultReleaseBranch: 'main', jest: false, eslint: false });
    const images = new pkg.DockerImages(s.project, { namespace: 'acme' }).addBaseImage('node', { repository: 'node', tag: '24-alpine', buildArg: 'NODE_IMAGE' });
    images.addService(api, { kind: pkg.ImageKind.NODE_SERVICE, port: 8080, healthPath: '/livez', sizeBudget: '150MB' });
    // Declared before the workflow that calls it: the guide still lists it after its caller.
    const callee = new NightlyTests(s.project, { name: 'nightly-callee', what: 'the part the nightly run calls' });
    new NightlyTests(s.project, { callee });
    new pkg.BuildGuide(s.project, { images, tags: s.tags, reusable: s.reusable, ci: s.ci, trivyIgnore: s.trivyIgnore, buildWorkflowFile: '.github/workflows/build.yml' });
    const guide = String(Testing.synth(s.project)['docs/docker-build-guide.md']);
    const table = guide.slice(guide.indexOf('| workflow | when | what |'));
    const rows = table.slice(0, table.indexOf('\n\n')).split('\n').slice(2);
    expect(rows.map((r) => r.split(' | ')[0])).toEqual([
      'images', 'reusable-build', 'scan-deployed', 'update-base-images', 'dependabot-sync', 'nightly-tests', 'nightly-callee', 'build',
    ].map((n) => `| \`.github/workflows/${n}.yml\``));
    expect(rows).toContain('| `.github/workflows/nightly-tests.yml` | every night (`0 3 * * *`, UTC) | runs every test, the slow ones too |');
    expect(rows).toContain('| `.github/workflows/nightly-callee.yml` | every night (`0 3 * * *`, UTC) | the part the nightly run calls |');
  });
});
