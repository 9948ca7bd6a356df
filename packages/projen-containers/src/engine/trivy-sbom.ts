/** CycloneDX SBOMs of local images, made offline by Trivy. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { sbomImageId } from '../lib/sbom';

/** Trivy answers on this machine (it makes the SBOMs). */
export function trivyAvailable(): boolean {
  const r = spawnSync('trivy', ['--version'], { encoding: 'utf8' });
  return !r.error && r.status === 0;
}

/**
 * A CycloneDX SBOM of a local image, made offline by Trivy (no vulnerability database: an SBOM
 * lists packages only), written to `file`; checks that it describes `expectedId`. Returns the seconds it took.
 */
export function generateSbom(ref: string, file: string, expectedId?: string): number {
  const started = Date.now();
  mkdirSync(path.dirname(file), { recursive: true });
  const r = spawnSync('trivy', ['image', '--image-src', 'docker', '--format', 'cyclonedx', '--output', file,
    '--quiet', '--offline-scan', '--skip-db-update', '--skip-java-db-update', ref], {
    encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, TRIVY_NO_PROGRESS: 'true' },
  });
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') throw new Error('trivy is not installed: install it (https://trivy.dev), or build with --no-sbom.');
  if (r.status !== 0) throw new Error(`trivy could not make the SBOM of ${ref} (${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' ')}`);
  const id = sbomImageId(JSON.parse(readFileSync(file, 'utf8')));
  if (expectedId && id !== expectedId) throw new Error(`the SBOM trivy made for ${ref} describes image ${id}, not ${expectedId}: the tag moved during the build; build again.`);
  return (Date.now() - started) / 1000;
}
