/**
 * The reports `build:docker` and `push:docker` leave in `build/docker/` (gitignored): what was
 * built (each service's image ID and tags, its SBOM, its size change) and what was pushed (digests).
 * `push:docker` pushes exactly the image IDs of the build report, never a rebuild. Shapes and
 * reading only: no projen import, no Docker.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { SizeChange } from './image-size';

/** Where `build:docker` writes its report, relative to the root. */
export const BUILD_REPORT = 'build/docker/build.json';
/** The push report's file name, beside the build report. */
export const PUSH_REPORT_NAME = 'push.json';
/** The SBOM of a service, beside the build report. */
export const sbomFileName = (service: string) => `${service}.cdx.json`;

/** One image `build:docker` built. */
export interface BuiltImage {
  readonly service: string;
  /** Repository without a registry host, e.g. `qualisys/api`. */
  readonly image: string;
  /** The build succeeded (a failed build has no `id`, and push:docker refuses it). */
  readonly ok: boolean;
  /** Image ID, `sha256:…` (the config digest: equal to the ID of the image pulled back by digest). */
  readonly id?: string;
  /** Local references the build put on the image, the `:dev` alias included. */
  readonly refs: readonly string[];
  /** Tags to push (the tag script's: SHA, branch-time, latest, ...; not the local `dev` alias). */
  readonly tags: readonly string[];
  /** Those of `tags` that may move to another digest in a registry (`latest`, `staging-*`, `pr-*`). */
  readonly moving: readonly string[];
  /** The base image the build used (the override, or the pinned default). */
  readonly baseImage: string;
  readonly sizeBytes?: number;
  readonly seconds: number;
  /** The CycloneDX SBOM file, relative to the report's folder, when Trivy made one. */
  readonly sbom?: string;
  /** Seconds Trivy took for the SBOM. */
  readonly sbomSeconds?: number;
  /** The change against the last default-branch build found locally. */
  readonly sizeChange?: SizeChange;
}

/** `build/docker/build.json`. */
export interface BuildReport {
  readonly schema: 1;
  /** When the last build:docker finished (ISO 8601). */
  readonly createdAt: string;
  /** Docker engine version. */
  readonly engine?: string;
  /** One entry per service, the latest build of each (a build of some services keeps the others). */
  readonly images: readonly BuiltImage[];
}

/** One pushed image. */
export interface PushedImage {
  readonly service: string;
  readonly id: string;
  /** `REGISTRY/REPOSITORY`, e.g. `127.0.0.1:5000/qualisys/api`. */
  readonly repository: string;
  /** Manifest digest in the registry. */
  readonly digest: string;
  /** `repository@digest`: what to deploy and verify. */
  readonly ref: string;
  readonly tags: readonly string[];
  readonly signed: boolean;
  /** The SBOM attested (relative to the report's folder), when signed. */
  readonly sbom?: string;
  readonly seconds: { readonly push: number; readonly sbom?: number; readonly sign?: number };
}

/** `build/docker/push.json`. */
export interface PushReport {
  readonly schema: 1;
  readonly pushedAt: string;
  readonly registry: string;
  readonly images: readonly PushedImage[];
}

/** No build report: nothing to push. */
export class NoBuildReportError extends Error {
  constructor(file: string, detail: string) {
    super(`No build report at ${file} (${detail}): run npx projen build:docker first; push:docker pushes exactly the images that build recorded.`);
    this.name = 'NoBuildReportError';
  }
}

/** Reads a build report; throws NoBuildReportError when it is missing or unreadable. */
export function readBuildReport(file: string): BuildReport {
  let report: BuildReport;
  try {
    report = JSON.parse(readFileSync(file, 'utf8')) as BuildReport;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new NoBuildReportError(file, e.code === 'ENOENT' ? 'no such file' : e.message);
  }
  if (report?.schema !== 1 || !Array.isArray(report.images)) throw new NoBuildReportError(file, 'not a report of this version of build:docker');
  return report;
}

/** The new report: the services just built replace their earlier entries; the others stay as they were. */
export function mergeBuildReport(previous: BuildReport | undefined, fresh: BuildReport): BuildReport {
  const built = new Set(fresh.images.map((i) => i.service));
  const kept = (previous?.images ?? []).filter((i) => !built.has(i.service));
  return { ...fresh, images: [...kept, ...fresh.images] };
}

/** The tag of a reference (`host:5000/a/b:tag` → `tag`), or undefined when it has none. */
export function tagOf(ref: string): string | undefined {
  const name = ref.split('@')[0];
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  return colon > slash ? name.slice(colon + 1) : undefined;
}

/** A file named in a report, resolved against the report's folder. */
export function besideReport(reportFile: string, file: string): string {
  return path.resolve(path.dirname(reportFile), file);
}
