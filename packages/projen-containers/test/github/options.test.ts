/**
 * Every option of the GitHub components is checked where it is declared: a bad value is a clear
 * error naming the component and the option, raised before any file is written; any value that
 * is accepted gives workflows that actionlint (with shellcheck) passes.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as fc from 'fast-check';
import { github, Testing } from 'projen';
import { parse as parseYaml } from 'yaml';
import { ActionPins } from '../../src/github/action-pins';
import { DependabotConfig, DependabotConfigOptions } from '../../src/github/dependabot-config';
import { DeployedScanWorkflow, DeployedScanWorkflowOptions } from '../../src/github/deployed-scan-workflow';
import { ImageCiWorkflow, ImageCiWorkflowOptions } from '../../src/github/image-ci-workflow';
import { PinWorkflows, PinWorkflowsOptions } from '../../src/github/pin-workflows';
import { PublishScript } from '../../src/github/publish-script';
import { ReusableBuildWorkflow, ReusableBuildWorkflowOptions } from '../../src/github/reusable-build-workflow';
import { TrivyIgnore } from '../../src/github/trivy-ignore';
import { runsOnLabels, schedulesValid } from '../../src/github/workflow-rules';
import { ImageTagScript } from '../../src/image-tag-script';
import { ConfigError } from '../../src/validate';
import { linter, REPO_ROOT, tempOutdir, treeHash } from '../fixtures';

interface Overrides {
  readonly tags?: ConstructorParameters<typeof ImageTagScript>[1];
  readonly reusable?: Partial<ReusableBuildWorkflowOptions>;
  readonly ci?: Partial<ImageCiWorkflowOptions>;
  readonly scan?: Partial<DeployedScanWorkflowOptions>;
  readonly publishPath?: string;
}

const IMAGES = [{ service: 'api', context: 'api', dockerfile: 'api/Dockerfile', image: 'acme/api' }] as never;

/** The GitHub side of the system in a fresh project, as .projenrc.ts declares it. */
function system(o: Overrides = {}, outdir = tempOutdir()) {
  writeFileSync(path.join(outdir, 'github-actions.lock.json'), readFileSync(path.join(REPO_ROOT, 'github-actions.lock.json')));
  const project = new github.GitHubProject({ name: 'p', outdir });
  const pins = new ActionPins(project);
  const tags = new ImageTagScript(project, o.tags);
  const trivyIgnore = new TrivyIgnore(project);
  const publishScript = new PublishScript(project, { path: o.publishPath });
  const reusable = new ReusableBuildWorkflow(project, { pins, registry: { kind: 'ecr' }, tagScript: tags, publishScript, trivyIgnore, trivyVersion: 'v0.74.0', cosignVersion: 'v3.1.3', ...o.reusable });
  const sharedPaths = [tags.path, publishScript.path];
  new ImageCiWorkflow(project, { pins, reusable, images: () => IMAGES, tagPolicy: tags.policy, sharedPaths, ...o.ci });
  new DeployedScanWorkflow(project, { pins, reusable, images: () => IMAGES, ...o.scan });
  return project;
}

function actionlint(files: Record<string, unknown>): string {
  const dir = tempOutdir();
  mkdirSync(path.join(dir, '.github', 'workflows'), { recursive: true });
  const names = ['images.yml', 'reusable-build.yml', 'scan-deployed.yml'].map((f) => `.github/workflows/${f}`).filter((f) => f in files);
  expect(names.length).toBeGreaterThanOrEqual(2);
  for (const f of names) writeFileSync(path.join(dir, f), String(files[f]));
  const r = linter('actionlint', ['-no-color', ...names], { cwd: dir });
  return r.stdout + r.stderr + (r.status === 0 ? '' : `exit ${r.status}`);
}

describe('each bad option is a clear error where it is declared', () => {
  test.each([
    [{ ci: { summaryJobName: 'all images' } }, 'ImageCiWorkflow: summaryJobName "all images" is not allowed: letters, digits, "_" and "-"'],
    [{ ci: { name: '../escape' } }, 'ImageCiWorkflow: name "../escape" is not allowed'],
    [{ ci: { sharedPaths: ['../outside'] } }, 'ImageCiWorkflow: sharedPaths "../outside" is not allowed: a relative path inside the repository'],
    [{ ci: { sharedPaths: ['a b.txt'] } }, 'ImageCiWorkflow: sharedPaths "a b.txt" is not allowed'],
    [{ ci: { tagPolicy: { defaultBranch: 'main; rm -rf /', stagingBranch: 'staging' } } }, 'ImageCiWorkflow: tagPolicy.defaultBranch "main; rm -rf /" is not allowed: a branch name'],
    [{ ci: { runsOn: 'ubuntu latest' } }, 'ImageCiWorkflow: runsOn "ubuntu latest" is not allowed: a runner label'],
    [{ reusable: { buildBudgetMinutes: 0 } }, 'ReusableBuildWorkflow: buildBudgetMinutes 0 is not allowed: a whole number from 1 to 360'],
    [{ reusable: { nodeVersion: 'lts/*' } }, 'ReusableBuildWorkflow: nodeVersion "lts/*" is not allowed: a Node.js version'],
    [{ reusable: { trivyVersion: 'latest' } }, 'ReusableBuildWorkflow: trivyVersion "latest" is not allowed: a release such as v0.74.0.'],
    [{ reusable: { trivyDbRepositories: ['ghcr.io/aquasecurity/trivy-db'] } }, 'ReusableBuildWorkflow: trivyDbRepositories "ghcr.io/aquasecurity/trivy-db" is not allowed: an OCI reference with a tag'],
    [{ reusable: { registry: { kind: 'ecr', roleArnVariable: 'aws-role' } } }, 'Registry: roleArnVariable "aws-role" is not allowed: UPPER_SNAKE_CASE'],
    [{ reusable: { registry: { kind: 'quay' as never } } }, 'Registry: kind "quay" is not allowed: "ecr", "ghcr", "docker-hub" or "custom"'],
    [{ scan: { schedule: 'daily' } }, 'DeployedScanWorkflow: schedule "daily" is not allowed: five cron fields'],
    [{ scan: { deployments: { staging: 'staging;' } } }, 'DeployedScanWorkflow: deployments.staging "staging;" is not allowed: a Docker tag prefix'],
    [{ publishPath: '/usr/local/bin/x.sh' }, 'PublishScript: path "/usr/local/bin/x.sh" is not allowed'],
  ] as [Overrides, string][])('%j', (o, message) => {
    expect(() => system(o)).toThrow(ConfigError);
    expect(() => system(o)).toThrow(message);
  });
});

describe('one source per setting: change it once, every generated file follows', () => {
  const mentions = (files: Record<string, unknown>, text: string) => Object.entries(files)
    .filter(([f, c]) => !f.startsWith('.projen/') && String(typeof c === 'string' ? c : JSON.stringify(c)).includes(text)).map(([f]) => f).sort();

  test('the tag script and publish script paths', () => {
    const files = Testing.synth(system({ tags: { path: 'tools/tags.mjs' }, publishPath: 'tools/publish.sh' }));
    expect(mentions(files, 'scripts/image-tags.mjs')).toEqual([]);
    expect(mentions(files, 'scripts/publish-image.sh')).toEqual([]);
    expect(mentions(files, 'node tools/tags.mjs')).toEqual(['.github/workflows/reusable-build.yml', 'tools/tags.mjs']);
    // Every workflow that runs it (and projen's lists of generated files).
    expect(mentions(files, 'tools/publish.sh')).toEqual(['.gitattributes', '.github/workflows/images.yml', '.github/workflows/reusable-build.yml', '.github/workflows/scan-deployed.yml', '.gitignore']);
    // A change to either script changes every image: it is among the paths that trigger a build.
    expect(String(files['.github/workflows/images.yml'])).toContain('decide api api tools/tags.mjs tools/publish.sh .github/workflows/images.yml .github/workflows/reusable-build.yml');
  });

  test('the default and staging branches', () => {
    const files = Testing.synth(system({ tags: { defaultBranch: 'trunk', stagingBranch: 'preprod' }, ci: {} }));
    const images = String(files['.github/workflows/images.yml']);
    expect(images).toContain('branches:\n      - trunk\n      - preprod\n');
    expect(images).toContain('STAGING_BRANCH: preprod');
    expect(mentions(files, 'staging')).toEqual(expect.not.arrayContaining(['tools/tags.mjs']));
    expect(String(files['scripts/image-tags.mjs'])).toContain('main({"defaultBranch":"trunk","stagingBranch":"preprod"');
    // latest follows .projenrc.ts, not the repository's default-branch setting.
    expect(mentions(files, 'default_branch')).toEqual([]);
  });
});

describe('DeployedScanWorkflow deployments: one matrix entry per image and deployment', () => {
  const include = (deployments?: Record<string, string>) => (parseYaml(String(Testing.synth(system({ scan: { deployments } }))['.github/workflows/scan-deployed.yml'])) as any).jobs.scan.strategy.matrix.include;

  test('by default staging (staging-) and production (production-v)', () => {
    expect(include()).toEqual([
      { service: 'api', image: 'acme/api', deployment: 'staging', prefix: 'staging-' },
      { service: 'api', image: 'acme/api', deployment: 'production', prefix: 'production-v' },
    ]);
  });

  test('the project\'s own deployments and prefixes, and actionlint passes the workflow', () => {
    const files = Testing.synth(system({ scan: { deployments: { qa: 'qa-', prod: 'release-' } } }));
    expect((parseYaml(String(files['.github/workflows/scan-deployed.yml'])) as any).jobs.scan.strategy.matrix.include).toEqual([
      { service: 'api', image: 'acme/api', deployment: 'qa', prefix: 'qa-' },
      { service: 'api', image: 'acme/api', deployment: 'prod', prefix: 'release-' },
    ]);
    expect(actionlint(files)).toBe('');
  });

  test.each([
    [{}, 'DeployedScanWorkflow: deployments {} is not allowed: at least one deployment'],
    [{ 'qa env': 'qa-' }, 'DeployedScanWorkflow: deployments "qa env" is not allowed'],
    [{ qa: '' }, 'DeployedScanWorkflow: deployments.qa "" is not allowed: a Docker tag prefix'],
  ])('%j: a clear error', (deployments, message) => {
    expect(() => system({ scan: { deployments } })).toThrow(ConfigError);
    expect(() => system({ scan: { deployments } })).toThrow(message);
  });
});

describe('a failed synth leaves the work tree as it was', () => {
  test('a bad option, declared after a good synth, changes no file and deletes none', () => {
    const dir = tempOutdir();
    system({}, dir).synth();
    const before = treeHash(dir);
    expect(readdirSync(path.join(dir, '.github', 'workflows'))).toEqual(expect.arrayContaining(['images.yml', 'reusable-build.yml', 'scan-deployed.yml']));
    expect(() => system({ ci: { sharedPaths: ['../../etc'] } }, dir).synth()).toThrow(ConfigError);
    expect(treeHash(dir)).toBe(before);
  });

  test('a value only known at synth (an image added later) is checked before projen deletes or writes anything', () => {
    const dir = tempOutdir();
    system({}, dir).synth();
    const before = treeHash(dir);
    const late = system({ ci: { images: () => [{ service: 'api', context: '../api', dockerfile: 'api/Dockerfile', image: 'acme/api' }] as never } }, dir);
    expect(() => late.synth()).toThrow('ImageCiWorkflow: path of api "../api" is not allowed: a plain path inside the repository');
    expect(treeHash(dir)).toBe(before);
  });
});

describe('whatever a string option holds: a clear error, or workflows that actionlint passes', () => {
  const accepted = (o: Overrides): Record<string, unknown> | undefined => {
    try {
      return Testing.synth(system(o));
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as Error).message).toMatch(/^\w+: .+ is not allowed: .+\.$|must be/);
      return undefined;
    }
  };
  const strings = fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('main', 'a b', "x'y", 'x"y', '$(id)', '`id`', '../x', 'ok-1', 'feature/x', 'UPPER', '', '-x'));

  test.each([
    ['summaryJobName', (v: string): Overrides => ({ ci: { summaryJobName: v } })],
    ['sharedPaths', (v: string): Overrides => ({ ci: { sharedPaths: [v] } })],
    ['defaultBranch', (v: string): Overrides => ({ ci: { tagPolicy: { defaultBranch: v, stagingBranch: 'staging' } } })],
    ['stagingBranch', (v: string): Overrides => ({ ci: { tagPolicy: { defaultBranch: 'main', stagingBranch: v } } })],
    ['roleArnVariable', (v: string): Overrides => ({ reusable: { registry: { kind: 'ecr', roleArnVariable: v } } })],
    ['deployment tag prefix', (v: string): Overrides => ({ scan: { deployments: { production: v } } })],
  ])('%s', (_, make) => {
    fc.assert(fc.property(strings, (v) => {
      const files = accepted(make(v));
      if (files) expect(actionlint(files)).toBe('');
    }), { numRuns: 25 });
  });
});

describe('PinWorkflows, DependabotConfig and the tag script branches: every option checked', () => {
  interface PinOverrides {
    readonly pin?: Partial<PinWorkflowsOptions>;
    readonly tags?: ConstructorParameters<typeof ImageTagScript>[1];
    readonly dependabot?: Partial<DependabotConfigOptions>;
  }
  function pinSystem(o: PinOverrides = {}, outdir = tempOutdir()) {
    writeFileSync(path.join(outdir, 'github-actions.lock.json'), readFileSync(path.join(REPO_ROOT, 'github-actions.lock.json')));
    const project = new github.GitHubProject({ name: 'p', outdir });
    const pins = new ActionPins(project);
    new ImageTagScript(project, o.tags);
    new PinWorkflows(project, { pins, ...o.pin });
    new DependabotConfig(project, { npmDirectories: () => ['/', '/api'], dockerDirectories: () => ['/api'], ...o.dependabot });
    return project;
  }
  const PIN_FILES = ['.github/workflows/update-base-images.yml', '.github/workflows/dependabot-sync.yml'];
  function lint(files: Record<string, unknown>): string {
    const dir = tempOutdir();
    mkdirSync(path.join(dir, '.github', 'workflows'), { recursive: true });
    for (const f of PIN_FILES) writeFileSync(path.join(dir, f), String(files[f]));
    // A self-hosted runner's label is the project's choice: actionlint knows GitHub's only.
    const r = linter('actionlint', ['-no-color', '-ignore', 'label ".+" is unknown', ...PIN_FILES], { cwd: dir });
    return r.stdout + r.stderr + (r.status === 0 ? '' : `exit ${r.status}`);
  }

  test.each([
    [{ pin: { updateBranch: 'main' } }, 'PinWorkflows: updateBranch "main" is not allowed: a branch of its own'],
    [{ pin: { updateBranch: 'release/2.0' } }, 'PinWorkflows: updateBranch "release/2.0" is not allowed: a branch of its own'],
    [{ pin: { updateBranch: 'refs/heads/chore/x' } }, 'PinWorkflows: updateBranch "refs/heads/chore/x" is not allowed'],
    // The branches of the project's tag script are found at synth, whatever their names.
    [{ tags: { defaultBranch: 'trunk', stagingBranch: 'preprod' }, pin: { updateBranch: 'preprod' } }, 'PinWorkflows: updateBranch "preprod" is not allowed: a branch of its own'],
    [{ pin: { runsOn: '${{ github.event.comment.body }}' } }, 'PinWorkflows: runsOn "${{ github.event.comment.body }}" is not allowed: a runner label'],
    [{ pin: { nodeVersion: '${{ github.head_ref }}' } }, 'PinWorkflows: nodeVersion "${{ github.head_ref }}" is not allowed: a Node.js version'],
    [{ pin: { schedule: '99 99 99 99 99' } }, 'PinWorkflows: schedule "99 99 99 99 99" is not allowed: five cron fields'],
    [{ pin: { schedule: '61 25 * * *' } }, 'PinWorkflows: schedule "61 25 * * *" is not allowed'],
    [{ pin: { app: { privateKeySecret: 'GITHUB_TOKEN' } } }, 'PinWorkflows: app.privateKeySecret "GITHUB_TOKEN" is not allowed: UPPER_SNAKE_CASE'],
    [{ pin: { app: { clientIdVariable: 'client-id' } } }, 'PinWorkflows: app.clientIdVariable "client-id" is not allowed'],
    [{ pin: { app: { clientId: 'X' } as never } }, 'PinWorkflows: app.clientId "X" is not allowed: not an option'],
    [{ pin: { allowedChanges: ['../x'] } }, 'PinWorkflows: allowedChanges "../x" is not allowed'],
    [{ pin: { allowedChanges: ['*'] } }, 'PinWorkflows: allowedChanges "*" is not allowed'],
    [{ pin: { allowedChanges: ['a|b) rm -rf / ;;'] } }, 'PinWorkflows: allowedChanges "a|b) rm -rf / ;;" is not allowed'],
    [{ tags: { defaultBranch: 'main', stagingBranch: 'main' } }, 'ImageTagScript: stagingBranch "main" is not allowed: a branch other than the default branch'],
    [{ tags: { defaultBranch: 'refs/heads/main' } }, 'ImageTagScript: defaultBranch "refs/heads/main" is not allowed: a branch name, short'],
    [{ dependabot: { interval: 'hourly' as never } }, 'DependabotConfig: interval "hourly" is not allowed'],
    [{ dependabot: { dockerDirectories: () => ['../../etc'] } }, 'DependabotConfig: dockerDirectories "../../etc" is not allowed'],
    [{ dependabot: { cooldownDays: 0 } }, 'DependabotConfig: cooldownDays 0 is not allowed: a whole number from 1 to 90.'],
  ] as [PinOverrides, string][])('%j', (o, message) => {
    expect(() => Testing.synth(pinSystem(o))).toThrow(ConfigError);
    expect(() => Testing.synth(pinSystem(o))).toThrow(message);
  });

  test('a bad update branch found at synth changes no file', () => {
    const dir = tempOutdir();
    pinSystem({}, dir).synth();
    const before = treeHash(dir);
    expect(() => pinSystem({ tags: { defaultBranch: 'trunk', stagingBranch: 'preprod' }, pin: { updateBranch: 'trunk' } }, dir).synth()).toThrow(ConfigError);
    expect(treeHash(dir)).toBe(before);
  });

  const strings = fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('main', 'a b', "x'y", '$(id)', '`id`', '../x', 'ok-1', 'feature/x', 'UPPER', 'GITHUB_X', '', '-x', '${{ github.head_ref }}', 'refs/heads/x', '24', '0 5 * * 1', '61 25 * * *'));
  const accepted = (o: PinOverrides): Record<string, unknown> | undefined => {
    try {
      return Testing.synth(pinSystem(o));
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as Error).message).toMatch(/^\w+: .+ is not allowed: .+\.$/s);
      return undefined;
    }
  };

  test.each([
    ['runsOn', (v: string): PinOverrides => ({ pin: { runsOn: v } })],
    ['nodeVersion', (v: string): PinOverrides => ({ pin: { nodeVersion: v } })],
    ['schedule', (v: string): PinOverrides => ({ pin: { schedule: v } })],
    ['updateBranch', (v: string): PinOverrides => ({ pin: { updateBranch: v } })],
    ['app.clientIdVariable', (v: string): PinOverrides => ({ pin: { app: { clientIdVariable: v } } })],
    ['app.privateKeySecret', (v: string): PinOverrides => ({ pin: { app: { privateKeySecret: v } } })],
    ['allowedChanges', (v: string): PinOverrides => ({ pin: { allowedChanges: [v] } })],
  ])('PinWorkflows %s: a ConfigError of the one shape, or workflows that actionlint passes', (_, make) => {
    fc.assert(fc.property(strings, (v) => {
      const files = accepted(make(v));
      if (files) expect(lint(files)).toBe('');
    }), { numRuns: 15 });
  });

  test('a schedule of in-bounds fields is accepted, and actionlint agrees', () => {
    const field = (lo: number, hi: number) => fc.oneof(fc.constant('*'), fc.integer({ min: lo, max: hi }).map(String), fc.integer({ min: 1, max: hi - lo + 1 }).map((s) => `*/${s}`));
    fc.assert(fc.property(fc.tuple(fc.oneof(fc.integer({ min: 0, max: 59 }).map(String), fc.constantFrom(5, 6, 10, 12, 15, 20, 30).map((s) => `*/${s}`)), field(0, 23), field(1, 31), field(1, 12), field(0, 6)), (f) => {
      const files = Testing.synth(pinSystem({ pin: { schedule: f.join(' ') } }));
      expect(lint(files)).toBe('');
    }), { numRuns: 10 });
  });

  test.each([
    ['interval', (v: string): PinOverrides => ({ dependabot: { interval: v as never } })],
    ['npmDirectories', (v: string): PinOverrides => ({ dependabot: { npmDirectories: () => [v] } })],
    ['dockerDirectories', (v: string): PinOverrides => ({ dependabot: { dockerDirectories: () => [v] } })],
    ['defaultBranch', (v: string): PinOverrides => ({ tags: { defaultBranch: v } })],
    ['stagingBranch', (v: string): PinOverrides => ({ tags: { stagingBranch: v } })],
  ])('%s: a ConfigError of the one shape, or a dependabot.yml with only safe values', (_, make) => {
    fc.assert(fc.property(fc.oneof(strings, fc.constantFrom('/', '/api', '/a/../..', 'daily', 'quarterly', 'staging')), (v) => {
      const files = accepted(make(v));
      if (!files) return;
      expect(String(files['.github/dependabot.yml'])).not.toMatch(/\.\.|\$\{\{/);
    }), { numRuns: 30 });
  });

  test('cooldownDays: whole days from 1 to 90, anything else a ConfigError', () => {
    fc.assert(fc.property(fc.oneof(fc.integer({ min: -10, max: 120 }), fc.double()), (days) => {
      const ok = Number.isInteger(days) && days >= 1 && days <= 90;
      if (ok) expect(String(Testing.synth(pinSystem({ dependabot: { cooldownDays: days } }))['.github/dependabot.yml'])).toContain(`default-days: ${days}`);
      else expect(() => pinSystem({ dependabot: { cooldownDays: days } })).toThrow(ConfigError);
    }), { numRuns: 40 });
  });
});

describe('workflow rules: schedules and runner labels of the generated workflows', () => {
  const wf = (o: Record<string, unknown>) => ({ on: { schedule: [{ cron: '0 5 * * 1' }] }, jobs: { a: { 'runs-on': 'ubuntu-24.04', 'steps': [] } }, ...o });
  test('a generated-looking workflow passes; a broken copy is caught', () => {
    expect([...schedulesValid(wf({})), ...runsOnLabels(wf({}))]).toEqual([]);
    expect(schedulesValid(wf({ on: { schedule: [{ cron: '61 25 * * *' }] } }))).toEqual([expect.objectContaining({ rule: 'cron', where: 'on.schedule[0]' })]);
    expect(runsOnLabels(wf({ jobs: { a: { 'runs-on': '${{ github.event.comment.body }}' } } }))).toEqual([expect.objectContaining({ rule: 'runs-on', where: 'jobs.a' })]);
    expect(runsOnLabels(wf({ jobs: { a: { 'runs-on': ['self-hosted', 'x;y'] } } }))).toHaveLength(1);
  });

  test('every generated workflow passes both rules', () => {
    const dir = path.join(REPO_ROOT, '.github', 'workflows');
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.yml'))) {
      const parsed = parseYaml(readFileSync(path.join(dir, f), 'utf8'));
      expect([f, ...schedulesValid(parsed), ...runsOnLabels(parsed)]).toEqual([f]);
    }
  });
});
