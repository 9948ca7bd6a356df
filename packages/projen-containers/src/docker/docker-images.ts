import * as path from 'node:path';
import { Component, DependencyType, JsonFile, Project } from 'projen';
import { BUILD_REPORT } from '../lib/build-report';
import { COMMANDS } from '../lib/commands';
import { parseSizeThreshold, THRESHOLD_FORMS } from '../lib/image-size';
import { IMAGES_MANIFEST, ImageManifestEntry, ImagesManifest } from '../lib/images-manifest';
import { ShippingFields } from '../lib/registry-push';
import { check, ConfigError, registryReference, repoPath } from '../validate';
import { BaseImages, BaseImageSpec, BaseImagesOptions, followedPackage, imageKey } from './base-images';
import { ImageSizeScript } from './image-size-script';
import { BUILT_IN_KINDS } from './kinds';
import { ImageKindDefinition } from './kinds/kind';
import { ImageKindRegistry } from './kinds/registry';
import { imageRepository, kebabName } from './names';
import { ImageOptions, ServiceImage } from './service-image';

/** Options of {@link DockerImages}. */
export interface DockerImagesOptions {
  /** Namespace of the image names, e.g. `qualisys` for `qualisys/api`: lowercase path components, no registry host (set `registry` for that). */
  readonly namespace: string;
  /** Where the base-image pins live. @default {} */
  readonly baseImages?: BaseImagesOptions;
  /**
   * The image tag script that `npx projen build:docker` runs to tag every image (an
   * `ImageTagScript`); its path is recorded in `.projen/docker-images.json` for the tool.
   * @default none: `build:docker` says to give one
   */
  readonly tagScript?: { readonly path: string };
  /**
   * Where `npx projen push:docker` pushes: `HOST[:PORT][/NAMESPACE]`, e.g. `127.0.0.1:5000` or
   * `ghcr.io/acme` (images go to `<registry>/<namespace>/<service>`). `--registry` and
   * IMAGE_REGISTRY override it; `build:docker` also looks there for the last default-branch build.
   * @default none: push:docker needs --registry or IMAGE_REGISTRY
   */
  readonly registry?: string;
  /**
   * The growth of an image, against the same service's image from the default branch, that the
   * size table flags (`build:docker`'s report, and the pull-request job summary through
   * `scripts/image-size.mjs`): a size (`10MB`, decimal units) or a percentage of the reference (`5%`).
   * @default '10%'
   */
  readonly sizeDeltaWarning?: string;
}

/** Tasks and files the push and size-change features add, for the workflows and docs. */
export interface ShippingInfo {
  /** The registry of .projenrc.ts, when set. */
  readonly registry?: string;
  /** The size-change threshold, e.g. `10MB`. */
  readonly sizeDeltaWarning: string;
  /** The build report push:docker reads, relative to the root. */
  readonly buildReport: string;
  /** The bundled size script: its path and the command that runs it. */
  readonly sizeScript: { readonly path: string; readonly command: string };
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

/** A name for a service whose folder's name is taken: its path, kebab-cased (`admin/api` -> `admin-api`). */
function suggestedName(context: string, name: string): string {
  const fromPath = context.toLowerCase().split('/').join('-').replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^[^a-z]+|-$/g, '');
  return fromPath && fromPath !== name ? fromPath.slice(0, 63) : `${name}-2`;
}

/** Dependency types that projen writes to package.json. */
const MANIFEST_DEPENDENCY_TYPES: readonly DependencyType[] = [
  DependencyType.RUNTIME, DependencyType.PEER, DependencyType.BUNDLED, DependencyType.OPTIONAL,
  DependencyType.BUILD, DependencyType.TEST, DependencyType.DEVENV,
];

/** A folder relative to the root (`.` for the root) as a path from the repository's root: `/services/api`, `/`. */
export function repositoryDirectory(folder: string): string {
  return folder === '.' ? '/' : `/${folder}`;
}

/** The size-change threshold when .projenrc.ts sets none. */
export const DEFAULT_SIZE_DELTA_WARNING = '10%';

/**
 * Every container image of a monorepo: the base images they start from, one ServiceImage per
 * service (`addService`, one call each, by kind), the manifest the tools read
 * (`.projen/docker-images.json`), and the tasks that build them (`npx projen build:docker`) and
 * refresh the base-image pins (`npx projen update-base-images`).
 *
 * Every option is checked where it is given; what can only be known at synth (the lock file, the
 * installed version a base image follows, the rendered Dockerfiles) is checked in
 * `preSynthesize()`, before projen deletes or writes any file.
 */
export class DockerImages extends Component {
  public readonly baseImages: BaseImages;
  public readonly namespace: string;
  /** The kinds `addService()` accepts: the built-in ones and any given to `registerKind()`. */
  public readonly kinds: ImageKindRegistry;
  /** The registry push:docker pushes to by default (`HOST[/NAMESPACE]`), when set. */
  public readonly registry?: string;
  /** The growth the size table flags, e.g. `10MB` or `5%`. */
  public readonly sizeDeltaWarning: string;
  /** `scripts/image-size.mjs`: the size change of one image, for the pull-request job summary. */
  public readonly sizeScript: ImageSizeScript;
  private readonly tagScript?: string;
  private readonly images: ServiceImage<any>[] = [];

  constructor(project: Project, options: DockerImagesOptions) {
    super(project);
    if (project.root !== project) throw new ConfigError('DockerImages: add it to the root project, which builds every service image.');
    this.namespace = imageRepository('DockerImages', 'namespace', options.namespace);
    this.tagScript = options.tagScript ? repoPath('DockerImages', 'tagScript', options.tagScript.path) : undefined;
    if (options.registry !== undefined) registryReference('DockerImages', 'registry', options.registry);
    this.registry = options.registry?.replace(/\/+$/, '');
    this.sizeDeltaWarning = options.sizeDeltaWarning ?? DEFAULT_SIZE_DELTA_WARNING;
    check(parseSizeThreshold(this.sizeDeltaWarning) !== undefined, 'DockerImages', 'sizeDeltaWarning', this.sizeDeltaWarning, THRESHOLD_FORMS);
    this.baseImages = new BaseImages(project, options.baseImages);
    this.kinds = new ImageKindRegistry(BUILT_IN_KINDS);
    new JsonFile(project, IMAGES_MANIFEST, { obj: () => this.manifestFile(), marker: true });

    const build = project.addTask('build:docker', {
      description: 'Synthesize, then build the service images with BuildKit (all, or the services named: npx projen build:docker -- SERVICE...)',
    });
    build.spawn(project.defaultTask!);
    build.exec(COMMANDS.buildImages.bin, { receiveArgs: true });
    project.addTask('push:docker', {
      description: 'Push the images build:docker built (never rebuilt), every tag, to the registry; --sign-key FILE signs them and attaches their SBOM (npx projen push:docker -- --registry HOST --sign-key cosign.key)',
      exec: COMMANDS.pushImages.bin,
      receiveArgs: true,
    });
    this.sizeScript = new ImageSizeScript(project, { threshold: this.sizeDeltaWarning });
    project.addGitIgnore(`/${BUILD_REPORT.split('/').slice(0, -1).join('/')}/`);
    // The key pair of the build guide's `cosign generate-key-pair`: the private half never goes to git.
    project.addGitIgnore('/cosign.key');
    project.addTask('update-base-images', {
      description: 'Resolve the digests of the base images (needs registry access) and re-synthesize',
      steps: [{ exec: COMMANDS.updateBaseImages.bin, receiveArgs: true }, { spawn: 'default' }],
    });
  }

  /** Declares a base image (e.g. `node`) that services can start from. */
  public addBaseImage(name: string, spec: BaseImageSpec): this {
    this.baseImages.declare(name, spec);
    return this;
  }

  /** Makes a kind of image available to `addService()` (the built-in kinds are there already). */
  public registerKind(kind: ImageKindDefinition<any, any>): this {
    this.kinds.register(kind);
    return this;
  }

  /**
   * Adds the image of one service: its Dockerfile and .dockerignore, in the service's folder.
   * `options.kind` decides which options apply: `{ kind: ImageKind.NODE_SERVICE, port, healthPath, sizeBudget }`.
   */
  public addService<O extends object, R>(service: Project, options: ImageOptions<O, R>): ServiceImage<R> {
    if (service.root !== this.project) {
      throw new ConfigError(`DockerImages.addService: ${service.name} is not ${this.project.name} nor one of its subprojects; each image is built from a project's own folder.`);
    }
    const isRoot = service === this.project;
    const context = isRoot ? '.' : path.relative(this.project.outdir, service.outdir).split(path.sep).join('/');
    if (isRoot && options.name === undefined) {
      throw new ConfigError(`DockerImages.addService: name of the root project ${this.project.name} is missing: an image of the root (its context the whole repository) needs a name of its own, such as { name: 'app' }.`);
    }
    const name = options.name !== undefined
      ? kebabName('DockerImages', 'name', options.name, context)
      : kebabName('DockerImages', 'service folder', path.basename(service.outdir));
    if (!isRoot) repoPath('DockerImages', 'service folder', context, name);
    const imageName = imageRepository('DockerImages', 'imageName', options.imageName ?? `${this.namespace}/${name}`, name);
    const clash = this.images.find((i) => i.service === name) ?? this.images.find((i) => i.imageName === imageName);
    if (clash) {
      const what = clash.service === name ? `the service name ${name}` : `the image ${imageName}`;
      throw new ConfigError(`DockerImages.addService: ${context}/ (${name}, ${imageName}) clashes with ${clash.context}/ (${clash.service}, ${clash.imageName}) on ${what}: `
        + `a service is named after its folder unless its name option says otherwise; give one of them a name of its own, such as { name: '${suggestedName(context, name)}' }${clash.imageName === imageName ? ' (or another imageName)' : ''}.`);
    }
    const kind = this.kinds.resolve(options.kind, name);
    const image = new ServiceImage<R>(service, { service: name, context, imageName, kind, options, baseImages: this.baseImages });
    this.images.push(image);
    return image;
  }

  /** Renders and checks every image before projen deletes or writes a file. */
  public preSynthesize(): void {
    this.usedBaseImages();
    for (const image of this.images) image.render();
  }

  /**
   * The base images the services use, by name (the project's declaration, else the kind's
   * default), checked across images: one image per name, one name per build argument (the tools
   * and the workflows override a base by its build argument, in every Dockerfile at once).
   */
  public usedBaseImages(): ReadonlyMap<string, BaseImageSpec> {
    const used = new Map<string, { spec: BaseImageSpec; by: string }>();
    for (const image of this.images) {
      for (const [role, name] of Object.entries(image.baseNames)) {
        const spec = this.baseImages.get(name, image.service, image.kind.bases[role]?.name === name ? image.kind.bases[role].image : undefined);
        const existing = used.get(name);
        if (existing && imageKey(existing.spec) !== imageKey(spec)) {
          throw new ConfigError(`DockerImages: base image ${name} is ${imageKey(existing.spec)} for ${existing.by} but ${imageKey(spec)} for ${image.service} (${image.kind.name}'s default): `
            + `declare the one to use with images.addBaseImage('${name}', ...), or give ${image.service} another with its base option.`);
        }
        const sameArg = [...used].find(([n, u]) => n !== name && u.spec.buildArg === spec.buildArg);
        if (sameArg) {
          throw new ConfigError(`DockerImages: base images ${sameArg[0]} (${imageKey(sameArg[1].spec)}, for ${sameArg[1].by}) and ${name} (${imageKey(spec)}, for ${image.service}) both use the build argument ${spec.buildArg}: `
            + `declare one of them with images.addBaseImage('${name}', { ..., buildArg: '<ANOTHER>_IMAGE' }).`);
        }
        if (!existing) used.set(name, { spec, by: image.service });
      }
    }
    return new Map([...used].map(([name, u]) => [name, u.spec]));
  }

  /** What push:docker and the size script use, for the workflows and docs. */
  public get shipping(): ShippingInfo {
    return {
      ...(this.registry ? { registry: this.registry } : {}),
      sizeDeltaWarning: this.sizeDeltaWarning,
      buildReport: BUILD_REPORT,
      sizeScript: { path: this.sizeScript.path, command: this.sizeScript.command },
    };
  }

  /** The build contexts (service folders), relative to the root. */
  public get contexts(): string[] {
    return this.images.map((i) => i.context);
  }

  /**
   * Each service folder with the Dependabot ecosystem of its kind's own dependencies (`npm`,
   * `pip`, `gomod`), as `/folder` from the root; images of a kind that declares none are left out.
   */
  public dependencyDirectories(): { ecosystem: string; directory: string }[] {
    return this.images
      .filter((i) => i.kind.dependencyEcosystem)
      .map((i) => ({ ecosystem: i.kind.dependencyEcosystem!, directory: repositoryDirectory(i.context) }));
  }

  /** The build contexts as Dependabot names folders: `/services/api`, `/` for the root. */
  public get contextDirectories(): string[] {
    return this.contexts.map(repositoryDirectory);
  }

  public get services(): readonly ServiceImage<any>[] {
    return this.images;
  }

  public manifest(): ImageManifestEntry[] {
    return this.images.map((i) => i.manifestEntry());
  }

  /**
   * The base images the services use, each with the npm package its tag follows (if any) and the
   * services installing it: what Dependabot's configuration needs so that the package moves and the
   * image follows, never the other way round.
   */
  public baseImageUsage(): BaseImageUsage[] {
    const usage = new Map<string, { repository: string; pkg?: string; directories: { directory: string; dependencies: Record<string, string> }[] }>();
    const specs = this.usedBaseImages();
    for (const image of this.images) {
      for (const name of new Set(Object.values(image.baseNames))) {
        const spec = specs.get(name)!;
        const pkg = followedPackage(spec);
        const entry = usage.get(name) ?? { repository: spec.repository, pkg, directories: [] };
        usage.set(name, entry);
        if (!pkg) continue;
        const dependencies = Object.fromEntries(image.serviceProject.deps.all
          .filter((d) => MANIFEST_DEPENDENCY_TYPES.includes(d.type))
          .map((d) => [d.name, d.version ?? '*']));
        entry.directories.push({ directory: repositoryDirectory(image.context), dependencies });
      }
    }
    return [...usage.values()].map((u) => ({
      repository: u.repository,
      ...(u.pkg ? { follows: { package: u.pkg, directories: u.directories } } : {}),
    }));
  }

  private manifestFile(): ImagesManifest & ShippingFields {
    const lockFile = path.posix.normalize(this.baseImages.lockFile);
    return {
      ...(this.tagScript ? { tagScript: this.tagScript } : {}),
      ...(this.registry ? { registry: this.registry } : {}),
      sizeDeltaWarning: this.sizeDeltaWarning,
      sizeScript: this.sizeScript.path,
      lockFile,
      images: this.manifest(),
      // Those declared, and the kinds' defaults in use.
      baseImages: Object.fromEntries([...new Map([...this.baseImages.all, ...this.usedBaseImages()])]
        .map(([name, spec]) => [name, { ...spec, lockFile }])),
    };
  }
}
