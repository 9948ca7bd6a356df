/**
 * The run of `build:docker`: builds the services' images with BuildKit, tags them with the image
 * tag script, compares each with the last default-branch build found locally, makes a CycloneDX
 * SBOM of each where Trivy is installed, and says what it built for the build report. Prints its
 * progress (and docker's log); the command line prints the tables, writes the report and decides the exit status.
 */
import * as path from 'node:path';
import { reportEntry } from './build-report-file';
import { assertEngine, imageFacts } from './docker-cli';
import { baseImageOf, buildImage, BuildResult } from './image-build';
import { findReference } from './reference-image';
import { selectServices } from './services';
import { tagScriptOf, tagsFor } from './tag-script';
import { generateSbom, trivyAvailable } from './trivy-sbom';
import { BuildReport, BuiltImage, sbomFileName } from '../lib/build-report';
import { parseSizeThreshold, SizeChange, sizeChange } from '../lib/image-size';
import { readImagesManifest } from '../lib/images-manifest';
import { shippingFields } from '../lib/registry-push';
import { ROOT } from '../lib/source-file';

/** What to build, and where the report goes. */
export interface BuildImagesOptions {
  /** Services to build; all of them when empty. */
  readonly services: readonly string[];
  readonly noCache?: boolean;
  /** Make no SBOM, even where Trivy is installed. @default false */
  readonly noSbom?: boolean;
  /** The build report to write (the SBOMs go beside it). */
  readonly reportFile: string;
  /** The project's root. @default the working directory */
  readonly root?: string;
}

/** What a build did. */
export interface BuildImagesRun {
  /** The Docker engine's version. */
  readonly engine: string;
  readonly results: BuildResult[];
  /** Each image's size against the last default-branch build. */
  readonly changes: SizeChange[];
  /** SBOMs that could not be made, one line each (`service: why`). */
  readonly problems: string[];
  /** SBOMs were made (Trivy is installed and --no-sbom was not given). */
  readonly sbom: boolean;
  /** The build report of this run, for writeBuildReport() of build-report-file.ts (which keeps the entries of services not built this time). */
  readonly report: BuildReport;
}

/** Builds the images and prints its progress; throws before any build when it cannot start. */
export async function buildImages(o: BuildImagesOptions): Promise<BuildImagesRun> {
  const root = o.root ?? ROOT;
  const manifest = readImagesManifest(root);
  const entries = selectServices(manifest, [...o.services]);
  const tagScript = tagScriptOf(manifest);
  const shipping = shippingFields(manifest);
  const registry = process.env.IMAGE_REGISTRY || shipping.registry;
  const threshold = shipping.sizeDeltaWarning ? parseSizeThreshold(shipping.sizeDeltaWarning) : undefined;
  const engine = assertEngine();
  const sbom = !o.noSbom && trivyAvailable();
  // One clock for the whole run: every image gets the same timestamp tag.
  const env = { ...process.env, SOURCE_DATE_EPOCH: process.env.SOURCE_DATE_EPOCH || String(Math.floor(Date.now() / 1000)) };
  console.log(`build:docker: Docker ${engine}, BuildKit; building ${entries.map((e) => e.service).join(', ')}`);
  if (!o.noSbom && !sbom) console.log('build:docker: no SBOM this time: trivy is not installed (https://trivy.dev); push:docker --sign-key needs one.');
  const results: BuildResult[] = [];
  const reported: BuiltImage[] = [];
  const changes: SizeChange[] = [];
  const problems: string[] = [];
  const sbomDir = path.dirname(o.reportFile);
  for (const entry of entries) {
    const tags = tagsFor(entry.image, tagScript, env, root);
    const refs = [...tags.refs, `${entry.image}:dev`];
    // The reference first: a clean build of the default branch moves `latest` onto the new image.
    const reference = findReference(entry.image, registry);
    console.log(`\n=== ${entry.service}: ${refs.join(' ')}`);
    const result = await buildImage(entry, { refs, labels: tags.labels, version: tags.version, noCache: o.noCache, root });
    results.push(result);
    const baseImage = baseImageOf(entry);
    let sbomFile: string | undefined;
    let sbomSeconds: number | undefined;
    let change: SizeChange | undefined;
    if (result.ok && result.id) {
      const facts = imageFacts(result.id);
      if (facts) {
        change = sizeChange({
          service: entry.service,
          image: { ...facts, ref: refs[0] },
          base: imageFacts(baseImage),
          reference: reference.facts,
          noReference: reference.why,
          threshold,
        });
        changes.push(change);
      }
      if (sbom) {
        try {
          sbomFile = sbomFileName(entry.service);
          console.log(`[${entry.service}] SBOM (trivy, CycloneDX, offline) -> ${path.relative(root, path.join(sbomDir, sbomFile))}`);
          sbomSeconds = generateSbom(refs[0], path.join(sbomDir, sbomFile), result.id);
        } catch (err) {
          sbomFile = undefined;
          problems.push(`${entry.service}: ${(err as Error).message}`);
        }
      }
    }
    reported.push(reportEntry(result, entry, tags, { baseImage, sbom: sbomFile, sbomSeconds, sizeChange: change }));
  }
  return { engine, results, changes, problems, sbom, report: { schema: 1, createdAt: new Date().toISOString(), engine, images: reported } };
}
