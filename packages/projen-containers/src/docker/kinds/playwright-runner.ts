/**
 * The `playwright-runner` kind: a Playwright suite shipped as an image that runs once against
 * running services and exits with the suite's result. On the official Playwright image (its
 * browsers included), with a generated POSIX entrypoint that waits for each target's health
 * endpoint, and a `npx projen docker:run:<service>` task with the recommended `docker run` flags.
 */
import { TaskShell, TextFile } from 'projen';
import { sourceFile } from '../../lib/source-file';
import { GENERATED_MARKER } from '../../marker';
import { check, contextPath, envName, httpPath, integer } from '../../validate';
import type { DockerfileModel } from '../dockerfile-model';
import { kebabName } from '../names';
import { ImageContext, ImageTarget, KindBaseImage, defineImageKind } from './kind';
import {
  depsStage, envNameTaken, installFiles, missing, naiveStage, NODE_INSTALL_OPTIONS, NODE_RUNTIME_OPTIONS, nodeHttpCheck, NodeInstallOptions,
  NodeRuntime, NodeRuntimeOptions, onlyKeys, resolveInstallScripts, resolveNodeRuntime,
} from './node-common';
import { checkRunFlags } from './run-flags';
import { addBase, addLabelsAndVersion, fromBase, VERSION_ENV } from './stages';

/** A service the runner waits for before the suite starts. */
export interface RunnerTarget {
  /** Name in messages, e.g. `web`: kebab-case. */
  readonly name: string;
  /** Variable holding the target's base URL, e.g. `BASE_URL`: UPPER_SNAKE_CASE, not one the runner, its image or its run task reads ({@link RUNNER_READS}). */
  readonly urlEnv: string;
  /** Health path appended to the URL, e.g. `/api/health`. */
  readonly healthPath: string;
}

/** What the runner waits for, and the suite's defaults. */
export interface RunnerOptions {
  /** Services to wait for before the suite starts; the first one is also the image's health check. */
  readonly targets: readonly RunnerTarget[];
  /** Seconds to wait for all targets to be healthy. @default 60 */
  readonly waitTimeoutSeconds?: number;
  /** Playwright project run by default. @default 'chromium' */
  readonly defaultProject?: string;
  /** Workers by default. @default 2 */
  readonly defaultWorkers?: number;
  /** Files and folders of the suite, relative to the service folder (folders end with `/`). @default ['playwright.config.ts', 'tsconfig.json', 'src/', 'tests/'] */
  readonly suiteFiles?: string[];
  /**
   * Recommended `docker run` flags, used by the run task and the docs, such as `--ipc=host`: only
   * flags that keep the container unprivileged (`ALLOWED_RUN_FLAGS` in `run-flags.ts`, where each
   * has the line the guide prints for it).
   * @default []
   */
  readonly runFlags?: string[];
}

/** Options of a `playwright-runner` image. */
export interface PlaywrightRunnerOptions extends NodeRuntimeOptions, NodeInstallOptions {
  /** The services it waits for, and the suite's defaults. */
  readonly runner: RunnerOptions;
}

/** Its options, checked and with their defaults. */
export interface PlaywrightRunner extends NodeRuntime {
  readonly targets: readonly RunnerTarget[];
  readonly waitTimeoutSeconds: number;
  readonly defaultProject: string;
  readonly defaultWorkers: number;
  readonly suiteFiles: readonly string[];
  readonly runFlags: readonly string[];
  /** Whether the production install runs install scripts, read at synth. */
  readonly installScripts: boolean;
}

/** The entrypoint script, in the service folder and in the image. */
export const ENTRYPOINT_SCRIPT = 'docker-entrypoint.sh';

/** What the runner's image sets itself. */
const RUNNER_IMAGE_ENV = { CI: 'true', PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1', RESULTS_DIR: '/results' };

/** The suite's settings, read by the entrypoint and the Playwright config; the run task passes them through. */
const SUITE_SETTINGS = ['UNAVAILABLE_BASE_URL', 'PW_PROJECT', 'PW_WORKERS', 'PW_TIMEOUT_MS', 'PW_RETRIES', 'WAIT_TIMEOUT'];

/** The variables the run task's shell reads: the network and the image it runs. */
const RUN_TASK_ENV = { network: 'DOCKER_NETWORK', image: 'IMAGE' };

/** Every variable the runner, its image or its run task reads or sets itself: no target's URL variable may be one of them. */
export const RUNNER_READS: readonly string[] = [
  ...SUITE_SETTINGS, ...Object.keys(RUNNER_IMAGE_ENV), ...Object.keys(VERSION_ENV), ...Object.values(RUN_TASK_ENV),
];

const RUNNER_KEYS = ['targets', 'waitTimeoutSeconds', 'defaultProject', 'defaultWorkers', 'suiteFiles', 'runFlags'];
const C = 'DockerImages';

function resolveRunner(o: PlaywrightRunnerOptions, service: string, target?: ImageTarget): PlaywrightRunner {
  const r = o.runner;
  if (!r || !Array.isArray(r.targets) || r.targets.length === 0) missing('runner.targets', service, 'a playwright-runner image needs the services it waits for before running, such as [{ name: \'web\', urlEnv: \'BASE_URL\', healthPath: \'/health\' }]');
  onlyKeys('runner', r, RUNNER_KEYS, service);
  const targets = r.targets.map((t, i) => {
    const at = `runner.targets[${i}]`;
    onlyKeys(at, t, ['name', 'urlEnv', 'healthPath'], service);
    // All three reach the entrypoint's shell and the health check's JavaScript unquoted: safe alphabets only.
    const urlEnv = envName(C, `${at}.urlEnv`, t.urlEnv, service);
    const taken = envNameTaken(urlEnv, RUNNER_READS, 'the runner, its image or its run task reads or sets');
    check(taken === undefined, C, `${at}.urlEnv`, urlEnv, `a variable of its own, such as BASE_URL: ${taken}`, service);
    return {
      name: kebabName(C, `${at}.name`, t.name, service),
      urlEnv,
      healthPath: httpPath(C, `${at}.healthPath`, t.healthPath, service),
    };
  });
  for (const key of ['name', 'urlEnv'] as const) {
    const values = targets.map((t) => t[key]);
    const twice = values.find((v, i) => values.indexOf(v) !== i);
    check(twice === undefined, C, `runner.targets[].${key}`, twice, 'a different one for each target', service);
  }
  const defaultProject = r.defaultProject ?? 'chromium';
  check(typeof defaultProject === 'string' && /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(defaultProject), C, 'runner.defaultProject', defaultProject, 'a Playwright project name of letters, digits, "_", "." and "-", such as chromium', service);
  const suiteFiles = r.suiteFiles ?? ['playwright.config.ts', 'tsconfig.json', 'src/', 'tests/'];
  for (const f of suiteFiles) contextPath(C, 'runner.suiteFiles', typeof f === 'string' ? f.replace(/\/$/, '') : f, service);
  const runFlags = [...checkRunFlags(C, 'runner.runFlags', r.runFlags ?? [], service)];
  const runtime = resolveNodeRuntime(o, service, 'pwuser', Object.keys(RUNNER_IMAGE_ENV), target);
  const installScripts = resolveInstallScripts(o, service, target, runtime.packageManager);
  return {
    ...runtime,
    // Read at synth: the lock file may change after addService().
    get installScripts() { return installScripts(); },
    targets,
    waitTimeoutSeconds: integer(C, 'runner.waitTimeoutSeconds', r.waitTimeoutSeconds ?? 60, 1, 86400, service),
    defaultProject,
    defaultWorkers: integer(C, 'runner.defaultWorkers', r.defaultWorkers ?? 2, 1, 256, service),
    suiteFiles,
    runFlags,
  };
}

/** The official Playwright image of the installed @playwright/test version, unless the project declares another `playwright`. */
export const PLAYWRIGHT_BASE: KindBaseImage = {
  name: 'playwright',
  image: { repository: 'mcr.microsoft.com/playwright', tag: 'v{version}-noble', buildArg: 'PLAYWRIGHT_IMAGE', versionOf: '@playwright/test' },
};

const PLAYWRIGHT_BASE_COMMENT = 'Official Playwright image of the installed @playwright/test version, pinned by digest (Dependabot updates\nthe digest; the tag follows @playwright/test); the build argument overrides it.';

function render(model: DockerfileModel, ctx: ImageContext<PlaywrightRunner>): void {
  const o = ctx.options;
  addBase(model, ctx, PLAYWRIGHT_BASE_COMMENT);
  // Not pruned: Playwright ships folders named test that it runs (lib/mcp/test).
  depsStage(model, ctx, 'deps', 'The suite\'s runtime dependencies (@playwright/test); the browsers come with the base image.', 'production');
  const first = o.targets[0];
  const runner = model.addStage('runner', { from: fromBase(ctx), comment: 'The suite, run by a non-root user; reports go to the /results volume.' })
    .workdir('/app')
    .env({ ...RUNNER_IMAGE_ENV, ...o.env })
    .copy('/app/node_modules', './node_modules', { from: 'deps' })
    .copy(['package.json', ...o.suiteFiles.filter((f) => !f.endsWith('/'))], './');
  for (const dir of o.suiteFiles.filter((f) => f.endsWith('/'))) runner.copy(dir.replace(/\/$/, ''), `./${dir}`);
  runner
    .copy(ENTRYPOINT_SCRIPT, '/usr/local/bin/playwright-runner')
    .run(`mkdir -p /results && chown ${o.user}:${o.user} /results && chmod 0755 /usr/local/bin/playwright-runner`)
    .volume('/results')
    .user(o.uid)
    .comment('Healthy while the stack under test answers: a run against a dead stack shows up in `docker ps`.')
    // urlEnv is UPPER_SNAKE_CASE and healthPath has no quote (both checked): the JavaScript is well formed.
    .healthcheck({ command: nodeHttpCheck(`process.env.${first.urlEnv}+'${first.healthPath}'`), interval: o.healthInterval });
  addLabelsAndVersion(runner, ctx);
  runner.entrypoint(['/usr/local/bin/playwright-runner']);
}

/**
 * The entrypoint, as POSIX sh: wait for each target's health endpoint (bounded), run the
 * Playwright suite with the chosen project and worker count, and exit with the suite's exit code
 * (exec: the suite replaces the shell). Every value in it was checked against a safe alphabet.
 */
export function runnerEntrypointLines(service: string, o: PlaywrightRunner): string[] {
  const waits = o.targets.map((t) => `wait_for ${t.name} "\${${t.urlEnv}:?${t.urlEnv} must be set to the ${t.name} under test, e.g. -e ${t.urlEnv}=http://127.0.0.1:3000}" "${t.healthPath}"`);
  return [
    '#!/bin/sh',
    `# ${GENERATED_MARKER}`,
    `# Entrypoint of the ${service} image, generated by ${PLAYWRIGHT_RUNNER.source}.`,
    '# Settings (environment): WAIT_TIMEOUT (s), PW_PROJECT, PW_WORKERS, PW_TIMEOUT_MS, PW_RETRIES, RESULTS_DIR.',
    '# Arguments are passed on to `playwright test`. Exit codes: the suite\'s, or 3 when a target never became healthy.',
    'set -eu',
    '',
    `WAIT_TIMEOUT="\${WAIT_TIMEOUT:-${o.waitTimeoutSeconds}}"`,
    `PW_PROJECT="\${PW_PROJECT:-${o.defaultProject}}"`,
    `PW_WORKERS="\${PW_WORKERS:-${o.defaultWorkers}}"`,
    'export PW_WORKERS',
    '',
    'wait_for() {',
    '  name=$1 url="${2%/}$3"',
    '  deadline=$(( $(date +%s) + WAIT_TIMEOUT ))',
    '  echo "playwright-runner: waiting for $name at $url (up to ${WAIT_TIMEOUT}s)"',
    '  until node -e "fetch(process.argv[1],{signal:AbortSignal.timeout(5000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" "$url"; do',
    '    if [ "$(date +%s)" -ge "$deadline" ]; then',
    '      echo "playwright-runner: $name is not healthy at $url after ${WAIT_TIMEOUT}s; is it running and reachable from this container?" >&2',
    '      exit 3',
    '    fi',
    '    sleep 1',
    '  done',
    '}',
    '',
    ...waits,
    '',
    '[ "${1:-}" = "--" ] && shift  # `npx projen docker:run:...` passes the separator through',
    'mkdir -p "${RESULTS_DIR:-/results}"',
    'echo "playwright-runner: running project $PW_PROJECT with $PW_WORKERS workers; reports in ${RESULTS_DIR:-/results}"',
    'exec node node_modules/@playwright/test/cli.js test --project="$PW_PROJECT" --workers="$PW_WORKERS" "$@"',
    '',
  ];
}

/**
 * `npx projen docker:run:<service>`: runs the image with its recommended flags against the targets
 * in the environment (BASE_URL, API_URL, ...), reports in `<service>/results`. Every value in the
 * command (context, flags, variable names, image name) was checked against a safe alphabet.
 */
function addRunTask(target: ImageTarget, o: PlaywrightRunner): void {
  const envs = [...o.targets.map((t) => t.urlEnv), ...SUITE_SETTINGS];
  target.rootProject.addTask(`docker:run:${target.service}`, {
    // ${VAR:-default} needs a POSIX shell; projen's own shell does not expand it.
    shell: TaskShell.sh(),
    description: `Run the ${target.imageName} image against ${o.targets.map((t) => t.urlEnv).join('/')} with its recommended flags (${o.runFlags.join(' ')})`,
    steps: [
      { exec: `mkdir -p ${target.context}/results && chmod a+rwx ${target.context}/results` },
      {
        exec: [
          'docker run --rm', ...o.runFlags, `--network "\${${RUN_TASK_ENV.network}:-host}"`,
          ...[...new Set(envs)].map((e) => `-e ${e}`), `-v "$(pwd)/${target.context}/results:/results"`, `"\${${RUN_TASK_ENV.image}:-${target.imageName}:dev}"`,
        ].join(' '),
        receiveArgs: true,
      },
    ],
  });
}

export const PLAYWRIGHT_RUNNER = defineImageKind<PlaywrightRunnerOptions, PlaywrightRunner>({
  name: 'playwright-runner',
  description: 'a Playwright suite that runs once against running services and exits with its result',
  dependencyEcosystem: 'npm',
  source: sourceFile(__filename),
  options: ['runner', ...NODE_INSTALL_OPTIONS, ...NODE_RUNTIME_OPTIONS],
  bases: { runtime: PLAYWRIGHT_BASE },
  resolve: resolveRunner,
  contextFiles: (o) => [...installFiles(o), ...o.suiteFiles, ENTRYPOINT_SCRIPT],
  render,
  facts: (o) => ({
    user: o.user,
    uid: o.uid,
    runFlags: [...o.runFlags],
    runner: { targets: o.targets, waitTimeoutSeconds: o.waitTimeoutSeconds, defaultProject: o.defaultProject, defaultWorkers: o.defaultWorkers },
  }),
  addFiles: (target, o) => {
    const file = new TextFile(target.serviceProject, ENTRYPOINT_SCRIPT, { readonly: true, executable: true });
    for (const line of runnerEntrypointLines(target.service, o)) file.addLine(line);
    addRunTask(target, o);
  },
  renderNaive: (model, ctx) => {
    naiveStage(model, ctx).cmd(['node_modules/.bin/playwright', 'test']);
  },
});
