import { github, javascript, Testing } from 'projen';
import { tempOutdir } from './fixtures';
import { ContainerBuild, defaultNamespace } from '../src/container-build';
import { ImageKind } from '../src/docker/kinds';
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

  test('a project with projen\'s own Dependabot is told to keep one', () => {
    const project = new javascript.NodeProject({ name: 'p', outdir: tempOutdir(), defaultReleaseBranch: 'main', dependabot: true, packageManager: javascript.NodePackageManager.NPM });
    expect(() => new ContainerBuild(project, { registry: Registry.ghcr() }))
      .toThrow('ContainerBuild: the project writes .github/dependabot.yml already (projen\'s dependabot option?)');
  });
});
