#!/usr/bin/env node
/**
 * `npx projen push:docker [-- [--registry HOST[/NAMESPACE]] [--sign-key FILE] [--report FILE] [SERVICE...]]`
 *
 * Pushes the images `build:docker` built, exactly those (the image IDs in build/docker/build.json:
 * the images the tests and scans saw, never a rebuild), each with all its tags, to the registry
 * given by --registry, else IMAGE_REGISTRY, else the registry option of DockerImages in
 * .projenrc.ts. Prints each image's digest and writes build/docker/push.json.
 *
 * With --sign-key (a cosign private key; COSIGN_PASSWORD its password), signs every pushed digest
 * and attaches the image's CycloneDX SBOM as a signed attestation, then verifies both with the
 * key's public half, as a deploy would.
 *
 * Before pushing anything it checks that every tag still names the image the build recorded, and
 * that no tag of the registry holds another image, except the moving tags (latest, staging-*,
 * pr-*). Exit status: 0 pushed; 1 the registry refused (authentication, unreachable, an immutable
 * tag on another image) or signing failed; 2 bad arguments, no build report, or an image that
 * changed since the build; 3 no Docker engine.
 */
import * as path from 'node:path';
import { DockerUnavailableError } from '../engine/docker-cli';
import { PushUsageError } from '../engine/push-errors';
import { pushImages } from '../engine/push-images';
import { registryProblem, registryText } from '../image-tags/docker-reference';
import { besideReport, BUILD_REPORT, NoBuildReportError, PUSH_REPORT_NAME } from '../lib/build-report';
import { readImagesManifest } from '../lib/images-manifest';
import { chooseRegistry, parsePushArgs, parseRegistry, PUSH_USAGE, shippingFields } from '../lib/registry-push';
import { ROOT } from '../lib/source-file';

async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parsePushArgs(argv);
  } catch (err) {
    throw new PushUsageError((err as Error).message);
  }
  const configured = shippingFields(readImagesManifest(ROOT)).registry;
  const chosen = chooseRegistry(args.registry, process.env, configured);
  if (!chosen) throw new PushUsageError(`No registry to push to: give --registry HOST[/NAMESPACE], set IMAGE_REGISTRY, or set the registry option of DockerImages in .projenrc.ts.\n${PUSH_USAGE}`);
  const problem = registryProblem(chosen.value);
  if (problem) throw new PushUsageError(`The registry ${JSON.stringify(chosen.value)} (from ${chosen.from}) is not a registry host with an optional port and namespace: ${problem}. Give HOST[:PORT][/NAMESPACE], such as 127.0.0.1:5000 or ghcr.io/acme (no scheme).`);
  const registry = parseRegistry(chosen.value)!;
  const reportFile = path.resolve(args.report ?? path.join(ROOT, BUILD_REPORT));
  console.log(`push:docker: pushing to ${registryText(registry)} (from ${chosen.from}) the images of ${path.relative(process.cwd(), reportFile) || reportFile}${args.signKey ? `, signed with ${args.signKey}` : ''}`);
  const report = await pushImages({ registry, reportFile, services: args.services, signKey: args.signKey });
  console.log(`\npush:docker: pushed ${report.images.length} image${report.images.length === 1 ? '' : 's'}; digests in ${besideReport(reportFile, PUSH_REPORT_NAME)}`);
  for (const i of report.images) console.log(`  ${i.ref}`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (err: Error) => {
    console.error(`push:docker: ${err.message}`);
    process.exit(err instanceof DockerUnavailableError ? 3 : err instanceof PushUsageError || err instanceof NoBuildReportError ? 2 : 1);
  });
}
