/**
 * Command line of the image size script (bundled into scripts/image-size.mjs by the
 * ImageSizeScript component): one service's image against the same service's image from the
 * default branch, pulled by tag, as a Markdown table for a job summary, JSON, or GitHub
 * annotations. The comparison itself is engine/image-size.ts, over the figures of lib/image-size.ts
 * that `build:docker` uses too.
 */
import { appendFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DockerUnavailableError } from '../engine/docker-cli';
import { compareImageSize, LOCAL_DOCKER, SizeDocker } from '../engine/image-size';
import { parseSizeThreshold, renderSizeMarkdown, SizeChange, SizeThreshold, THRESHOLD_FORMS, warningAnnotations } from '../lib/image-size';

export const SIZE_FORMATS = ['markdown', 'json', 'github'] as const;

/** What the generated script bakes in from .projenrc.ts. */
export interface ImageSizeDefaults {
  /** DockerImages' `sizeDeltaWarning`, e.g. `10MB` or `5%`. */
  readonly threshold?: string;
}

export const USAGE = `Usage: image-size --image REF --base REF [--reference REF] [options]

Compares a local image with the same service's image from the default branch: size, layers and
bytes above the base, the difference, and a warning when it grows by more than the threshold.

  --image REF        the image just built, in the local engine (required)
  --base REF         the base image it was built on, e.g. node:24-alpine@sha256:... (required;
                     pulled when it is not local)
  --reference REF    the default branch's image, e.g. <registry>/qualisys/api:latest; pulled by tag
                     (none given, or none in the registry: the table says so, exit 0)
  --service NAME     name in the table (default: the last part of --image's repository)
  --threshold T      flag a growth above T: a size (10MB) or a percentage of the reference (5%)
                     (default: sizeDeltaWarning of .projenrc.ts, @THRESHOLD@)
  --format F         markdown (default): the table on stdout
                     json: the comparison as JSON on stdout
                     github: the table appended to --summary (default $GITHUB_STEP_SUMMARY) and one
                     ::warning:: line per growth over the threshold on stdout
  --summary FILE     where --format github appends the table
  --no-pull          use local images only (no docker pull)
  -h, --help         this help

Exit status: 0 compared (a growth over the threshold is a warning, not a failure), 2 bad arguments,
1 the image or base cannot be read (docker's message says why), 3 no Docker engine.
`;

export class UsageError extends Error {}

export interface SizeRunResult {
  /** The comparison (none for --help). */
  readonly change?: SizeChange;
  /** What to print on stdout. */
  readonly stdout: string;
  /** Markdown to append to the summary file (github format). */
  readonly summary?: { readonly file: string; readonly text: string };
}

export function parseThresholdOption(text: string): SizeThreshold {
  const t = parseSizeThreshold(text);
  if (!t) throw new UsageError(`--threshold "${text}" is not ${THRESHOLD_FORMS}.`);
  return t;
}

/** Runs the comparison; returns what to print. Throws UsageError on bad arguments. */
export function run(argv: string[], env: NodeJS.ProcessEnv, defaults: ImageSizeDefaults = {}, docker: SizeDocker = LOCAL_DOCKER): SizeRunResult {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv.filter((a) => a !== '--'),
      strict: true,
      options: {
        'image': { type: 'string' },
        'base': { type: 'string' },
        'reference': { type: 'string' },
        'service': { type: 'string' },
        'threshold': { type: 'string' },
        'format': { type: 'string' },
        'summary': { type: 'string' },
        'no-pull': { type: 'boolean' },
        'help': { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${usage(defaults)}`);
  }
  if (values.help) return { stdout: usage(defaults) };
  const format = values.format ?? 'markdown';
  if (!(SIZE_FORMATS as readonly string[]).includes(format)) throw new UsageError(`Unknown --format "${format}": expected one of ${SIZE_FORMATS.join(', ')}.`);
  if (!values.image) throw new UsageError(`--image is required.\n\n${usage(defaults)}`);
  if (!values.base) throw new UsageError(`--base is required (the base image the build used).\n\n${usage(defaults)}`);
  const thresholdText = values.threshold ?? defaults.threshold;
  const threshold = thresholdText ? parseThresholdOption(thresholdText) : undefined;
  const summaryFile = values.summary ?? env.GITHUB_STEP_SUMMARY;
  if (format === 'github' && !summaryFile) throw new UsageError('--format github appends to the job summary: give --summary FILE or set GITHUB_STEP_SUMMARY.');
  const noPull = values['no-pull'] ?? false;

  const { image, base, reference, service: name } = values;
  const change = compareImageSize({ image, base, reference, service: name, threshold, noPull }, docker);
  const service = change.service;
  const markdown = `### Image size: ${service}\n\n${renderSizeMarkdown([change])}`;
  switch (format) {
    case 'json': return { change, stdout: JSON.stringify(change, null, 2) + '\n' };
    case 'github': {
      const lines = warningAnnotations([change]);
      if (!change.reference) lines.push(`::notice title=Image size%3A ${service}::${change.noReference}: no size comparison`);
      return { change, stdout: lines.map((l) => `${l}\n`).join(''), summary: { file: summaryFile!, text: `${markdown}\n` } };
    }
    default: return { change, stdout: markdown };
  }
}

function usage(defaults: ImageSizeDefaults): string {
  return USAGE.replace('@THRESHOLD@', defaults.threshold ? `now ${defaults.threshold}` : 'none set: no warning');
}

/** The script's entry point: prints, appends the summary, and exits with the status of USAGE. */
export function main(defaults: ImageSizeDefaults = {}): void {
  try {
    const r = run(process.argv.slice(2), process.env, defaults);
    if (r.summary) appendFileSync(r.summary.file, r.summary.text);
    process.stdout.write(r.stdout);
    process.exitCode = 0;
  } catch (err) {
    const e = err as Error;
    process.stderr.write(`image-size: ${e.message}\n`);
    process.exitCode = e instanceof UsageError ? 2 : e instanceof DockerUnavailableError ? 3 : 1;
  }
}
