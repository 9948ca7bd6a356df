/** Signing with cosign: a pushed digest signed, its SBOM attested, both verified as a deploy would. */
import { spawnSync } from 'node:child_process';
import { PushUsageError, RegistryRefusedError } from './push-errors';

/** Runs cosign; throws with its message. */
export function cosign(args: string[], what: string): string {
  const r = spawnSync('cosign', args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { COSIGN_PASSWORD: '', ...process.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') throw new PushUsageError('cosign is not installed: install it (https://docs.sigstore.dev/cosign/system_config/installation/), or push without --sign-key.');
  if (r.status !== 0) {
    const detail = r.stderr.trim().split('\n').filter((l) => !/deprecated|^WARNING/.test(l)).slice(-3).join('\n  ');
    const hint = /decrypt|password/i.test(detail) ? '\n  Set COSIGN_PASSWORD to the key\'s password (empty for a key made with COSIGN_PASSWORD= cosign generate-key-pair).' : '';
    throw new RegistryRefusedError(`cosign could not ${what}:\n  ${detail}${hint}`);
  }
  return r.stdout;
}

/**
 * Key-pair signing without a transparency log or a signing config from Sigstore's TUF repository
 * (nothing to reach but the registry): what the tests and a registry on this machine need.
 * Keyless signing on GitHub uses cosign's defaults instead.
 */
export const COSIGN_KEY_FLAGS = ['--use-signing-config=false', '--tlog-upload=false', '--yes'];

/** Signs a digest, attests its SBOM, and verifies both with the public key (as a deploy would). */
export function signAndAttest(ref: string, key: string, publicKey: string, sbom: string): void {
  cosign(['sign', '--key', key, ...COSIGN_KEY_FLAGS, ref], `sign ${ref}`);
  cosign(['attest', '--key', key, ...COSIGN_KEY_FLAGS, '--type', 'cyclonedx', '--predicate', sbom, ref], `attach the SBOM of ${ref}`);
  cosign(['verify', '--key', publicKey, '--insecure-ignore-tlog=true', ref], `verify the signature of ${ref}`);
  cosign(['verify-attestation', '--key', publicKey, '--insecure-ignore-tlog=true', '--type', 'cyclonedx', ref], `verify the SBOM attestation of ${ref}`);
}

