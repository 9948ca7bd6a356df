import * as path from 'node:path';
import { Component, JsonFile, Project } from 'projen';
import { BENCH_MANIFEST, BenchmarkLoad, BenchmarkManifest, BenchmarkTargets } from '../lib/bench-manifest';
import { ConfigError, check, httpPath, integer, knownKeys, oneLine, optionKeys, repoPath } from '../validate';
import { DockerImages } from './docker-images';
import { Dockerfile } from './dockerfile';
import { DockerIgnore } from './dockerignore';
import { naiveReference, ReferenceRecipe } from './reference-recipes';
import { ServiceImage } from './service-image';
import { COMMANDS } from '../lib/commands';

/** Options of {@link DockerBenchmark}. */
export interface DockerBenchmarkOptions {
  /** The images measured. */
  readonly images: DockerImages;
  /** Repetitions of every measured build; the report gives the median. @default 3 */
  readonly runs?: number;
  /**
   * The dependency added to every service for the "dependency change" rebuild, at an exact
   * version so that every run makes the same change. It should be in none of the services' trees.
   * @default 'is-number@7.0.0'
   */
  readonly dependencyChange?: string;
  /** A naive single-stage reference for every service whose kind has one. @default true */
  readonly naiveReferences?: boolean;
  /** Folder of the generated reference Dockerfiles, relative to the root. @default 'bench' */
  readonly referencesDir?: string;
  /** Figures the report marks as met or missed. @default {} */
  readonly targets?: BenchmarkTargets;
  /** The servers' load figure (requests/s and p99 latency). @default 32 connections for 5 s, no server loaded */
  readonly load?: BenchmarkLoad;
}

/** The benchmark tool the task runs, relative to the root. */
const REFERENCE_NAME = /^[a-z][a-z0-9-]{0,62}$/;
/** The longest cold-build target: a day (a longer one is a mistake, never a target). */
const MAX_BUILD_SECONDS = 86_400;
/** The keys of `targets`: the compiler keeps the list in step with {@link BenchmarkTargets}. */
const TARGET_KEYS = optionKeys<BenchmarkTargets>({
  coldBuildSeconds: true, sourceRebuildFraction: true, aboveBaseAtMostOf: true, sourceRebuildAtMostHostCompile: true,
});
const EXACT_PACKAGE = /^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*@\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

interface Reference {
  readonly image: ServiceImage<any>;
  readonly recipe: ReferenceRecipe;
  readonly dockerfile: Dockerfile;
  readonly dockerignore?: DockerIgnore;
}

/**
 * The build benchmark: our images against reference Dockerfiles written for the comparison (a
 * naive one per service, and any added with `addReference`), built on the same engine, base
 * images and source tree. Generates the references under `bench/` and the task
 * `npx projen bench:docker`, which measures cold builds, rebuilds after a source-only and a
 * dependency change, build contexts and image sizes, and prints a markdown table with ratios.
 *
 * Create it after the services are added to the images.
 */
export class DockerBenchmark extends Component {
  private readonly images: DockerImages;
  private readonly runs: number;
  private readonly dependencyChange: string;
  private readonly referencesDir: string;
  private readonly targets: BenchmarkTargets;
  private readonly load: Required<BenchmarkLoad>;
  private readonly references: Reference[] = [];
  private rendered = false;

  constructor(project: Project, options: DockerBenchmarkOptions) {
    super(project);
    this.images = options.images;
    const C = 'DockerBenchmark';
    this.runs = integer(C, 'runs', options.runs ?? 3, 1, 100);
    this.dependencyChange = options.dependencyChange ?? 'is-number@7.0.0';
    check(typeof this.dependencyChange === 'string' && EXACT_PACKAGE.test(this.dependencyChange), C, 'dependencyChange', this.dependencyChange, 'a package at an exact version, such as is-number@7.0.0, so that every run makes the same change');
    this.referencesDir = repoPath(C, 'referencesDir', options.referencesDir ?? 'bench');
    check(options.naiveReferences === undefined || typeof options.naiveReferences === 'boolean', C, 'naiveReferences', options.naiveReferences, 'true or false');
    this.targets = options.targets ?? {};
    knownKeys(C, 'targets', this.targets, TARGET_KEYS);
    knownKeys(C, 'load', options.load ?? {}, ['connections', 'seconds', 'paths']);
    for (const [service, seconds] of Object.entries(this.targets.coldBuildSeconds ?? {})) {
      check(typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 && seconds <= MAX_BUILD_SECONDS, C, 'targets.coldBuildSeconds', seconds, `a number of seconds above 0 and at most ${MAX_BUILD_SECONDS}, such as 60`, service);
    }
    const fraction = this.targets.sourceRebuildFraction;
    check(fraction === undefined || (typeof fraction === 'number' && Number.isFinite(fraction) && fraction > 0 && fraction < 1), C, 'targets.sourceRebuildFraction', fraction, 'a fraction between 0 and 1, such as 0.15 for 15%');
    const atMostHost = this.targets.sourceRebuildAtMostHostCompile;
    check(atMostHost === undefined || typeof atMostHost === 'boolean', C, 'targets.sourceRebuildAtMostHostCompile', atMostHost, 'true or false');
    this.load = {
      connections: integer(C, 'load.connections', options.load?.connections ?? 32, 1, 1000),
      seconds: integer(C, 'load.seconds', options.load?.seconds ?? 5, 1, 120),
      paths: options.load?.paths ?? {},
    };
    for (const [service, p] of Object.entries(this.load.paths)) {
      httpPath(C, 'load.paths', p, service);
      check(this.images.services.some((i) => i.service === service), C, 'load.paths', service, `a service of the images (${this.images.services.map((i) => i.service).join(', ')})`);
    }
    if (this.images.services.length === 0) {
      throw new ConfigError('DockerBenchmark: the images have no service yet; create the benchmark after images.addService(...).');
    }
    if (options.naiveReferences ?? true) {
      for (const image of this.images.services) if (image.kind.renderNaive) this.addReference(image.service, naiveReference(image.kind));
    }
    new JsonFile(project, BENCH_MANIFEST, { obj: () => this.manifest(), marker: true });
    project.addTask('bench:docker', {
      description: `Benchmark our images against reference Dockerfiles: cold build, rebuilds, context and image sizes (median of ${this.runs} runs; empties the build cache)`,
      exec: COMMANDS.benchDocker.bin,
      receiveArgs: true,
    });
  }

  /** Adds a reference build of one service (by its folder name, e.g. `web`). */
  public addReference(service: string, recipe: ReferenceRecipe): this {
    const C = 'DockerBenchmark.addReference';
    const image = this.images.services.find((i) => i.service === service);
    check(image !== undefined, C, 'service', service, `a service of the images (${this.images.services.map((i) => i.service).join(', ')})`);
    check(typeof recipe.name === 'string' && REFERENCE_NAME.test(recipe.name) && recipe.name !== 'ours', C, 'name of the reference', recipe.name, 'lowercase letters, digits and "-", starting with a letter, and not "ours"', service);
    oneLine(C, `description of reference ${recipe.name}`, recipe.description, service);
    check(!recipe.kind || recipe.kind === image!.kind, C, `kind of reference ${recipe.name}`, recipe.kind?.name, `the kind of ${service}, ${image!.kind.name}`, service);
    check(!this.references.some((r) => r.image === image && r.recipe.name === recipe.name), C, 'name of the reference', recipe.name, `a name of its own: ${service} has a reference named so already`, service);
    const base = path.posix.join(this.referencesDir, service, `${recipe.name}.Dockerfile`);
    const context = image!.context;
    const ignoreText = !recipe.dockerignore ? `${context}/.dockerignore`
      : `${base}.dockerignore as its .dockerignore${recipe.dockerignore.length ? '' : ' (it leaves nothing out)'}`;
    const usage = `A reference for \`npx projen bench:docker\`, generated by ${recipe.source}, never shipped: ${recipe.description}.`;
    this.references.push({
      image: image!,
      recipe,
      dockerfile: new Dockerfile(this.project, {
        path: base,
        usage,
        description: [`Built on a copy of ${context}/ with ${ignoreText}: \`docker build -f ${base} ${context}\` builds it the same way.`],
        requireNonRootUser: !recipe.runsAsRoot,
      }),
      // BuildKit's naming for a Dockerfile's own ignore file.
      dockerignore: recipe.dockerignore
        ? new DockerIgnore(this.project, { path: `${base}.dockerignore`, usage, denyAtRoot: recipe.dockerignore, deny: [] })
        : undefined,
    });
    return this;
  }

  public preSynthesize(): void {
    if (this.rendered) return;
    this.rendered = true;
    // A root component: this runs before projen deletes or writes any file.
    this.validateTargets();
    for (const r of this.references) {
      r.recipe.render(r.dockerfile.model, r.image.renderContext());
      r.dockerfile.validate();
    }
  }

  public manifest(): BenchmarkManifest {
    return {
      runs: this.runs,
      load: this.load,
      dependencyChange: this.dependencyChange,
      targets: this.targets,
      services: this.images.services.map((image) => ({
        service: image.service,
        references: this.references.filter((r) => r.image === image).map((r) => ({
          name: r.recipe.name,
          description: r.recipe.description,
          dockerfile: r.dockerfile.path,
          dockerignore: r.dockerignore?.path,
        })),
      })),
    };
  }

  private validateTargets(): void {
    const services = this.images.services.map((i) => i.service);
    const C = 'DockerBenchmark';
    for (const service of Object.keys(this.targets.coldBuildSeconds ?? {})) {
      check(services.includes(service), C, 'targets.coldBuildSeconds', service, `a service of the images (${services.join(', ')})`);
    }
    for (const [service, reference] of Object.entries(this.targets.aboveBaseAtMostOf ?? {})) {
      const names = this.references.filter((r) => r.image.service === service).map((r) => r.recipe.name);
      check(names.includes(reference), C, 'targets.aboveBaseAtMostOf', reference, `a reference of ${service} (${names.join(', ') || 'none'}); add it with addReference()`, service);
    }
  }
}
