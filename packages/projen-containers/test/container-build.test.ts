import { github, javascript, Testing } from 'projen';
import { tempOutdir } from './fixtures';
import { ContainerBuild, defaultNamespace } from '../src/container-build';
import { ImageKind } from '../src/docker/kinds';
import { PinWorkflows } from '../src/github/pin-workflows';
import { Registry } from '../src/github/registry';

describe('ContainerBuild', () => {
  test.each([
    ['acme', 'acme'],
    ['@acme/shop', 'acme-shop'],
    ['My Shop', 'my-shop'],
    ['_odd.', 'odd'],
  ])('the default namespace of a project named %j is %j, a valid Docker namespace', (name, namespace) => {
    expect(defaultNamespace(name)).toBe(namespace);
  });

  test('a scoped project name gives a namespace that synthesizes', () => {
    const project = new github.GitHubProject({ name: '@acme/shop', outdir: tempOutdir() });
    const containers = new ContainerBuild(project, { registry: Registry.ghcr(), tags: { defaultBranch: 'main' } });
    expect(containers.images.namespace).toBe('acme-shop');
  });

  test('the deployed scan takes its options: a trunk-based project scans its newest trunk build', () => {
    const project = new github.GitHubProject({ name: 'parcel', outdir: tempOutdir() });
    const svc = new javascript.NodeProject({ parent: project, name: 'svc', outdir: 'svc', defaultReleaseBranch: 'trunk', packageManager: javascript.NodePackageManager.NPM, entrypoint: 'lib/index.js' });
    const containers = new ContainerBuild(project, {
      registry: Registry.ghcr(),
      tags: { defaultBranch: 'trunk', stagingBranch: false },
      deployedScan: { deployments: { trunk: 'trunk-' } },
      dependabot: { interval: 'daily' },
    });
    containers.addService(svc, { kind: ImageKind.NODE_WORKER, sizeBudget: '200MB' });
    expect(containers.deployedScan?.deployments).toEqual({ trunk: 'trunk-' });
    const files = Testing.synth(project);
    expect(files['.github/dependabot.yml']).toContain('interval: daily');
    expect(files['.github/workflows/scan-deployed.yml']).toContain('trunk-');
  });

  describe('Dependabot watches pins in generated files only where a workflow brings its changes back', () => {
    function build(pinWorkflows?: boolean, beside = false) {
      const project = new github.GitHubProject({ name: 'parcel', outdir: tempOutdir() });
      const svc = new javascript.NodeProject({ parent: project, name: 'svc', outdir: 'svc', defaultReleaseBranch: 'trunk', packageManager: javascript.NodePackageManager.NPM, entrypoint: 'lib/index.js' });
      const containers = new ContainerBuild(project, { registry: Registry.ghcr(), tags: { defaultBranch: 'trunk', stagingBranch: false }, pinWorkflows });
      if (beside) new PinWorkflows(project, { pins: containers.pins });
      containers.addService(svc, { kind: ImageKind.NODE_WORKER, sizeBudget: '200MB' });
      const files = Testing.synth(project);
      const ecosystems = (files['.github/dependabot.yml'] as string).match(/package-ecosystem: \S+/g);
      return { containers, files, ecosystems };
    }

    test('by default: the service\'s npm only, no pin workflows (their pull requests would edit generated files)', () => {
      const { containers, files, ecosystems } = build();
      expect(ecosystems).toEqual(['package-ecosystem: npm']);
      expect(containers.pinWorkflows).toBeUndefined();
      expect(Object.keys(files).filter((f) => /update-base-images|dependabot-sync/.test(f))).toEqual([]);
      expect(files['docs/docker-build-guide.md']).toContain('Dependabot watches only the services\' own dependencies: a pull request of its for a base image or an action would edit generated files');
      expect(files['docs/docker-build-guide.md']).not.toContain('Dependabot reads and updates the literal line');
    });

    test('with pinWorkflows: actions and base images too, and the workflows that sync them', () => {
      const { containers, files, ecosystems } = build(true);
      expect(ecosystems).toEqual(['package-ecosystem: npm', 'package-ecosystem: github-actions', 'package-ecosystem: docker']);
      expect(containers.pinWorkflows).toBeDefined();
      expect(Object.keys(files).filter((f) => /update-base-images|dependabot-sync/.test(f)).sort())
        .toEqual(['.github/workflows/dependabot-sync.yml', '.github/workflows/update-base-images.yml']);
      expect(files['docs/docker-build-guide.md']).toContain('Dependabot reads and updates the literal line');
      expect(files['docs/docker-build-guide.md']).not.toContain('Dependabot watches only');
      // What to set up for them: the App, its variable and its secret.
      expect(files['docs/docker-build-guide.md']).toMatch(/a GitHub App \(.*\) installed on the repository; its client ID in variable `UPDATE_APP_CLIENT_ID`, its private key in secret `UPDATE_APP_PRIVATE_KEY`/);
    });

    test('a PinWorkflows the project declares beside it counts too', () => {
      const { ecosystems, files } = build(undefined, true);
      expect(ecosystems).toEqual(['package-ecosystem: npm', 'package-ecosystem: github-actions', 'package-ecosystem: docker']);
      expect(files['docs/docker-build-guide.md']).toContain('its client ID in variable `UPDATE_APP_CLIENT_ID`');
    });

    test.each([
      [{ pinWorkflows: 'yes' }, 'ContainerBuild: pinWorkflows "yes" is not allowed: true, false, or an object of its options.'],
      [{ pinWorkflows: { runsOn: 'x' } }, 'ContainerBuild: pinWorkflows.runsOn "x" is not allowed: not an option; pinWorkflows takes nodeVersion, schedule'],
      [{ dependabot: { watchPins: true } }, 'ContainerBuild: dependabot.watchPins true is not allowed: not an option; dependabot takes interval, cronjob, cooldownDays.'],
      [{ deployedScan: { pins: {} } }, 'ContainerBuild: deployedScan.pins {} is not allowed: not an option; deployedScan takes deployments, schedule, name.'],
    ])('%j: a ConfigError (a part\'s option ContainerBuild sets itself is not the user\'s)', (options, message) => {
      const project = new github.GitHubProject({ name: 'parcel', outdir: tempOutdir() });
      expect(() => new ContainerBuild(project, { registry: Registry.ghcr(), ...(options as object) })).toThrow(message);
    });
  });

  test('a project with projen\'s own Dependabot is told to keep one', () => {
    const project = new javascript.NodeProject({ name: 'p', outdir: tempOutdir(), defaultReleaseBranch: 'main', dependabot: true, packageManager: javascript.NodePackageManager.NPM });
    expect(() => new ContainerBuild(project, { registry: Registry.ghcr() }))
      .toThrow('ContainerBuild: the project writes .github/dependabot.yml already (projen\'s dependabot option?)');
  });
});
