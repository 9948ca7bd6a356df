import { github } from 'projen';
import { registryHostProblem, registryProblem } from '../image-tags/docker-reference';
import { check, knownKeys, secretName } from '../validate';

const { JobPermission } = github.workflows;
const C = 'Registry';

/** The registries CI can push to. */
export type RegistryKind = 'ecr' | 'ghcr' | 'docker-hub' | 'custom';

/** Options of {@link Registry.ecr}: Amazon ECR, logged in to through GitHub OIDC (no long-lived keys). */
export interface EcrRegistryOptions {
  /** Repository variable holding the ARN of the IAM role the jobs assume. @default 'AWS_ROLE_ARN' */
  readonly roleArnVariable?: string;
  /** Repository variable holding the AWS region of the registry. @default 'AWS_REGION' */
  readonly regionVariable?: string;
  /**
   * The registry host, `<account>.dkr.ecr.<region>.amazonaws.com`, for what needs it before any
   * login ({@link Registry.reference}, e.g. DockerImages' `registry` for `push:docker`). CI
   * reads the host from the login, whatever this says.
   * @default unknown until the login: `Registry.reference` is undefined
   */
  readonly host?: string;
  /** A path before every image in the registry (`team` for `<host>/team/<image>`): lowercase. @default none */
  readonly namespace?: string;
}

/** Options of {@link Registry.ghcr}: GitHub Container Registry, logged in to with the job's GITHUB_TOKEN. */
export interface GhcrRegistryOptions {
  /**
   * The user or organization the images go under (`ghcr.io/<namespace>/<image>`): lowercase, as
   * GHCR requires.
   * @default the repository's owner, lower-cased at run time (`Registry.reference` is then undefined)
   */
  readonly namespace?: string;
}

/** Options of {@link Registry.dockerHub}: Docker Hub (`docker.io`), logged in to with an access token. */
export interface DockerHubRegistryOptions {
  /** Repository variable holding the Docker Hub user name. @default 'DOCKERHUB_USERNAME' */
  readonly usernameVariable?: string;
  /** Actions secret holding a Docker Hub access token (read and write) of that user. @default 'DOCKERHUB_TOKEN' */
  readonly tokenSecret?: string;
  /** The user or organization the images go under (`docker.io/<namespace>/<image>`). @default none: the image names start with it (DockerImages' `namespace`) */
  readonly namespace?: string;
}

/** Options of {@link Registry.custom}: any registry logged in to with a user name and a password (Harbor, Artifactory, Nexus, a registry of your own). */
export interface CustomRegistryOptions {
  /** The registry host, `HOST[:PORT]`, such as `harbor.example.com` or `registry.example.com:5000` (no scheme, no path). */
  readonly host: string;
  /** A path before every image in the registry (a Harbor project: `<host>/<namespace>/<image>`): lowercase. @default none */
  readonly namespace?: string;
  /** Repository variable holding the user name (a robot account). @default 'REGISTRY_USERNAME' */
  readonly usernameVariable?: string;
  /** Actions secret holding its password or token. @default 'REGISTRY_PASSWORD' */
  readonly passwordSecret?: string;
}

/**
 * The plain-object form of a {@link Registry}: `{ kind: 'ghcr' }` is `Registry.ghcr()`. Each
 * kind takes the options of its factory, and no other.
 */
export interface RegistryOptions {
  /** `ecr`, `ghcr`, `docker-hub` or `custom`. */
  readonly kind: RegistryKind;
  /** ecr: see {@link EcrRegistryOptions.roleArnVariable}. @default 'AWS_ROLE_ARN' */
  readonly roleArnVariable?: string;
  /** ecr: see {@link EcrRegistryOptions.regionVariable}. @default 'AWS_REGION' */
  readonly regionVariable?: string;
  /** ecr, custom: the registry host. @default ecr: unknown until the login; custom: required */
  readonly host?: string;
  /** Every kind: the path before every image. @default ghcr: the repository's owner, lower-cased; others: none */
  readonly namespace?: string;
  /** docker-hub, custom: repository variable holding the user name. @default 'DOCKERHUB_USERNAME', 'REGISTRY_USERNAME' */
  readonly usernameVariable?: string;
  /** docker-hub: Actions secret holding the access token. @default 'DOCKERHUB_TOKEN' */
  readonly tokenSecret?: string;
  /** custom: Actions secret holding the password. @default 'REGISTRY_PASSWORD' */
  readonly passwordSecret?: string;
}

/** What a job needs to reach a registry: its login steps and permissions, and the expression of `HOST[/NAMESPACE]`. */
export interface RegistryLogin {
  /** Permissions of a job that pushes (the login's own; signing adds `id-token: write` where it signs). */
  readonly permissions: github.workflows.JobPermissions;
  /** Permissions of a job that only reads (a scan, a size comparison). */
  readonly readPermissions: github.workflows.JobPermissions;
  readonly steps: github.workflows.JobStep[];
  /** Expression of `HOST[/NAMESPACE]`, e.g. `${{ steps.login.outputs.registry }}` or `ghcr.io/acme`. */
  readonly host: string;
  /** Whether `host` may carry a namespace (then `$REGISTRY/$IMAGE` is built by {@link QUALIFY_SHELL}). */
  readonly namespaced: boolean;
}

/** The repository settings a registry's login reads. */
export interface RegistrySettings {
  /** Repository variables, by name, with what each holds. */
  readonly variables: Readonly<Record<string, string>>;
  /** Actions secrets, by name, with what each holds. */
  readonly secrets: Readonly<Record<string, string>>;
}

const KEYS: Record<RegistryKind, readonly string[]> = {
  'ecr': ['kind', 'roleArnVariable', 'regionVariable', 'host', 'namespace'],
  'ghcr': ['kind', 'namespace'],
  'docker-hub': ['kind', 'usernameVariable', 'tokenSecret', 'namespace'],
  'custom': ['kind', 'host', 'namespace', 'usernameVariable', 'passwordSecret'],
};

/** Amazon ECR's private registry hosts (`<account>.dkr.ecr.<region>.amazonaws.com`, `.com.cn` in China). */
const ECR_HOST = /^\d{12}\.dkr\.ecr(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;

function namespaceOption(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const problem = typeof value === 'string' && value.length > 0 ? registryProblem(`example.com/${value}`) : 'it is empty';
  check(problem === undefined, C, 'namespace', value, `lowercase path components of letters and digits separated by ".", "_", "__" or "-", joined by "/", such as acme or team/app (${problem})`);
  return value.replace(/\/+$/, '');
}

/**
 * Where CI pushes the images, and how its jobs log in: one object for the workflows, the docs
 * and, through {@link Registry.reference}, DockerImages' `registry` (what `push:docker` pushes to).
 *
 * ```ts
 * const registry = Registry.ghcr({ namespace: 'acme' });
 * new DockerImages(project, { namespace: 'orders', registry: registry.reference });
 * new ReusableBuildWorkflow(project, { registry, ... });
 * ```
 *
 * Every job that signs (the publish job, keyless with cosign) gets `id-token: write`, whatever
 * the registry; ECR's jobs get it for the AWS OIDC login too; no other job gets it.
 */
export class Registry {
  /** Amazon ECR through GitHub OIDC: the jobs assume an IAM role, no stored keys. */
  public static ecr(options: EcrRegistryOptions = {}): Registry {
    return new Registry({ ...options, kind: 'ecr' });
  }

  /** GitHub Container Registry: the job's GITHUB_TOKEN with `packages: write` (read for the scans). */
  public static ghcr(options: GhcrRegistryOptions = {}): Registry {
    return new Registry({ ...options, kind: 'ghcr' });
  }

  /** Docker Hub: a user name from a repository variable, an access token from a secret. */
  public static dockerHub(options: DockerHubRegistryOptions = {}): Registry {
    return new Registry({ ...options, kind: 'docker-hub' });
  }

  /** Any registry with a host, a user name (repository variable) and a password (secret): Harbor, Artifactory, your own. */
  public static custom(options: CustomRegistryOptions): Registry {
    return new Registry({ ...options, kind: 'custom' });
  }

  /** A Registry as it is, or the one its plain-object form describes. */
  public static of(registry: Registry | RegistryOptions): Registry {
    return registry instanceof Registry ? registry : new Registry(registry);
  }

  /** Which registry. */
  public readonly kind: RegistryKind;
  /** The registry host, `HOST[:PORT]`, when known before any login (always but for ECR without `host`). */
  public readonly host?: string;
  /** The path before every image, when known before any login (GHCR's default is the owner, known at run time). */
  public readonly namespace?: string;
  /** The repository variables and secrets the login reads. */
  public readonly settings: RegistrySettings;

  private constructor(options: RegistryOptions) {
    const kind = options?.kind;
    check(Object.keys(KEYS).includes(kind), C, 'kind', kind, '"ecr", "ghcr", "docker-hub" or "custom" (Registry.ecr(), Registry.ghcr(), Registry.dockerHub(), Registry.custom())');
    knownKeys(C, kind, options, KEYS[kind]);
    this.kind = kind;
    this.namespace = namespaceOption(options.namespace);
    const name = (option: keyof RegistryOptions, fallback: string) => secretName(C, option, (options[option] as string | undefined) ?? fallback);
    switch (kind) {
      case 'ecr': {
        if (options.host !== undefined) check(typeof options.host === 'string' && ECR_HOST.test(options.host), C, 'host', options.host, 'an ECR registry host, <account>.dkr.ecr.<region>.amazonaws.com, such as 123456789012.dkr.ecr.eu-west-1.amazonaws.com');
        this.host = options.host;
        this.settings = {
          variables: { [name('roleArnVariable', 'AWS_ROLE_ARN')]: 'the ARN of the IAM role the jobs assume (GitHub OIDC)', [name('regionVariable', 'AWS_REGION')]: 'the AWS region of the registry' },
          secrets: {},
        };
        break;
      }
      case 'ghcr':
        this.host = 'ghcr.io';
        this.settings = { variables: {}, secrets: {} };
        break;
      case 'docker-hub':
        this.host = 'docker.io';
        this.settings = {
          variables: { [name('usernameVariable', 'DOCKERHUB_USERNAME')]: 'the Docker Hub user name' },
          secrets: { [name('tokenSecret', 'DOCKERHUB_TOKEN')]: 'a Docker Hub access token (read and write) of that user' },
        };
        break;
      case 'custom': {
        const problem = typeof options.host === 'string' ? registryHostProblem(options.host) : 'it is required';
        check(problem === undefined, C, 'host', options.host, `a registry host HOST[:PORT] such as harbor.example.com or registry.example.com:5000, no scheme and no path (${problem})`);
        this.host = options.host;
        this.settings = {
          variables: { [name('usernameVariable', 'REGISTRY_USERNAME')]: `the user name on ${options.host}` },
          secrets: { [name('passwordSecret', 'REGISTRY_PASSWORD')]: 'its password or token' },
        };
        break;
      }
    }
  }

  /**
   * `HOST[/NAMESPACE]`, what DockerImages' `registry` option (the default of `push:docker`) takes,
   * so one object configures both; undefined when it is only known at run time (ECR without
   * `host`, GHCR without `namespace`).
   */
  public get reference(): string | undefined {
    if (this.host === undefined || (this.kind === 'ghcr' && this.namespace === undefined)) return undefined;
    return this.namespace ? `${this.host}/${this.namespace}` : this.host;
  }

  /** The names of the Actions secrets the login reads (a reusable workflow declares them, its callers pass them on). */
  public get secretNames(): string[] {
    return Object.keys(this.settings.secrets);
  }

  /** The login steps, permissions and host expression of a job; `uses` pins an action. */
  public login(uses: (action: string) => string): RegistryLogin {
    const READ = { contents: JobPermission.READ };
    const [variable, secret] = [Object.keys(this.settings.variables)[0], Object.keys(this.settings.secrets)[0]];
    const ns = this.namespace ? `/${this.namespace}` : '';
    switch (this.kind) {
      case 'ecr': {
        const [role, region] = Object.keys(this.settings.variables);
        // The OIDC token is how the job gets AWS credentials: reading needs it as much as pushing.
        const permissions = { ...READ, idToken: JobPermission.WRITE };
        return {
          permissions,
          readPermissions: permissions,
          host: `\${{ steps.login.outputs.registry }}${ns}`,
          namespaced: ns !== '',
          steps: [
            {
              name: 'AWS credentials (OIDC, no stored keys)',
              uses: uses('aws-actions/configure-aws-credentials'),
              with: { 'role-to-assume': `\${{ vars.${role} }}`, 'aws-region': `\${{ vars.${region} }}` },
            },
            { name: 'Log in to Amazon ECR', id: 'login', uses: uses('aws-actions/amazon-ecr-login') },
          ],
        };
      }
      case 'ghcr': {
        const owner: github.workflows.JobStep[] = this.namespace ? [] : [{
          name: 'Image namespace: the repository owner, lowercase (GHCR refuses uppercase)',
          id: 'registry',
          env: { OWNER: '${{ github.repository_owner }}' },
          run: 'echo "registry=ghcr.io/${OWNER,,}" >> "$GITHUB_OUTPUT"',
        }];
        return {
          permissions: { ...READ, packages: JobPermission.WRITE },
          readPermissions: { ...READ, packages: JobPermission.READ },
          host: this.namespace ? `ghcr.io${ns}` : '${{ steps.registry.outputs.registry }}',
          namespaced: true,
          steps: [...owner, {
            name: 'Log in to GHCR',
            id: 'login',
            uses: uses('docker/login-action'),
            with: { registry: 'ghcr.io', username: '${{ github.actor }}', password: '${{ secrets.GITHUB_TOKEN }}' },
          }],
        };
      }
      default:
        return {
          permissions: READ,
          readPermissions: READ,
          host: `${this.host}${ns}`,
          namespaced: ns !== '',
          steps: [{
            name: `Log in to ${this.kind === 'docker-hub' ? 'Docker Hub' : this.host}`,
            id: 'login',
            uses: uses('docker/login-action'),
            with: { registry: this.host, username: `\${{ vars.${variable} }}`, password: `\${{ secrets.${secret} }}` },
          }],
        };
    }
  }
}

/**
 * Bash that sets `repository` to `$REGISTRY/$IMAGE` by the rule of the tag script and push:docker
 * (`qualifiedRepository`): an image name that already starts with the registry's namespace does
 * not get it twice (`ghcr.io/acme` and `acme/orders` make `ghcr.io/acme/orders`).
 */
export const QUALIFY_SHELL = 'repository=$REGISTRY/$IMAGE; ns=${REGISTRY#*/}; if [ "$ns" != "$REGISTRY" ] && [[ "$IMAGE/" == "$ns/"* ]]; then repository=${REGISTRY%%/*}/$IMAGE; fi';
