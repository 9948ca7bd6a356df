/**
 * The `docker run` flags a test-runner image may recommend (`runFlags`): an allow-list of flags
 * that keep the container unprivileged, each with the one line the build guide prints for it. A
 * flag not on the list is refused with the reason (privilege, host access, ...), so neither the
 * `docker:run:<service>` task nor the guide ever recommends one that breaks isolation.
 *
 * What is not on the list, and why:
 * - `--network`: the run task sets it itself (`DOCKER_NETWORK`, default `host`, so that
 *   `127.0.0.1` reaches the stack under test); a second one would contradict it.
 * - `--volume`/`--mount`/`--env`/`--env-file`: the run task mounts `results/` and passes the
 *   runner's variables itself; anything else reads host files into the container.
 * - `--user`/`--group-add`/`--cap-add`/`--privileged`/`--device`/`--security-opt` (but
 *   `no-new-privileges`)/`--sysctl`/`--runtime`: privilege.
 * - `--pid`/`--uts`/`--userns`/`--cgroupns`: host namespaces. `--ipc=host` is the one exception,
 *   as Playwright's own documentation recommends it for Chromium (or `--shm-size` instead).
 */
import { check } from '../../validate';

/** One allowed flag: its value (none for a switch), how often it may appear, and its line in the guide. */
interface RunFlagRule {
  /** The flag, such as `--memory`. */
  readonly name: string;
  /** The value it takes, as the error message shows it, such as `<size>`; none for a switch. */
  readonly form?: string;
  /** Whether a value is allowed; required when `form` is set. */
  readonly value?: (v: string) => boolean;
  /** May be given more than once (`--tmpfs=/tmp --tmpfs=/run`). @default false */
  readonly repeatable?: boolean;
  /** What it does, for the guide: one line, after "`<flag>`: ". */
  readonly explain: (v: string | undefined) => string;
}

/** A size as `docker run` reads it, above zero: `2g`, `512m`, `1.5g` (k, m or g, optionally followed by b). */
const SIZE = (v: string) => /^(?:\d{1,7})(?:\.\d{1,3})?[kmg]b?$/i.test(v) && parseFloat(v) > 0;
/** A whole number from 1 to `max`. */
const WHOLE = (max: number) => (v: string) => /^[1-9]\d{0,6}$/.test(v) && Number(v) <= max;
/** An absolute path inside the container of plain segments, with optional tmpfs mount options. */
const TMPFS = (v: string) => {
  const [dir, opts, ...rest] = v.split(':');
  return rest.length === 0 && /^(?:\/[a-z0-9_][a-z0-9._-]*)+$/.test(dir) && !dir.split('/').includes('..')
    && (opts === undefined || opts.split(',').every((o) => /^(?:rw|ro|noexec|nosuid|nodev|size=[1-9]\d{0,6}[kmg]?|mode=[0-7]{3,4})$/.test(o)));
};

/** The flags a runner may recommend: none of them grants privilege or host access. */
export const ALLOWED_RUN_FLAGS: readonly RunFlagRule[] = [
  { name: '--init', explain: () => 'runs a tiny init as PID 1 that reaps the browser\'s child processes and passes signals on' },
  { name: '--ipc', form: 'host|private', value: (v) => v === 'host' || v === 'private', explain: (v) => v === 'host' ? 'gives Chromium the shared memory it needs (Playwright\'s recommendation; `--shm-size=1g` instead keeps the IPC namespace private)' : 'keeps the IPC namespace private (give Chromium enough `--shm-size`)' },
  { name: '--shm-size', form: '<size>', value: SIZE, explain: (v) => `gives the container ${v} of shared memory (/dev/shm) for Chromium` },
  { name: '--memory', form: '<size>', value: SIZE, explain: (v) => `caps the runner's memory at ${v}, so a run cannot starve the stack under test` },
  { name: '--memory-reservation', form: '<size>', value: SIZE, explain: (v) => `reserves ${v} of memory for the runner` },
  { name: '--memory-swap', form: '<size>', value: SIZE, explain: (v) => `caps memory plus swap at ${v}` },
  { name: '--cpus', form: '<n>', value: (v) => /^\d{1,4}(?:\.\d{1,3})?$/.test(v) && Number(v) > 0 && Number(v) <= 1024, explain: (v) => `caps the runner at ${v} CPUs, so a run cannot starve the stack under test` },
  { name: '--pids-limit', form: '<n>', value: WHOLE(1_000_000), explain: (v) => `caps the container at ${v} processes (a runaway browser cannot fork-bomb the host)` },
  { name: '--read-only', explain: () => 'mounts the image\'s file system read-only (reports still go to the /results volume)' },
  { name: '--tmpfs', form: '<path>[:options]', value: TMPFS, repeatable: true, explain: (v) => `mounts an in-memory ${v!.split(':')[0]}, writable under --read-only` },
  { name: '--cap-drop', form: 'ALL|<capability>', value: (v) => /^(?:ALL|(?:CAP_)?[A-Z][A-Z_]{1,30})$/.test(v), repeatable: true, explain: (v) => `drops the ${v === 'ALL' ? 'kernel capabilities the image does not need (all of them)' : `${v} capability`}` },
  { name: '--security-opt', form: 'no-new-privileges', value: (v) => /^no-new-privileges(?:[:=]true)?$/.test(v), explain: () => 'stops any process in the container from gaining privileges (setuid binaries)' },
];

/** Why a flag that is not on the allow-list (or another value of one that is) is refused, for the flags one might reach for. */
const REFUSED: Readonly<Record<string, string>> = {
  '--privileged': 'gives the container every capability and the host\'s devices',
  '--cap-add': 'adds kernel capabilities (privilege)',
  '--user': 'changes the user: the image runs as its own non-root user',
  '-u': 'changes the user: the image runs as its own non-root user',
  '--group-add': 'adds groups to the non-root user (privilege)',
  '--security-opt': 'weakens the container\'s confinement',
  '--ipc': 'joins another container\'s IPC namespace',
  '--device': 'gives the container a host device',
  '--device-cgroup-rule': 'gives the container host devices',
  '--gpus': 'gives the container host devices',
  '--sysctl': 'changes kernel parameters',
  '--runtime': 'chooses another container runtime',
  '--oom-kill-disable': 'lets the container exhaust the host\'s memory',
  '--pid': 'shares a host or container namespace',
  '--uts': 'shares a host namespace',
  '--userns': 'shares the host\'s user namespace',
  '--cgroupns': 'shares the host\'s cgroup namespace',
  '--cgroup-parent': 'moves the container out of Docker\'s cgroup',
  '--volume': 'mounts host files (the run task mounts results/ itself)',
  '-v': 'mounts host files (the run task mounts results/ itself)',
  '--mount': 'mounts host files (the run task mounts results/ itself)',
  '--volumes-from': 'mounts another container\'s files',
  '--env-file': 'reads a host file into the container (the run task passes the runner\'s variables itself)',
  '--env': 'sets variables: the run task passes the runner\'s variables itself',
  '-e': 'sets variables: the run task passes the runner\'s variables itself',
  '--entrypoint': 'replaces the runner\'s entrypoint, which waits for the targets and runs the suite',
  '--network': 'the run task sets the network itself (DOCKER_NETWORK, default host)',
  '--net': 'the run task sets the network itself (DOCKER_NETWORK, default host)',
  '--rm': 'the run task sets it itself',
};

const split = (flag: string): [string, string | undefined] => {
  const eq = flag.indexOf('=');
  return eq < 0 ? [flag, undefined] : [flag.slice(0, eq), flag.slice(eq + 1)];
};

const ALLOWED_FORMS = ALLOWED_RUN_FLAGS.map((r) => r.form ? `${r.name}=${r.form}` : r.name).join(', ');

/**
 * Checks the flags a runner recommends against {@link ALLOWED_RUN_FLAGS}: each written
 * `--name` or `--name=value` (one word: the task and the guide write it unquoted), with a value
 * of the allowed form, and each at most once unless repeatable. Throws a ConfigError saying why a
 * flag is refused and which are allowed.
 */
export function checkRunFlags(component: string, option: string, flags: readonly string[], service?: string): readonly string[] {
  check(Array.isArray(flags), component, option, flags, 'a list of docker run flags such as [\'--init\', \'--ipc=host\']', service);
  const seen = new Set<string>();
  for (const flag of flags) {
    const [name, value] = typeof flag === 'string' ? split(flag) : ['', undefined];
    const rule = ALLOWED_RUN_FLAGS.find((r) => r.name === name);
    const reason = typeof flag !== 'string' ? 'not a string'
      : !rule ? REFUSED[name] ?? `${name} is not on the allow-list`
        : rule.form === undefined ? (value === undefined ? undefined : `${name} takes no value`)
          : value === undefined || !rule.value!(value) ? `${name} takes ${rule.form}${/<(size|n)>/.test(rule.form) ? ' (above zero: never unlimited)' : ''}${REFUSED[name] && value !== undefined ? ` (any other ${REFUSED[name]})` : ''}`
            : undefined;
    check(reason === undefined, component, option, flag, `${reason}; only flags that keep the container unprivileged are allowed, such as ${ALLOWED_FORMS}`, service);
    check(rule!.repeatable || !seen.has(name), component, option, flag, `${name} once only`, service);
    seen.add(name);
  }
  return flags;
}

/** The guide's line for an allowed flag: what it does. */
export function explainRunFlag(flag: string): string {
  const [name, value] = split(flag);
  const rule = ALLOWED_RUN_FLAGS.find((r) => r.name === name);
  if (!rule) throw new Error(`explainRunFlag: ${flag} is not an allowed flag (checkRunFlags refuses it)`);
  return rule.explain(value);
}
