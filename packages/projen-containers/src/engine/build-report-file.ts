/** build/docker/build.json as build:docker writes it: one entry per image built, merged with the last report. */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { BuildResult } from './image-build';
import type { ImageTags } from './tag-script';
import { BuildReport, BuiltImage, mergeBuildReport, readBuildReport, tagOf } from '../lib/build-report';
import type { SizeChange } from '../lib/image-size';
import type { ImageManifestEntry } from '../lib/images-manifest';

/** The build report entry of one result. */
export function reportEntry(
  result: BuildResult, entry: ImageManifestEntry, tags: ImageTags,
  extra: { baseImage: string; sbom?: string; sbomSeconds?: number; sizeChange?: SizeChange },
): BuiltImage {
  const pushable = tags.refs.map(tagOf).filter((t): t is string => !!t);
  return {
    service: result.service,
    image: entry.image,
    ok: result.ok,
    ...(result.id ? { id: result.id } : {}),
    refs: result.refs,
    tags: pushable,
    moving: (tags.moving ?? []).filter((t) => pushable.includes(t)),
    baseImage: extra.baseImage,
    ...(result.sizeBytes !== undefined ? { sizeBytes: result.sizeBytes } : {}),
    seconds: result.seconds,
    ...(extra.sbom ? { sbom: extra.sbom, sbomSeconds: extra.sbomSeconds } : {}),
    ...(extra.sizeChange ? { sizeChange: extra.sizeChange } : {}),
  };
}

/** Writes the report, keeping the entries of services not built this time. */
export function writeBuildReport(file: string, fresh: BuildReport): BuildReport {
  let previous: BuildReport | undefined;
  try {
    previous = existsSync(file) ? readBuildReport(file) : undefined;
  } catch {
    previous = undefined; // an unreadable old report is replaced
  }
  const merged = mergeBuildReport(previous, fresh);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(merged, null, 2) + '\n');
  return merged;
}
