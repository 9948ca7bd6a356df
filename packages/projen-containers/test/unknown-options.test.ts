/**
 * `.projenrc.ts` runs without a type check (tsx strips the types), so a misspelt option would be
 * dropped without a word, and some drops widen what an option allows (`purl` for `purls` in a
 * Trivy exception would exempt every package). Every options object is checked at synth: an
 * unknown key is a ConfigError naming it and the accepted ones.
 */
import { github, Project } from 'projen';
import { monorepo, tempOutdir } from './fixtures';
import { ContainerBuild } from '../src/container-build';
import { DockerBenchmark } from '../src/docker/docker-benchmark';
import { ActionPins } from '../src/github/action-pins';
import { DeployedScanWorkflow } from '../src/github/deployed-scan-workflow';
import { ImageCiWorkflow } from '../src/github/image-ci-workflow';
import { PublishScript } from '../src/github/publish-script';
import { Registry } from '../src/github/registry';
import { ReusableBuildWorkflow } from '../src/github/reusable-build-workflow';
import { TrivyIgnore } from '../src/github/trivy-ignore';
import { ImageTagScript } from '../src/image-tag-script';
import { ConfigError } from '../src/validate';

/** Anything, as `.projenrc.ts` passes it without a type check. */
const untyped = (o: object): any => o;

function workflows() {
  const root = new github.GitHubProject({ name: 'p', outdir: tempOutdir() });
  const m = { root };
  const tags = new ImageTagScript(root);
  const pins = new ActionPins(root);
  const trivyIgnore = new TrivyIgnore(root);
  const publishScript = new PublishScript(root);
  const reusable = new ReusableBuildWorkflow(root, { pins, registry: Registry.ecr(), tagScript: tags, publishScript, trivyIgnore });
  return { m, tags, pins, trivyIgnore, publishScript, reusable };
}

describe('a misspelt option is an error that names it and the accepted ones', () => {
  test.each<[string, () => unknown, RegExp]>([
    ['ImageTagScript defaultBrnach', () => new ImageTagScript(new Project({ name: 'p', outdir: tempOutdir() }), untyped({ defaultBrnach: 'trunk' })),
      /ImageTagScript: options\.defaultBrnach "trunk" is not allowed: not an option; options takes .*defaultBranch/],
    ['ReusableBuildWorkflow registy', () => {
      const w = workflows();
      return new ReusableBuildWorkflow(w.m.root, untyped({ pins: w.pins, registy: { kind: 'ecr' }, registry: Registry.ecr(), tagScript: w.tags, publishScript: w.publishScript, trivyIgnore: w.trivyIgnore, name: 'other' }));
    }, /ReusableBuildWorkflow: options\.registy .* is not allowed: not an option; options takes .*registry/],
    ['ImageCiWorkflow runson', () => {
      const w = workflows();
      return new ImageCiWorkflow(w.m.root, untyped({ pins: w.pins, reusable: w.reusable, images: () => [], tagPolicy: w.tags.policy, sharedPaths: [], runson: 'self-hosted' }));
    }, /ImageCiWorkflow: options\.runson "self-hosted" is not allowed: not an option; options takes .*runsOn/],
    ['DeployedScanWorkflow shedule', () => {
      const w = workflows();
      return new DeployedScanWorkflow(w.m.root, untyped({ pins: w.pins, reusable: w.reusable, images: () => [], shedule: '0 5 * * *' }));
    }, /DeployedScanWorkflow: options\.shedule "0 5 \* \* \*" is not allowed: not an option; options takes .*schedule/],
    ['TrivyIgnore vulnerabilites', () => new TrivyIgnore(new Project({ name: 'p', outdir: tempOutdir() }), untyped({ vulnerabilites: [] })),
      /TrivyIgnore: options\.vulnerabilites .* is not allowed: not an option; options takes vulnerabilities, maxDays, today/],
    ['a Trivy exception with purl for purls', () => new TrivyIgnore(new Project({ name: 'p', outdir: tempOutdir() }), untyped({
      vulnerabilities: [{ id: 'CVE-2099-0001', statement: 'not reachable', expiresOn: new Date(Date.now() + 86_400_000).toISOString().slice(0, 10), purl: ['pkg:npm/x@1.0.0'] }],
    })), /vulnerabilities\.purl .* is not allowed: not an option; vulnerabilities takes id, statement, expiresOn, purls, paths/],
    ['PublishScript pth', () => new PublishScript(new Project({ name: 'p', outdir: tempOutdir() }), untyped({ pth: 'x.sh' })), /PublishScript: options\.pth "x\.sh" is not allowed/],
    ['DockerBenchmark load.secs', () => {
      const m = monorepo();
      return new DockerBenchmark(m.root, untyped({ images: m.images, load: { secs: 5 } }));
    }, /DockerBenchmark: load\.secs 5 is not allowed: not an option; load takes connections, seconds, paths/],
    ['ContainerBuild registy', () => new ContainerBuild(new github.GitHubProject({ name: 'p', outdir: tempOutdir() }), untyped({ registy: { kind: 'ghcr' }, registry: Registry.ghcr() })),
      /ContainerBuild: options\.registy .* is not allowed: not an option; options takes .*registry/],
  ])('%s', (_name, act, message) => {
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(message);
  });
});
