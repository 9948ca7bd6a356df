#!/usr/bin/env node
/**
 * `npx projen ci:local -- --repo DIR --event push|pull_request|workflow_dispatch|schedule --ref REF
 *   [--before SHA] [--pr N] [--base BRANCH] [--input key=value]... [--workflow FILE]...
 *   [--var KEY=VALUE]... [--registry HOST:PORT] [--state DIR] [--visibility public|private]`
 *
 * Runs one event on a repository folder with the local twin of GitHub Actions (see
 * projenrc/twin/run-event.ts and the build guide's "The local twin"), prints each job's result,
 * the registry it used and what the registry holds. Exit status: 0 every job succeeded; 1 a job
 * failed; 2 bad arguments or the twin could not start.
 *
 * Environment: TWIN_ACTIONS_DIR (the pinned actions' code, `<owner>/<repo>@<sha>/`; required where
 * GitHub is not reachable), TWIN_CACHE (tools and layer cache, default ~/.cache/ci-twin),
 * TWIN_SYFT_SRC (buildkit-syft-scanner's source, for `sbom: true` without Docker Hub), and one
 * variable per base-image build argument naming a local Docker image to use instead (NODE_IMAGE=...).
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { ROOT } from '../lib/source-file';
import { runEvent, TwinEvent } from '../twin/run-event';
import { baseImagesFromEnv, TwinSetupError, twinTools } from '../twin/setup';

const USAGE = 'usage: npx projen ci:local -- --repo DIR --event push|pull_request|workflow_dispatch|schedule [--ref REF] [--before SHA] [--pr N] [--base BRANCH] [--input key=value]... [--workflow FILE]... [--var KEY=VALUE]... [--registry HOST:PORT] [--state DIR] [--visibility public|private]';

class UsageError extends Error {}

function pairs(list: string[], flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list) {
    const i = item.indexOf('=');
    if (i <= 0) throw new UsageError(`${flag} ${JSON.stringify(item)}: expected key=value`);
    out[item.slice(0, i)] = item.slice(i + 1);
  }
  return out;
}

/** Parses the command line into an event and the twin's settings. */
export function parseArgs(argv: string[]): { event: TwinEvent; registry?: string; state?: string } {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = { '--input': [], '--workflow': [], '--var': [] };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--help' || flag === '-h') throw new UsageError(USAGE);
    if (!['--repo', '--event', '--ref', '--before', '--pr', '--base', '--registry', '--state', '--visibility', ...Object.keys(multi)].includes(flag)) throw new UsageError(`unknown argument ${JSON.stringify(flag)}\n${USAGE}`);
    if (value === undefined) throw new UsageError(`${flag} needs a value\n${USAGE}`);
    if (flag in multi) multi[flag].push(value);
    else single[flag] = value;
    i++;
  }
  const events = ['push', 'pull_request', 'workflow_dispatch', 'schedule'];
  if (!single['--repo']) throw new UsageError(`--repo is required\n${USAGE}`);
  if (!events.includes(single['--event'])) throw new UsageError(`--event must be one of ${events.join(', ')}\n${USAGE}`);
  if (single['--pr'] !== undefined && !/^[1-9]\d{0,9}$/.test(single['--pr'])) throw new UsageError(`--pr ${JSON.stringify(single['--pr'])}: a pull request number`);
  if (single['--before'] !== undefined && !/^[0-9a-f]{40}$/.test(single['--before'])) throw new UsageError(`--before ${JSON.stringify(single['--before'])}: a full commit SHA`);
  if (single['--registry'] !== undefined && !/^127\.0\.0\.1:\d{1,5}$|^localhost:\d{1,5}$/.test(single['--registry'])) throw new UsageError(`--registry ${JSON.stringify(single['--registry'])}: a registry on this machine, 127.0.0.1:PORT`);
  const visibility = single['--visibility'];
  if (visibility !== undefined && visibility !== 'public' && visibility !== 'private') throw new UsageError('--visibility is public or private');
  return {
    registry: single['--registry'],
    state: single['--state'],
    event: {
      repo: path.resolve(single['--repo']),
      event: single['--event'] as TwinEvent['event'],
      ref: single['--ref'],
      before: single['--before'],
      pr: single['--pr'] ? Number(single['--pr']) : undefined,
      base: single['--base'],
      inputs: pairs(multi['--input'], '--input'),
      vars: pairs(multi['--var'], '--var'),
      workflows: multi['--workflow'].length ? multi['--workflow'] : undefined,
      visibility: visibility as TwinEvent['visibility'],
    },
  };
}

async function main(): Promise<number> {
  const { event, registry, state } = parseArgs(process.argv.slice(2));
  if (!existsSync(path.join(event.repo, '.git'))) throw new UsageError(`--repo ${event.repo}: not a git repository`);
  const actionsDir = process.env.TWIN_ACTIONS_DIR;
  if (!actionsDir || !existsSync(actionsDir)) throw new UsageError('TWIN_ACTIONS_DIR must name the folder of the pinned actions\' code (<owner>/<repo>@<sha>/ folders).');
  const cacheDir = process.env.TWIN_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'ci-twin');
  const binDir = twinTools(ROOT);
  const run = await runEvent(event, {
    stateDir: state ?? path.join(cacheDir, 'state', path.basename(event.repo)),
    cacheDir,
    binDir,
    actionsDir,
    fakesDir: path.join(ROOT, 'tools', 'twin', 'fakes'),
    registry,
    baseImages: baseImagesFromEnv(event.repo),
  }, ROOT);
  console.log(`\n${event.event} ${event.ref ?? ''}: ${run.seconds.toFixed(1)} s (act log: ${run.log})`);
  for (const j of run.jobs) console.log(`  ${j.result.padEnd(8)} ${j.job}`);
  console.log(`registry ${run.registry}:`);
  for (const [repo, tags] of Object.entries(run.contents)) {
    for (const [tag, digest] of Object.entries(tags)) console.log(`  ${repo}:${tag}  ${digest}`);
  }
  return run.exitCode === 0 && run.jobs.every((j) => j.result === 'success') ? 0 : 1;
}

if (require.main === module) {
  main().then((code) => process.exit(code), (err: Error) => {
    console.error(`ci:local: ${err.message}`);
    if (process.env.DEBUG && !(err instanceof UsageError) && !(err instanceof TwinSetupError)) console.error(err.stack);
    process.exit(2);
  });
}
