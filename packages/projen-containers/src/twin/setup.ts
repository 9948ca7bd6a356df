/** What the local twin needs from the machine before an event runs: its tools, and local base images from the environment. */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { readImagesManifest } from '../lib/images-manifest';

/** The twin cannot start: a message that says what to do, without a stack. */
export class TwinSetupError extends Error {}

/** Installs (or finds) the twin's tools; returns their folder. */
export function twinTools(root: string): string {
  const r = spawnSync('bash', [path.join(root, 'tools', 'twin', 'install.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new TwinSetupError('installing the twin\'s tools failed (see above)');
  return r.stdout.trim().split('\n').pop()!;
}

/** Base images from the environment: one per base-image build argument the manifest names. */
export function baseImagesFromEnv(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const image of readImagesManifest(root).images) {
    const local = process.env[image.baseArg];
    if (local) out[image.baseArg] = local;
  }
  return out;
}
