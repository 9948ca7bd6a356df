/**
 * The run of `push:docker`: pushes the images `build:docker` built, exactly those (the image IDs of
 * the build report), each with all its tags, after checking that every tag still names the image
 * the build recorded and that no tag of the registry holds another image except the moving ones;
 * with a cosign key, signs every pushed digest and attests its SBOM. Writes the push report.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { cosign, signAndAttest } from './cosign';
import { assertEngine, docker, dockerStreaming, imageId } from './docker-cli';
import { PushUsageError, RegistryRefusedError } from './push-errors';
import { RegistryClient, RemoteTag, remoteTag } from './registry-client';
import { generateSbom } from './trivy-sbom';
import { RegistryTarget, registryText } from '../image-tags/docker-reference';
import { besideReport, BuiltImage, PUSH_REPORT_NAME, PushedImage, PushReport, readBuildReport, sbomFileName } from '../lib/build-report';
import { classifyRefusal, isMovingTag, pushedDigest, refusalMessage, targetRepository } from '../lib/registry-push';
import { sbomImageId } from '../lib/sbom';

/** An image the build recorded that is no longer what its tags name. */
export function staleImages(images: readonly BuiltImage[], idOf: (ref: string) => string | undefined = imageId): string[] {
  const problems: string[] = [];
  for (const image of images) {
    if (!image.ok || !image.id) {
      problems.push(`${image.service} did not build in the last build:docker: nothing to push.`);
      continue;
    }
    if (idOf(image.id) === undefined) {
      problems.push(`${image.service}: image ${image.id} that build:docker built is no longer in the engine (removed or pruned).`);
      continue;
    }
    for (const ref of image.refs) {
      const now = idOf(ref);
      if (now !== image.id) {
        problems.push(`${image.service}: ${ref} is ${now ? `now image ${now}` : 'gone'}, not image ${image.id} that build:docker built and the tests saw (a later build or a \`docker tag\` moved it).`);
      }
    }
  }
  return problems;
}

/** A tag the registry already holds on another image, which this push may not move. */
export function conflicts(image: BuiltImage, repository: string, remote: (tag: string) => RemoteTag): { moved: string[]; refused: string[] } {
  const moved: string[] = [];
  const refused: string[] = [];
  for (const tag of image.tags) {
    const r = remote(tag);
    if (r.state !== 'other') continue;
    (isMovingTag(tag, image.moving) ? moved : refused).push(`${repository}:${tag} (now ${r.digest})`);
  }
  return { moved, refused };
}

/** The SBOM to attest: the build's, when it describes this image, else a new one made now from the same image ID. */
function sbomFor(image: BuiltImage, reportFile: string): { file: string; seconds: number; relative: string } {
  const relative = image.sbom ?? sbomFileName(image.service);
  const file = besideReport(reportFile, relative);
  if (image.sbom && existsSync(file)) {
    try {
      if (sbomImageId(JSON.parse(readFileSync(file, 'utf8'))) === image.id) return { file, seconds: 0, relative };
    } catch { /* unreadable: made again below */ }
  }
  console.log(`[${image.service}] SBOM (trivy, CycloneDX, offline) -> ${file}`);
  return { file, seconds: generateSbom(image.refs[0] ?? image.id!, file, image.id), relative };
}

/** Pushes one tag; returns the digest. */
async function pushTag(image: BuiltImage, target: string, host: string): Promise<string> {
  const tagged = docker(['tag', image.id!, target]);
  if (tagged.status !== 0) throw new Error(`docker tag ${image.id} ${target} failed: ${tagged.stderr.trim()}`);
  const lines: string[] = [];
  const code = await dockerStreaming(['push', target], { prefix: `[${image.service}] `, onLine: (l) => lines.push(l) });
  const output = lines.join('\n');
  if (code !== 0) throw new RegistryRefusedError(refusalMessage(classifyRefusal(output), host, `the push of ${target}`, output));
  const digest = pushedDigest(output);
  if (!digest) throw new RegistryRefusedError(`docker push ${target} printed no digest:\n${output.slice(-500)}`);
  return digest;
}

/** Pushes (and signs) the images of a build report; returns the push report. */
export async function pushImages(options: {
  readonly registry: RegistryTarget;
  readonly reportFile: string;
  readonly services: readonly string[];
  readonly signKey?: string;
}): Promise<PushReport> {
  const report = readBuildReport(options.reportFile);
  const known = report.images.map((i) => i.service);
  const unknown = options.services.filter((s) => !known.includes(s));
  if (unknown.length) throw new PushUsageError(`${unknown.join(', ')} ${unknown.length > 1 ? 'are' : 'is'} not in the build report ${options.reportFile} (it holds ${known.join(', ') || 'nothing'}): run npx projen build:docker ${unknown.join(' ')} first.`);
  const images = options.services.length ? report.images.filter((i) => options.services.includes(i.service)) : report.images;
  const host = options.registry.host;

  let publicKey: string | undefined;
  const keyDir = options.signKey ? mkdtempSync(path.join(tmpdir(), 'push-docker-')) : undefined;
  try {
    assertEngine();
    // 1. Every tag still names the image the build recorded.
    const stale = staleImages(images);
    if (stale.length) throw new PushUsageError(`${stale.join('\n')}\nNothing was pushed. Run npx projen build:docker again (and the tests), then push:docker.`);
    // 2. The key works (before anything leaves).
    if (options.signKey) {
      if (!/^[a-z0-9]+:\/\//.test(options.signKey) && !existsSync(options.signKey)) throw new PushUsageError(`--sign-key ${options.signKey}: no such file (a cosign private key, e.g. from \`COSIGN_PASSWORD= cosign generate-key-pair\`).`);
      publicKey = path.join(keyDir!, 'cosign.pub');
      cosign(['public-key', '--key', options.signKey, '--outfile', publicKey], `read the key ${options.signKey}`);
    }
    // 3. No tag of the registry holds another image, except the moving ones.
    const refused: string[] = [];
    for (const image of images) {
      const repository = targetRepository(options.registry, image.image);
      const client = new RegistryClient(host, repository.slice(host.length + 1));
      const remote = new Map<string, RemoteTag>();
      for (const tag of image.tags) remote.set(tag, await remoteTag(client, tag, image.id!));
      const c = conflicts(image, repository, (tag) => remote.get(tag) ?? { state: 'absent' });
      refused.push(...c.refused);
      for (const m of c.moved) console.log(`[${image.service}] ${m} is a moving tag: it will move to this image`);
    }
    if (refused.length) {
      throw new RegistryRefusedError([
        `${host} already holds other images under these tags, which never move:`,
        ...refused.map((r) => `  ${r}`),
        'Nothing was pushed. A tag such as the commit SHA or production-vX.Y.Z names one image for good: commit and build again (new tags), or push elsewhere.',
      ].join('\n'));
    }

    // 4. Push every tag, then sign and attest the digest.
    const pushed: PushedImage[] = [];
    const write = () => writeFileSync(besideReport(options.reportFile, PUSH_REPORT_NAME), JSON.stringify({ schema: 1, pushedAt: new Date().toISOString(), registry: registryText(options.registry), images: pushed } satisfies PushReport, null, 2) + '\n');
    for (const image of images) {
      const repository = targetRepository(options.registry, image.image);
      const started = Date.now();
      const digests = new Set<string>();
      for (const tag of image.tags) digests.add(await pushTag(image, `${repository}:${tag}`, host));
      if (digests.size !== 1) throw new RegistryRefusedError(`${image.service}: the tags of one image were pushed as different digests (${[...digests].join(', ')}); the registry rewrote a manifest.`);
      const digest = [...digests][0];
      const ref = `${repository}@${digest}`;
      const seconds: { push: number; sbom?: number; sign?: number } = { push: (Date.now() - started) / 1000 };
      let sbom: string | undefined;
      if (options.signKey) {
        const s = sbomFor(image, options.reportFile);
        seconds.sbom = s.seconds;
        sbom = s.relative;
        const t0 = Date.now();
        console.log(`[${image.service}] signing ${ref} and attaching its SBOM (cosign)`);
        signAndAttest(ref, options.signKey, publicKey!, s.file);
        seconds.sign = (Date.now() - t0) / 1000;
      }
      pushed.push({
        service: image.service,
        id: image.id!,
        repository,
        digest,
        ref,
        tags: image.tags,
        signed: !!options.signKey,
        ...(sbom ? { sbom } : {}),
        seconds,
      });
      write();
      console.log(`${image.service}: ${ref}${options.signKey ? ' (signed, SBOM attested)' : ''}\n  tags: ${image.tags.join(', ')}`);
    }
    return JSON.parse(readFileSync(besideReport(options.reportFile, PUSH_REPORT_NAME), 'utf8')) as PushReport;
  } finally {
    if (keyDir) rmSync(keyDir, { recursive: true, force: true });
  }
}
