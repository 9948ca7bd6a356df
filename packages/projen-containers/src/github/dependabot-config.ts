import { Component, Project, YamlFile } from 'projen';
import { check, cron, integer, knownKeys } from '../validate';

/** A base image the Dockerfiles start from, as Dependabot must treat it. */
export interface DependabotBaseImage {
  /** Repository, with its registry when not Docker Hub, e.g. `node` or `mcr.microsoft.com/playwright`. */
  readonly repository: string;
  /**
   * The npm package the image's tag follows (the Playwright image follows @playwright/test), and
   * the service folders installing it with their declared dependencies (name -> package.json
   * range). Dependabot bumps that package there; the image's tag is never bumped on its own.
   * @default none: the tag is fixed in .projenrc.ts
   */
  readonly follows?: {
    readonly package: string;
    readonly directories: readonly { readonly directory: string; readonly dependencies: Readonly<Record<string, string>> }[];
  };
}

/** Options of {@link DependabotConfig}. */
export interface DependabotConfigOptions {
  /** Folders with an npm lockfile that no image covers (e.g. the root). @default none */
  readonly npmDirectories?: () => string[];
  /**
   * The services' own dependencies: each folder with the Dependabot ecosystem of its kind (`npm`,
   * `pip`, `gomod`): `DockerImages.dependencyDirectories()`.
   * @default none
   */
  readonly packageDirectories?: () => readonly PackageDirectory[];
  /** Folders with a Dockerfile. */
  readonly dockerDirectories: () => string[];
  /** The base images of those Dockerfiles (see {@link DependabotBaseImage}). @default none: no image rule */
  readonly baseImages?: () => DependabotBaseImage[];
  /** How often Dependabot looks (`cron` takes {@link DependabotConfigOptions.cronjob}). @default 'weekly' */
  readonly interval?: DependabotInterval;
  /** With `interval: 'cron'` only: when Dependabot looks (five cron fields, UTC). @default none */
  readonly cronjob?: string;
  /**
   * Days a new release must have existed before Dependabot proposes it (`cooldown.default-days`,
   * every ecosystem): time for a compromised release to be found and pulled. From 1 to 90
   * (Dependabot's limits); there is no "off": every entry keeps a cooldown. zizmor asks for 7 or more.
   * @default 7
   */
  readonly cooldownDays?: number;
  /**
   * Watch what is pinned in generated files: the workflows' actions (`github-actions`), the
   * Dockerfiles' base images (`docker`) and a package a base image follows (raised in its
   * package.json). Those pull requests edit generated files, which the next `npx projen` would
   * revert: only a workflow that brings the change back to its source (`PinWorkflows`'
   * dependabot-sync) makes them mergeable. Without it, leave this off and refresh those pins with
   * `npx projen update-base-images` and the package's shipped pins. A function is read at synth
   * (`ContainerBuild` asks whether the project has a `PinWorkflows`).
   * @default true
   */
  readonly watchPins?: boolean | (() => boolean);
}

/** A folder with a service's own dependencies, and Dependabot's ecosystem for them. */
export interface PackageDirectory {
  /** Dependabot's `package-ecosystem`, e.g. `npm`, `pip` or `gomod`. */
  readonly ecosystem: string;
  /** The folder, from the repository root, e.g. `/services/rates`. */
  readonly directory: string;
}

/** The package ecosystems of Dependabot a service's dependencies may use. */
export const PACKAGE_ECOSYSTEMS: readonly string[] = ['npm', 'pip', 'uv', 'gomod', 'bundler', 'cargo', 'composer', 'maven', 'gradle', 'nuget', 'mix', 'pub', 'swift'];

/** The schedules Dependabot accepts (`schedule.interval`). */
export const DEPENDABOT_INTERVALS = ['daily', 'weekly', 'monthly', 'quarterly', 'semiannually', 'yearly', 'cron'] as const;
export type DependabotInterval = typeof DEPENDABOT_INTERVALS[number];

const C = 'DependabotConfig';

/**
 * A folder of the repository as dependabot.yml names it: `/`, or `/` then segments of letters,
 * digits, ".", "_" and "-" (no `..`, no `.` segment, no trailing `/`).
 */
export function dependabotDirectory(option: string, value: string): string {
  const ok = typeof value === 'string' && value.length <= 200 && (value === '/' || (/^(\/[A-Za-z0-9._-]+)+$/.test(value) && !value.split('/').some((x) => x === '.' || x === '..')));
  check(ok, C, option, value, 'a folder of the repository written from its root, such as / or /api: segments of letters, digits, ".", "_" and "-", no ".."');
  return value;
}

const ALL_UPDATES = ['version-update:semver-major', 'version-update:semver-minor', 'version-update:semver-patch'];

/**
 * The updates that would move a dependency out of its package.json range (what `lockfile-only`
 * never proposes): majors for `^1.2.3`, minors too for `~1.2.3` or `^0.2.3`, every update for an
 * exact version or a range that is not one of these. An unversioned dependency (`*`) has none.
 */
export function updatesOutsideRange(range: string): string[] {
  const r = range.trim();
  if (r === '*' || r === '' || r === 'latest') return [];
  const caret = /^\^(\d+)(?:\.\d+){0,2}$/.exec(r);
  if (caret) return caret[1] === '0' ? ALL_UPDATES.slice(0, 2) : ALL_UPDATES.slice(0, 1);
  if (/^~\d+\.\d+(\.\d+)?$/.test(r)) return ALL_UPDATES.slice(0, 2);
  return ALL_UPDATES;
}

/** Dependabot's name of a docker image: the repository without its registry (`mcr.microsoft.com/playwright` -> `playwright`). */
export function dockerDependencyName(repository: string): string {
  const [first, ...rest] = repository.split('/');
  return rest.length && (first.includes('.') || first.includes(':') || first === 'localhost') ? rest.join('/') : repository;
}

/**
 * `.github/dependabot.yml` for the services' dependencies (npm, pip, gomod, ...) and, unless
 * `watchPins` is off, GitHub Actions and Docker, every entry with a cooldown.
 *
 * npm updates are lockfile-only: package.json is generated from .projenrc.ts, so version ranges
 * move there. The exception is a package that a base image follows (@playwright/test, whose
 * version is the Playwright image's tag): in its folder Dependabot may raise its exact version
 * (`increase-if-necessary`), while every other dependency there is kept within its range by
 * `ignore` rules, as lockfile-only would. The image's own version updates are ignored (its digest
 * is still updated), so image and package never diverge; fixed-tag images ignore major versions
 * (a new Node.js major is a decision made in .projenrc.ts).
 *
 * Pull requests that touch generated files (workflow pins, Dockerfiles, a followed package) are
 * brought back to their sources by the dependabot-sync workflow (`npx projen sync-pins`, then
 * `npx projen`).
 */
export class DependabotConfig extends Component {
  /** Days a release must have existed before Dependabot proposes it. */
  public readonly cooldownDays: number;
  private readonly watchPinsOption: boolean | (() => boolean);
  private readonly options: DependabotConfigOptions;

  constructor(project: Project, options: DependabotConfigOptions) {
    super(project);
    knownKeys(C, 'options', options, ['npmDirectories', 'packageDirectories', 'dockerDirectories', 'baseImages', 'interval', 'cronjob', 'cooldownDays', 'watchPins']);
    const watchPins = options.watchPins ?? true;
    check(typeof watchPins === 'boolean' || typeof watchPins === 'function', C, 'watchPins', watchPins, 'true or false (or a function that says which, at synth)');
    this.watchPinsOption = watchPins;
    const interval = options.interval ?? 'weekly';
    check(DEPENDABOT_INTERVALS.includes(interval), C, 'interval', interval, `one of ${DEPENDABOT_INTERVALS.join(', ')}`);
    check((interval === 'cron') === (options.cronjob !== undefined), C, 'cronjob', options.cronjob ?? null, 'set with interval "cron", and only then');
    const schedule = interval === 'cron' ? { interval, cronjob: cron(C, 'cronjob', options.cronjob!) } : { interval };
    const days = integer(C, 'cooldownDays', options.cooldownDays ?? 7, 1, 90);
    this.cooldownDays = days;
    this.options = options;
    const cooldown = { 'default-days': days };
    const bases = () => (this.watchPins ? options.baseImages?.() ?? [] : []);

    const npmEntry = (directory: string) => {
      const followed = bases().flatMap((b) => (b.follows?.directories ?? [])
        .filter((d) => d.directory === directory)
        .map((d) => ({ pkg: b.follows!.package, deps: d.dependencies })));
      const base = { 'package-ecosystem': 'npm', directory, schedule, cooldown };
      const groups = { npm: { 'patterns': ['*'], 'update-types': ['minor', 'patch'] } };
      if (followed.length === 0) return { ...base, 'versioning-strategy': 'lockfile-only', groups };
      const pkgs = followed.map((f) => f.pkg);
      const deps: Record<string, string> = Object.assign({}, ...followed.map((f) => f.deps));
      const ignore = [
        // A new major of a followed package may change its image's tag scheme: a decision, not an update.
        ...pkgs.map((pkg) => ({ 'dependency-name': pkg, 'update-types': ALL_UPDATES.slice(0, 1) })),
        ...Object.entries(deps).filter(([name]) => !pkgs.includes(name))
          .map(([name, range]) => ({ 'dependency-name': name, 'update-types': updatesOutsideRange(range) }))
          .filter((rule) => rule['update-types'].length > 0),
      ];
      return { ...base, 'versioning-strategy': 'increase-if-necessary', groups, ignore };
    };

    new YamlFile(project, '.github/dependabot.yml', {
      marker: true,
      obj: {
        version: 2,
        updates: () => [
          ...this.packageDirectories().map((d) => (d.ecosystem === 'npm' ? npmEntry(d.directory) : {
            'package-ecosystem': d.ecosystem,
            'directory': d.directory,
            schedule,
            cooldown,
            'groups': { [d.ecosystem]: { 'patterns': ['*'], 'update-types': ['minor', 'patch'] } },
          })),
          ...(this.watchPins ? [{ 'package-ecosystem': 'github-actions', 'directory': '/', schedule, cooldown, 'groups': { actions: { patterns: ['*'] } } }] : []),
          ...(this.watchPins ? [{
            'package-ecosystem': 'docker',
            'directories': options.dockerDirectories(),
            schedule,
            cooldown,
            // One pull request for a base image used by several Dockerfiles.
            'groups': { 'base-images': { patterns: ['*'] } },
            ...(bases().length ? {
              ignore: bases().map((b) => ({
                'dependency-name': dockerDependencyName(b.repository),
                'update-types': b.follows ? ALL_UPDATES : ALL_UPDATES.slice(0, 1),
              })),
            } : {}),
          }] : []),
        ],
      },
    });
  }

  /** Whether the actions, base images and followed packages pinned in generated files are watched (see {@link DependabotConfigOptions.watchPins}). */
  public get watchPins(): boolean {
    return typeof this.watchPinsOption === 'function' ? this.watchPinsOption() === true : this.watchPinsOption;
  }

  /** Every folder and its ecosystem, once each: the npm folders first, then the services'. */
  public packageDirectories(): PackageDirectory[] {
    const all = [...(this.options.npmDirectories?.() ?? []).map((directory) => ({ ecosystem: 'npm', directory })), ...(this.options.packageDirectories?.() ?? [])];
    return all.filter((d, i) => all.findIndex((o) => o.ecosystem === d.ecosystem && o.directory === d.directory) === i);
  }

  /** The folders and base images, known once every service is declared: checked before any file is written. */
  public preSynthesize(): void {
    for (const d of this.options.npmDirectories?.() ?? []) dependabotDirectory('npmDirectories', d);
    for (const d of this.options.packageDirectories?.() ?? []) {
      dependabotDirectory('packageDirectories', d.directory);
      check(PACKAGE_ECOSYSTEMS.includes(d.ecosystem), C, 'packageDirectories.ecosystem', d.ecosystem, `one of Dependabot's package ecosystems: ${PACKAGE_ECOSYSTEMS.join(', ')}`);
    }
    if (!this.watchPins) return;
    for (const d of this.options.dockerDirectories()) dependabotDirectory('dockerDirectories', d);
    for (const b of this.options.baseImages?.() ?? []) {
      check(/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)*$/.test(b.repository ?? ''), C, 'baseImages.repository', b.repository, 'an image repository such as node or mcr.microsoft.com/playwright');
      if (!b.follows) continue;
      check(/^(@[a-z0-9._-]+\/)?[a-z0-9._-]+$/.test(b.follows.package ?? ''), C, 'baseImages.follows.package', b.follows.package, 'an npm package name such as @playwright/test');
      for (const d of b.follows.directories) dependabotDirectory('baseImages.follows.directories', d.directory);
    }
  }
}
