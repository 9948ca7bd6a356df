/**
 * Command line of the image tag script (bundled into scripts/image-tags.mjs by the
 * ImageTagScript component). Prints the tags of one image for the current build.
 */
import { appendFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { GitContextError, readContext } from './context';
import { imageName, InvalidReferenceError, REGISTRY_FORMS, registryProblem } from './docker-reference';
import { checkSourceUrl, checkTitle } from './inputs';
import { computeTags, movingTags, ociLabels, TagPolicyError, TagPolicyOptions } from './policy';

export const FORMATS = ['lines', 'tags', 'json', 'labels', 'github-output', 'sha'] as const;
export type Format = (typeof FORMATS)[number];

/** The help; `--environment` names staging only in a project that has it. */
const usage = (policy: TagPolicyOptions) => `Usage: image-tags --image NAME [options]

Prints the tags of an image for the current build, from git and the CI environment.

  --image NAME            image repository, e.g. qualisys/api (required; or IMAGE_NAME)
  --registry HOST[/NS]    registry host and optional namespace, e.g. ghcr.io/acme (or IMAGE_REGISTRY)
  --format FORMAT         lines (full references, default), tags, json, labels, github-output,
                          sha (the reference of the commit's SHA tag only)
  --sha SHA               commit (or TAG_SHA; default: GITHUB_SHA, then git)
  --ref-type TYPE         branch, tag or detached (or TAG_REF_TYPE)
  --ref-name NAME         branch or tag name (or TAG_REF_NAME)
  --event NAME            push, pull_request, workflow_dispatch, ... (or TAG_EVENT)
  --pr N                  pull request number (or TAG_PR)
  --environment ENV       ${policy.stagingBranch === false ? 'production' : 'staging or production'} (or DEPLOY_ENVIRONMENT)
  --default-branch NAME   branch that gets "latest" (or DEFAULT_BRANCH)
  --timestamp T           build time (or SOURCE_DATE_EPOCH): seconds since 1970, or ISO 8601
                          with Z or an offset (2026-01-23T14:30:22Z, 2026-01-23T15:30+01:00),
                          or a date alone (2026-01-23, midnight UTC)
  --dirty true|false      treat the work tree as dirty or clean (default: ask git; false in CI)
  --source URL            source repository URL for the labels
  --title TEXT            image title label (default: last part of the image name)
  --cwd DIR               repository folder (default: current folder)
  -h, --help              this help

On a detached HEAD, the release tag vX.Y.Z[-pre][+build] of highest SemVer precedence at HEAD
makes a release build; other tags at HEAD are ignored.

Exit status: 0 tags printed, 2 bad input (flags, variables, git state: the message says what to
pass), 1 anything else. Through a projen task (npx projen ...) every failure exits 1: projen's
task runner does that. Run the script with node where the exact status matters.
`;

export class UsageError extends Error {}

/** $GITHUB_OUTPUT cannot be written (exit 1: the runner's file, not an input of the build). */
export class OutputError extends Error {}

/**
 * Runs the command; returns the text to print. Throws UsageError or a policy error on bad input.
 * Notes (tags at HEAD that do not count, several release tags) go to `note`, never to the output.
 */
export function run(
  argv: string[], env: NodeJS.ProcessEnv, policy: TagPolicyOptions, clock?: () => Date,
  note: (text: string) => void = (text) => process.stderr.write(`image-tags: note: ${text}\n`),
): string {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        'image': { type: 'string' },
        'registry': { type: 'string' },
        'format': { type: 'string' },
        'sha': { type: 'string' },
        'ref-type': { type: 'string' },
        'ref-name': { type: 'string' },
        'event': { type: 'string' },
        'pr': { type: 'string' },
        'environment': { type: 'string' },
        'default-branch': { type: 'string' },
        'timestamp': { type: 'string' },
        'dirty': { type: 'string' },
        'source': { type: 'string' },
        'title': { type: 'string' },
        'cwd': { type: 'string' },
        'help': { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new UsageError(`${(err as Error).message.replace(/\s*\n\s*/g, ' ').replace(/([^.!?])$/, '$1.')} Run with --help for the options.`);
  }
  if (values.help) return usage(policy);

  const format = (values.format ?? 'lines') as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`Unknown --format ${JSON.stringify(values.format)}: expected one of ${FORMATS.join(', ')}.`);
  const repository = values.image ?? env.IMAGE_NAME;
  if (!repository) throw new UsageError('--image is required (or set IMAGE_NAME). Run with --help for the options.');
  const dirtyRaw = values.dirty;
  if (dirtyRaw !== undefined && dirtyRaw !== 'true' && dirtyRaw !== 'false') throw new UsageError(`--dirty takes true or false, not ${JSON.stringify(dirtyRaw)}.`);
  const registry = values.registry ?? (env.IMAGE_REGISTRY || undefined);
  const registryWhy = registry === undefined ? undefined : registryProblem(registry);
  if (registryWhy) {
    throw new InvalidReferenceError(`Invalid registry ${JSON.stringify(registry)} (${values.registry !== undefined ? '--registry' : 'IMAGE_REGISTRY'}): ${registryWhy}. Expected ${REGISTRY_FORMS}.`);
  }
  const name = imageName(repository, registry);
  const source = values.source === undefined ? undefined : checkSourceUrl(values.source, '--source');
  const title = values.title === undefined ? undefined : checkTitle(values.title, '--title');

  const { context, source: detectedSource, notes } = readContext({
    cwd: values.cwd,
    env,
    clock,
    pullRequestSource: values.pr !== undefined ? '--pr' : 'TAG_PR',
    overrides: {
      sha: values.sha ?? (env.TAG_SHA || undefined),
      refType: values['ref-type'] ?? (env.TAG_REF_TYPE || undefined),
      refName: values['ref-name'] ?? (env.TAG_REF_NAME || undefined),
      event: values.event ?? (env.TAG_EVENT || undefined),
      pullRequest: values.pr ?? (env.TAG_PR || undefined),
      environment: values.environment,
      timestamp: values.timestamp,
      dirty: dirtyRaw === undefined ? undefined : dirtyRaw === 'true',
    },
  });
  notes.forEach(note);
  const result = computeTags(context, { ...policy, defaultBranch: values['default-branch'] ?? (env.DEFAULT_BRANCH || policy.defaultBranch) });
  const refs = result.tags.map((t) => `${name}:${t.tag}`);
  const labels = ociLabels({ result, source: source ?? detectedSource, title: title ?? repository.split('/').pop() });
  const labelLines = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  const json = {
    image: name,
    version: result.version,
    tags: result.tags.map((t) => t.tag),
    refs,
    rules: Object.fromEntries(result.tags.map((t) => [t.tag, t.rule])),
    moving: movingTags(result),
    labels,
    context: { ...result.context, now: result.context.now.toISOString() },
  };

  switch (format) {
    case 'lines': return refs.join('\n') + '\n';
    case 'tags': return json.tags.join('\n') + '\n';
    case 'labels': return labelLines.join('\n') + '\n';
    case 'json': return JSON.stringify(json, null, 2) + '\n';
    case 'sha': return `${name}:${result.tags.find((t) => t.rule === 'sha')!.tag}\n`;
    case 'github-output': {
      // build-args: what the generated Dockerfiles turn into their OCI labels.
      const buildArgs = [
        `VERSION=${result.version}`, `REVISION=${labels['org.opencontainers.image.revision']}`,
        `CREATED=${labels['org.opencontainers.image.created']}`, `SOURCE=${labels['org.opencontainers.image.source'] ?? ''}`,
      ];
      const text = githubOutput({ 'image': name, 'tags': refs.join('\n'), 'labels': labelLines.join('\n'), 'build-args': buildArgs.join('\n'), 'version': result.version, 'moving-tags': json.moving.join(' '), 'json': JSON.stringify(json) });
      if (env.GITHUB_OUTPUT) {
        appendOutput(env.GITHUB_OUTPUT, text);
        return '';
      }
      return text;
    }
  }
}

const WRITE_FAILURES: Record<string, string> = {
  ENOENT: 'its folder does not exist',
  EISDIR: 'it is a folder',
  ENOTDIR: 'a part of its path is not a folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
};

/** Appends to $GITHUB_OUTPUT; throws an OutputError that names the file and says why. */
function appendOutput(file: string, text: string): void {
  try {
    appendFileSync(file, text);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = (e.code && WRITE_FAILURES[e.code]) ?? e.message;
    throw new OutputError(`Cannot write the outputs to GITHUB_OUTPUT=${JSON.stringify(file)}: ${why}${e.code ? ` (${e.code})` : ''}. In GitHub Actions the runner sets it; elsewhere unset it to print the outputs, or point it at a writable file.`);
  }
}

/** Renders outputs in the $GITHUB_OUTPUT file format, with a heredoc delimiter for multi-line values. */
export function githubOutput(outputs: Record<string, string>): string {
  return Object.entries(outputs).map(([key, value]) => {
    if (!value.includes('\n')) return `${key}=${value}\n`;
    let delimiter = 'EOF_IMAGE_TAGS';
    while (value.includes(delimiter)) delimiter += '_';
    return `${key}<<${delimiter}\n${value}\n${delimiter}\n`;
  }).join('');
}

/** Errors of the input, each with a message that says what to pass: exit status 2. */
const INPUT_ERRORS = [UsageError, TagPolicyError, GitContextError, InvalidReferenceError];

/** The exit status of an error (see the help): 2 for bad input, 1 for anything else. */
export function exitStatus(err: unknown): number {
  return INPUT_ERRORS.some((type) => err instanceof type) ? 2 : 1;
}

/** A message on one line: newlines and other control characters shown as escapes (`\n`). */
function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => JSON.stringify(c).slice(1, -1));
}

/**
 * What the script prints for an error: one line, `image-tags: ` and the message. An unexpected
 * error says it is one; its stack trace follows only with DEBUG set (DEBUG=1).
 */
export function errorText(err: unknown, env: NodeJS.ProcessEnv): string {
  const message = oneLine(err instanceof Error ? err.message : String(err));
  const expected = exitStatus(err) === 2 || err instanceof OutputError;
  const line = `image-tags: ${expected ? message : `unexpected error: ${message} (a bug: set DEBUG=1 for the stack trace and report it)`}\n`;
  return env.DEBUG && err instanceof Error && err.stack ? `${line}${err.stack}\n` : line;
}

/** Entry point used by the bundled script. */
export function main(policy: TagPolicyOptions): void {
  try {
    // `npx projen image-tags -- ...` passes the separator through.
    const argv = process.argv.slice(2);
    process.stdout.write(run(argv[0] === '--' ? argv.slice(1) : argv, process.env, policy));
  } catch (err) {
    process.stderr.write(errorText(err, process.env));
    process.exitCode = exitStatus(err);
  }
}
