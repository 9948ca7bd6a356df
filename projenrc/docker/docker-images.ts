import * as path from 'node:path';
import { Component, DependencyType, JsonFile, Project, TaskShell } from 'projen';
import { BaseImages, BaseImageSpec, BaseImagesOptions, followedPackage } from './base-images';
import { ImageKind } from './recipes';
import { ImageManifestEntry, ServiceImage, ServiceImageOptions } from './service-image';

/** Options of {@link DockerImages}. */
export interface DockerImagesOptions {
  /** Namespace of the image names, e.g. `qualisys` for `qualisys/api`. */
  readonly namespace: string;
  /** Where the base-image pins live. @default {} */
  readonly baseImages?: BaseImagesOptions;
}

/** A base image in use, as an updater such as Dependabot must treat it. */
export interface BaseImageUsage {
  /** Repository, with its registry when not Docker Hub, e.g. `mcr.microsoft.com/playwright`. */
  readonly repository: string;
  /** For an image whose tag follows an npm package: the package, and the services installing it. */
  readonly follows?: {
    readonly package: string;
    /** Each service's folder (`/playwright-runner`) and its declared dependencies (name -> package.json range, `*` when unversioned). */
    readonly directories: readonly { readonly directory: string; readonly dependencies: Readonly<Record<string, string>> }[];
  };
}

/** Dependency types that projen writes to package.json. */
const MANIFEST_DEPENDENCY_TYPES: readonly DependencyType[] = [
  DependencyType.RUNTIME, DependencyType.PEER, DependencyType.BUNDLED, DependencyType.OPTIONAL,
  DependencyType.BUILD, DependencyType.TEST, DependencyType.DEVENV,
];

/** The manifest read by the build tooling (`build:docker`, the benchmark, the image tests). */
export const IMAGES_MANIFEST = '.projen/docker-images.json';

/**
 * Every container image of a monorepo: the base images they start from, one ServiceImage per
 * service (`addService`, one call each), and the tasks that build them (`npx projen build:docker`)
 * and refresh the base-image pins (`npx projen update-base-images`).
 */
export class DockerImages extends Component {
  public readonly baseImages: BaseImages;
  public readonly namespace: string;
  private readonly images: ServiceImage[] = [];

  constructor(project: Project, options: DockerImagesOptions) {
    super(project);
    if (!/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(options.namespace)) {
      throw new Error(`DockerImages: namespace "${options.namespace}" must be lowercase letters and digits, separated by ".", "_" or "-".`);
    }
    this.namespace = options.namespace;
    this.baseImages = new BaseImages(project, options.baseImages);
    new JsonFile(project, IMAGES_MANIFEST, {
      obj: { images: () => this.images.map((i) => i.manifestEntry(project.outdir)), baseImages: () => this.baseImageManifest() },
      marker: true,
    });

    const build = project.addTask('build:docker', {
      description: 'Synthesize, then build the service images with BuildKit (all, or the services named: npx projen build:docker -- api web)',
    });
    build.spawn(project.defaultTask!);
    build.exec('tsx projenrc/docker/build-images.ts', { receiveArgs: true });
    project.addTask('update-base-images', {
      description: 'Resolve the digests of the base images (needs registry access) and re-synthesize',
      steps: [{ exec: 'tsx projenrc/docker/update-base-images.ts', receiveArgs: true }, { exec: 'tsx .projenrc.ts' }],
    });
  }

  /** Declares a base image (e.g. `node`) that services can start from. */
  public addBaseImage(name: string, spec: BaseImageSpec): this {
    this.baseImages.declare(name, spec);
    return this;
  }

  /** Adds the image of one service: its Dockerfile and .dockerignore, in the service's folder. */
  public addService(service: Project, options: ServiceImageOptions): ServiceImage {
    if (service.root !== this.project) throw new Error(`DockerImages.addService: ${service.name} is not a subproject of ${this.project.name}.`);
    const name = path.basename(service.outdir);
    const imageName = options.imageName ?? `${this.namespace}/${name}`;
    const clash = this.images.find((i) => i.imageName === imageName || i.service === name);
    if (clash) throw new Error(`DockerImages.addService: ${name} (${imageName}) clashes with ${clash.service} (${clash.imageName}); image and folder names must be unique.`);
    const image = new ServiceImage(service, this.baseImages, this.namespace, options);
    this.images.push(image);
    if (options.kind === ImageKind.PLAYWRIGHT_RUNNER) this.addRunnerTask(image);
    return image;
  }

  /**
   * `npx projen docker:run:<service>`: runs a test-runner image with its recommended flags against
   * the targets in the environment (BASE_URL, API_URL, ...), reports in `<service>/results`.
   */
  private addRunnerTask(image: ServiceImage): void {
    const context = path.relative(this.project.outdir, image.serviceProject.outdir);
    const envs = [...(image.options.runner?.targets ?? []).map((t) => t.urlEnv), 'UNAVAILABLE_BASE_URL', 'PW_PROJECT', 'PW_WORKERS', 'PW_TIMEOUT_MS', 'PW_RETRIES', 'WAIT_TIMEOUT'];
    this.project.addTask(`docker:run:${image.service}`, {
      // ${VAR:-default} needs a POSIX shell; projen's own shell does not expand it.
      shell: TaskShell.sh(),
      description: `Run the ${image.imageName} image against BASE_URL/API_URL with its recommended flags (${(image.options.runner?.runFlags ?? []).join(' ')})`,
      steps: [
        { exec: `mkdir -p ${context}/results && chmod a+rwx ${context}/results` },
        {
          exec: [
            'docker run --rm', ...(image.options.runner?.runFlags ?? []), '--network "${DOCKER_NETWORK:-host}"',
            ...[...new Set(envs)].map((e) => `-e ${e}`), `-v "$(pwd)/${context}/results:/results"`, `"\${IMAGE:-${image.imageName}:dev}"`,
          ].join(' '),
          receiveArgs: true,
        },
      ],
    });
  }

  /** The build contexts (service folders), relative to the root. */
  public get contexts(): string[] {
    return this.manifest().map((entry) => entry.context);
  }

  public get services(): readonly ServiceImage[] {
    return this.images;
  }

  public manifest(): ImageManifestEntry[] {
    return this.images.map((i) => i.manifestEntry(this.project.outdir));
  }

  /**
   * The base images the services use, each with the npm package its tag follows (if any) and the
   * services installing it: what Dependabot's configuration needs so that the package moves and the
   * image follows, never the other way round.
   */
  public baseImageUsage(): BaseImageUsage[] {
    const usage = new Map<string, { repository: string; pkg?: string; directories: { directory: string; dependencies: Record<string, string> }[] }>();
    for (const image of this.images) {
      const spec = this.baseImages.get(image.baseName);
      const pkg = followedPackage(spec);
      const entry = usage.get(image.baseName) ?? { repository: spec.repository, pkg, directories: [] };
      usage.set(image.baseName, entry);
      if (!pkg) continue;
      const dependencies = Object.fromEntries(image.serviceProject.deps.all
        .filter((d) => MANIFEST_DEPENDENCY_TYPES.includes(d.type))
        .map((d) => [d.name, d.version ?? '*']));
      entry.directories.push({ directory: `/${path.relative(this.project.outdir, image.serviceProject.outdir)}`, dependencies });
    }
    return [...usage.values()].map((u) => ({
      repository: u.repository,
      ...(u.pkg ? { follows: { package: u.pkg, directories: u.directories } } : {}),
    }));
  }

  private baseImageManifest() {
    const lockFile = path.posix.normalize(this.baseImages.lockFile);
    return Object.fromEntries([...this.baseImages.all].map(([name, spec]) => [name, { ...spec, lockFile }]));
  }
}
