import { Component, Project } from 'projen';
import { DockerImages, DockerImagesOptions } from './docker/docker-images';
import { ImageOptions, ServiceImage } from './docker/service-image';
import { BuildGuide } from './docs/build-guide';
import { ActionPins, ActionPinsOptions } from './github/action-pins';
import { DependabotConfig, DependabotConfigOptions } from './github/dependabot-config';
import { DeployedScanWorkflow, DeployedScanWorkflowOptions } from './github/deployed-scan-workflow';
import { ImageCiWorkflow } from './github/image-ci-workflow';
import { PinWorkflows, PinWorkflowsOptions } from './github/pin-workflows';
import { PublishScript } from './github/publish-script';
import { Registry, RegistryOptions } from './github/registry';
import { ReusableBuildWorkflow, ReusableBuildWorkflowOptions } from './github/reusable-build-workflow';
import { TrivyIgnore, TrivyIgnoreOptions } from './github/trivy-ignore';
import { ImageTagScript, ImageTagScriptOptions } from './image-tag-script';
import { checkProject } from './project-check';
import { check, ConfigError, knownKeys, optionKeys } from './validate';

/** Options of {@link ContainerBuild}. */
export interface ContainerBuildOptions {
  /**
   * Namespace of the image names, e.g. `acme` for `acme/orders`.
   * @default the project's name in lower case, without an npm scope's `@` (`@acme/shop` gives `acme-shop`)
   */
  readonly namespace?: string;
  /**
   * Where the images go: `Registry.ghcr()`, `Registry.ecr()`, `Registry.dockerHub()` or
   * `Registry.custom({ host })` (or the same as options, `{ kind: 'ghcr' }`). CI logs in to it and
   * pushes there; `npx projen push:docker` pushes there too when its host is known before the job
   * runs (see `pushRegistry`).
   */
  readonly registry: Registry | RegistryOptions;
  /**
   * Where `npx projen push:docker` pushes from a workstation: `HOST[:PORT][/NAMESPACE]`.
   * `--registry` and IMAGE_REGISTRY override it.
   * @default the registry's `reference` when it has one (a GHCR namespace, a custom host); else
   * none: push:docker then needs --registry or IMAGE_REGISTRY
   */
  readonly pushRegistry?: string;
  /** The tag policy (default and staging branches, SHA length) and where the tag script goes. @default the defaults of `ImageTagScript` */
  readonly tags?: ImageTagScriptOptions;
  /** Options of the images: base-image lock file, size-change threshold. @default the defaults of `DockerImages` */
  readonly images?: Omit<DockerImagesOptions, 'namespace' | 'tagScript' | 'registry'>;
  /** Vulnerability exceptions, each with a statement and an expiry date. @default none */
  readonly trivy?: TrivyIgnoreOptions;
  /** Where the pinned actions are recorded. @default the defaults of `ActionPins` */
  readonly actionPins?: ActionPinsOptions;
  /** Runner label of every job. @default each workflow's default (a pinned Ubuntu image) */
  readonly runsOn?: string;
  /** Other options of the reusable build workflow (Trivy and cosign versions, build budget). @default the defaults of `ReusableBuildWorkflow` */
  readonly build?: Omit<ReusableBuildWorkflowOptions, 'pins' | 'registry' | 'tagScript' | 'publishScript' | 'trivyIgnore' | 'sizeScript' | 'runsOn'>;
  /**
   * Scan the deployed images every day against the vulnerabilities found since: `false`, `true`,
   * or its options (which tags count as deployed, e.g. `{ deployments: { trunk: 'latest' } }` for a
   * project that deploys its default branch; when to run).
   * @default true: the images tagged `production-v*`, every day
   */
  readonly deployedScan?: boolean | Omit<DeployedScanWorkflowOptions, 'pins' | 'reusable' | 'images' | 'runsOn'>;
  /**
   * Write `.github/dependabot.yml` for the images' base images and the services' dependencies:
   * `false`, `true`, or its schedule and cooldown.
   * @default true: weekly, 7 days' cooldown
   */
  readonly dependabot?: boolean | Pick<DependabotConfigOptions, 'interval' | 'cronjob' | 'cooldownDays'>;
  /**
   * The workflows that keep the pins fresh and mergeable ({@link PinWorkflows}): a weekly pull
   * request with new base-image digests, and the sync that brings a Dependabot change of a
   * generated file (an action, a base image) back to its lock file. They push with a GitHub App
   * (its client ID in a variable, its key in a secret; the guide lists them) so that their pull
   * requests get CI. `false`, `true`, or their options.
   *
   * Without them, Dependabot watches only the services' dependencies: its pull requests for
   * actions and base images would edit generated files that the next `npx projen` reverts. Base
   * images are then refreshed with `npx projen update-base-images`.
   * @default false
   */
  readonly pinWorkflows?: boolean | Omit<PinWorkflowsOptions, 'pins' | 'runsOn'>;
  /** Write the build guide (`docs/docker-build-guide.md`). @default true */
  readonly guide?: boolean;
}

const C = 'ContainerBuild';

/**
 * A part given as `true`, `false` or its options (`undefined` is `byDefault`): its options when it
 * is on (none for `true`), undefined when it is off. Checks that the value is one of those, and that
 * its options have only the keys `keys` (those ContainerBuild sets itself are not among them).
 */
function part<T extends object>(option: string, value: boolean | T | undefined, byDefault: boolean, keys: readonly string[]): Partial<T> | undefined {
  const v: unknown = value ?? byDefault;
  if (typeof v === 'boolean') return v ? {} : undefined;
  check(typeof v === 'object' && v !== null && !Array.isArray(v), C, option, v, 'true, false, or an object of its options');
  knownKeys(C, option, v as object, keys);
  return v as T;
}

/** The options of the parts ContainerBuild takes from the user (it sets the others). */
const PIN_WORKFLOWS_KEYS = optionKeys<Omit<PinWorkflowsOptions, 'pins' | 'runsOn'>>({
  nodeVersion: true, schedule: true, updateBranch: true, app: true, protectedBranches: true, allowedChanges: true,
});
const DEPENDABOT_KEYS = optionKeys<Pick<DependabotConfigOptions, 'interval' | 'cronjob' | 'cooldownDays'>>({ interval: true, cronjob: true, cooldownDays: true });
const DEPLOYED_SCAN_KEYS = optionKeys<Omit<DeployedScanWorkflowOptions, 'pins' | 'reusable' | 'images' | 'runsOn'>>({
  deployments: true, schedule: true, name: true,
});

/** A Docker namespace from a project's name: lower case, an npm scope's `@` and `/` dropped. */
export function defaultNamespace(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[-._]+|[-._]+$/g, '') || 'app';
}

const OPTION_KEYS = optionKeys<ContainerBuildOptions>({
  namespace: true,
  registry: true,
  pushRegistry: true,
  tags: true,
  images: true,
  trivy: true,
  actionPins: true,
  runsOn: true,
  build: true,
  deployedScan: true,
  dependabot: true,
  pinWorkflows: true,
  guide: true,
});

/**
 * The whole container build of a project in one component: the images and their Dockerfiles
 * ({@link DockerImages}), the tag script ({@link ImageTagScript}), the GitHub Actions workflows
 * that build with BuildKit, scan with Trivy, sign with cosign and push ({@link ReusableBuildWorkflow},
 * {@link ImageCiWorkflow}, {@link DeployedScanWorkflow}), Dependabot and the build guide. Each part
 * is a public field, for what the options do not cover; a project that wants another arrangement
 * uses the parts directly.
 *
 * ```ts
 * const containers = new ContainerBuild(project, { registry: { kind: 'ghcr' } });
 * containers.addService(orders, { kind: ImageKind.NODE_SERVICE, port: 8080, healthPath: '/healthz' });
 * ```
 */
export class ContainerBuild extends Component {
  public readonly tags: ImageTagScript;
  public readonly images: DockerImages;
  public readonly pins: ActionPins;
  public readonly trivyIgnore: TrivyIgnore;
  public readonly publishScript: PublishScript;
  public readonly reusable: ReusableBuildWorkflow;
  public readonly ci: ImageCiWorkflow;
  public readonly deployedScan?: DeployedScanWorkflow;
  public readonly dependabot?: DependabotConfig;
  public readonly pinWorkflows?: PinWorkflows;
  public readonly guide?: BuildGuide;

  /** Where the images go (the `registry` option). */
  public readonly registry: Registry;

  constructor(project: Project, options: ContainerBuildOptions) {
    checkProject(C, project);
    super(project);
    knownKeys(C, 'options', options, OPTION_KEYS);
    this.registry = Registry.of(options.registry);
    this.tags = new ImageTagScript(project, options.tags);
    this.images = new DockerImages(project, {
      ...options.images,
      namespace: options.namespace ?? defaultNamespace(project.name),
      tagScript: this.tags,
      registry: options.pushRegistry ?? this.registry.reference,
    });
    this.pins = new ActionPins(project, options.actionPins);
    this.trivyIgnore = new TrivyIgnore(project, options.trivy);
    this.publishScript = new PublishScript(project);
    this.reusable = new ReusableBuildWorkflow(project, {
      ...options.build,
      pins: this.pins,
      registry: this.registry,
      tagScript: this.tags,
      publishScript: this.publishScript,
      trivyIgnore: this.trivyIgnore,
      sizeScript: this.images.sizeScript,
      runsOn: options.runsOn,
    });
    this.ci = new ImageCiWorkflow(project, {
      pins: this.pins,
      reusable: this.reusable,
      images: () => this.images.manifest(),
      tagPolicy: this.tags.policy,
      sharedPaths: [this.images.baseImages.lockFile, this.tags.path, this.publishScript.path, this.trivyIgnore.path],
      runsOn: options.runsOn,
    });
    const deployedScan = part('deployedScan', options.deployedScan, true, DEPLOYED_SCAN_KEYS);
    if (deployedScan) {
      this.deployedScan = new DeployedScanWorkflow(project, {
        ...deployedScan,
        pins: this.pins,
        reusable: this.reusable,
        images: () => this.images.manifest(),
        runsOn: options.runsOn,
      });
    }
    const pinOptions = part('pinWorkflows', options.pinWorkflows, false, PIN_WORKFLOWS_KEYS);
    if (pinOptions) this.pinWorkflows = new PinWorkflows(project, { ...pinOptions, pins: this.pins, runsOn: options.runsOn });
    // Its own, or one the project declares beside it: read at synth.
    const pinWorkflows = () => this.pinWorkflows ?? project.components.find((c): c is PinWorkflows => c instanceof PinWorkflows);
    const dependabot = part('dependabot', options.dependabot, true, DEPENDABOT_KEYS);
    if (dependabot) {
      if (project.tryFindObjectFile('.github/dependabot.yml')) {
        throw new ConfigError(`${C}: the project writes .github/dependabot.yml already (projen's dependabot option?): turn one of them off, or set dependabot: false here.`);
      }
      this.dependabot = new DependabotConfig(project, {
        ...dependabot,
        packageDirectories: () => this.images.dependencyDirectories(),
        dockerDirectories: () => this.images.contextDirectories,
        baseImages: () => this.images.baseImageUsage(),
        watchPins: () => pinWorkflows() !== undefined,
      });
    }
    if (options.guide ?? true) {
      this.guide = new BuildGuide(project, {
        images: this.images,
        tags: this.tags,
        reusable: this.reusable,
        ci: this.ci,
        deployedScan: this.deployedScan,
        dependabot: this.dependabot,
        get pinWorkflows() { return pinWorkflows(); },
        trivyIgnore: this.trivyIgnore,
      });
    }
  }

  /** Adds the image of a service (see `DockerImages.addService`). */
  public addService<O extends object, R>(service: Project, options: ImageOptions<O, R>): ServiceImage<R> {
    return this.images.addService(service, options);
  }
}
