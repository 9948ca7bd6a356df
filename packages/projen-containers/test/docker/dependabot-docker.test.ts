/**
 * The generated Dockerfiles read the way Dependabot's docker updater reads them, so that a change
 * that hides a base image from Dependabot (`FROM ${ARG}` only, or the image in an `ARG` line)
 * fails here and not silently on GitHub.
 *
 * The FROM-line expression is a port of dependabot-core's docker/lib/dependabot/docker/file_parser.rb
 * (FROM_LINE, with REGISTRY, IMAGE and NAME from docker/lib/dependabot/shared/shared_file_parser.rb;
 * read at dependabot-core 54c10285aafe229d2e8e2708c1c716d6a0a534f8), and its parse loop: one line
 * at a time, a dependency only when the line gives a tag or a digest, `docker.io` as no registry.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { addDefaultServices, monorepo, REPO_ROOT, synth } from '../fixtures';

// shared_file_parser.rb: DOMAIN_COMPONENT, DOMAIN, REGISTRY, NAME_COMPONENT, IMAGE, NAME ([[:alnum:]] as ASCII).
const ALNUM = 'A-Za-z0-9';
const DOMAIN_COMPONENT = `(?:[${ALNUM}]|[${ALNUM}][${ALNUM}-]*[${ALNUM}])`;
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})+)`;
const REGISTRY = `(?<registry>${DOMAIN}(?::\\d+)?)`;
const NAME_COMPONENT = '(?:[a-z\\d]+(?:(?:[._]|__|[-]*)[a-z\\d]+)*)';
const IMAGE = `(?<image>${NAME_COMPONENT}(?:/${NAME_COMPONENT})*)`;
const NAME = '\\s+AS\\s+(?<name>[\\w-]+)';
// file_parser.rb: FROM (case-insensitive), PLATFORM, TAG, DIGEST, FROM_LINE.
const FROM = '[Ff][Rr][Oo][Mm]';
const PLATFORM = '--platform=(?<platform>\\S+)';
const TAG = ':(?<tag>[\\w][\\w.-]{0,127})';
const DIGEST = '(?<digest>[0-9a-f]{64})';
const FROM_LINE = new RegExp(`^${FROM}\\s+(?:${PLATFORM}\\s+)?(?:${REGISTRY}/)?${IMAGE}(?:${TAG})?(?:@sha256:${DIGEST})?(?:${NAME})?`);

interface DependabotDockerDependency { name: string; registry?: string; tag?: string; digest?: string }

/** What Dependabot's docker file parser finds in a Dockerfile. */
function dependabotParse(dockerfile: string): DependabotDockerDependency[] {
  const found: DependabotDockerDependency[] = [];
  for (const line of dockerfile.split(/(?<=\n)/)) {
    const m = FROM_LINE.exec(line);
    if (!m?.groups) continue;
    const { image, tag, digest } = m.groups;
    const registry = m.groups.registry === 'docker.io' ? undefined : m.groups.registry;
    // version_from: the tag, else the digest; a line with neither (`FROM deps AS build`) is no dependency.
    if (!(tag ?? digest)) continue;
    found.push({ name: image, ...(registry ? { registry } : {}), ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) });
  }
  return found;
}

/** `registry/name:tag@sha256:digest`, as the manifest records the base of an image. */
const reference = (d: DependabotDockerDependency) => `${d.registry ? `${d.registry}/` : ''}${d.name}${d.tag ? `:${d.tag}` : ''}${d.digest ? `@sha256:${d.digest}` : ''}`;

/** The same Dockerfile in the old shape: the pinned image as the argument's default, stages FROM ${ARG} only. */
function argOnlyForm(dockerfile: string): string {
  const literal = /^ARG (\w+)=([\w.-]+)\nFROM (\S+) AS \2\n/m.exec(dockerfile);
  if (!literal) throw new Error('no literal base stage found');
  return dockerfile.replace(literal[0], `ARG ${literal[1]}=${literal[3]}\n`);
}

describe("Dependabot's docker updater finds every base image", () => {
  test('the port reads FROM lines as dependabot-core does', () => {
    expect(dependabotParse(`FROM node:24-alpine@sha256:${'a'.repeat(64)} AS node-base\n`)).toEqual([{ name: 'node', tag: '24-alpine', digest: 'a'.repeat(64) }]);
    expect(dependabotParse('from --platform=linux/amd64 mcr.microsoft.com/playwright:v1.65.1-noble AS pw\n')).toEqual([{ name: 'playwright', registry: 'mcr.microsoft.com', tag: 'v1.65.1-noble' }]);
    expect(dependabotParse('FROM docker.io/library/node:24\n')).toEqual([{ name: 'library/node', tag: '24' }]);
    // A variable, an earlier stage and an ARG line give nothing.
    expect(dependabotParse('ARG NODE_IMAGE=node:24-alpine\nFROM ${NODE_IMAGE} AS deps\nFROM deps AS build\n')).toEqual([]);
  });

  const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, '.projen', 'docker-images.json'), 'utf8')) as { images: { dockerfile: string; baseImage: string; basePinned: boolean }[] };

  test.each(manifest.images.map((i) => [i.dockerfile, i]))('%s: exactly its base image, with the tag and the pinned digest', (_file, entry) => {
    const found = dependabotParse(readFileSync(path.join(REPO_ROOT, entry.dockerfile), 'utf8'));
    expect(found).toHaveLength(1);
    expect(reference(found[0])).toBe(entry.baseImage);
    expect(found[0].tag).toBeTruthy();
    expect(Boolean(found[0].digest)).toBe(entry.basePinned);
  });

  test('every base of a project with every image pinned is found with its tag and digest', () => {
    const pw = `sha256:${'c'.repeat(64)}`;
    const m = monorepo({ lock: { 'node:24-alpine': { digest: `sha256:${'a'.repeat(64)}` }, 'mcr.microsoft.com/playwright:v1.65.1-noble': { digest: pw } } });
    addDefaultServices(m);
    const out = synth(m.root);
    const found = ['api', 'web', 'playwright-runner'].map((s) => dependabotParse(out[`${s}/Dockerfile`] as string));
    expect(found).toEqual([
      [{ name: 'node', tag: '24-alpine', digest: 'a'.repeat(64) }],
      [{ name: 'node', tag: '24-alpine', digest: 'a'.repeat(64) }],
      [{ name: 'playwright', registry: 'mcr.microsoft.com', tag: 'v1.65.1-noble', digest: 'c'.repeat(64) }],
    ]);
  });

  test.each(manifest.images.map((i) => [i.dockerfile]))('%s in the ARG-only form would show Dependabot no base image at all', (file) => {
    const text = readFileSync(path.join(REPO_ROOT, file), 'utf8');
    const old = argOnlyForm(text);
    // Still the same image for Docker, invisible to Dependabot.
    expect(old).toMatch(/^ARG \w+=\S+[:@]\S+$/m);
    expect(dependabotParse(old)).toEqual([]);
  });
});
