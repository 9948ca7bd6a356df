/**
 * `.projen/docker-images.json`: what `DockerImages` knows of the images, for the tools that build
 * and pin them (`build:docker`, `update-base-images`, `sync-pins`, the benchmark, the image tests)
 * and for the workflows and docs. No projen import: a tool reads this file, never the components.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_BASE_IMAGES_LOCK } from './lock-files';

/** Where `DockerImages` writes the manifest, relative to the root. */
export const IMAGES_MANIFEST = '.projen/docker-images.json';

/** One service image. */
export interface ImageManifestEntry {
  /** The service's folder name, e.g. `api`. */
  readonly service: string;
  /** Its kind, e.g. `node-service`. */
  readonly kind: string;
  /** Image repository, e.g. `qualisys/api`. */
  readonly image: string;
  /** Build context (the service folder), relative to the root. */
  readonly context: string;
  /** Its Dockerfile, relative to the root. */
  readonly dockerfile: string;
  /** Port the server listens on, for server kinds. */
  readonly port?: number;
  /** Health endpoint, for server kinds. */
  readonly healthPath?: string;
  /** Runtime user and its numeric `uid:gid`. */
  readonly user: string;
  readonly uid: string;
  /** Size budget as written, e.g. `200MB`, and in bytes. */
  readonly sizeBudget: string;
  readonly sizeBudgetBytes: number;
  /** Build argument of the base image the image runs on (its last stage's), e.g. `NODE_IMAGE`. */
  readonly baseArg: string;
  /** The base image the image runs on, as the Dockerfile defaults to it, `repository:tag[@sha256:…]`. */
  readonly baseImage: string;
  /** That base is pinned by digest. */
  readonly basePinned: boolean;
  /**
   * Every base image of the Dockerfile (a Go service's toolchain and its runtime), by the kind's
   * role, in the Dockerfile's order. Absent from a manifest written before it was recorded: then
   * `baseArg`/`baseImage` are the only base.
   */
  readonly bases?: readonly ImageManifestBase[];
  /** Recommended `docker run` flags, for images that run once (a test runner). */
  readonly runFlags?: string[];
  /** A test runner: the services it waits for and its defaults. */
  readonly runner?: RunnerManifest;
}

/** One base image of an image's Dockerfile. */
export interface ImageManifestBase {
  /** The kind's role for it, e.g. `build` or `runtime`. */
  readonly role: string;
  /** Its name among the base images, e.g. `golang`. */
  readonly name: string;
  /** Its build argument, e.g. `GO_IMAGE`. */
  readonly arg: string;
  /** `repository:tag[@sha256:…]`, as the Dockerfile's literal stage has it. */
  readonly image: string;
  /** Pinned by digest. */
  readonly pinned: boolean;
}

/** Every base image of an entry: its `bases`, or, in a manifest written before they were recorded, its one base. */
export function basesOf(entry: Pick<ImageManifestEntry, 'bases' | 'baseArg' | 'baseImage' | 'basePinned'>): readonly Omit<ImageManifestBase, 'role' | 'name'>[] {
  return entry.bases ?? [{ arg: entry.baseArg, image: entry.baseImage, pinned: entry.basePinned }];
}

/** What a test-runner image waits for, and the defaults of its entrypoint. */
export interface RunnerManifest {
  readonly targets: readonly { readonly name: string; readonly urlEnv: string; readonly healthPath: string }[];
  readonly waitTimeoutSeconds: number;
  readonly defaultProject: string;
  readonly defaultWorkers: number;
}

/** A declared base image. */
export interface BaseImageManifestEntry {
  readonly repository: string;
  readonly tag: string;
  readonly buildArg: string;
  readonly versionOf?: string;
  /** The lock file holding its digest, relative to the root. */
  readonly lockFile: string;
}

/** The whole manifest. */
export interface ImagesManifest {
  /** The image tag script, relative to the root; absent when no tag script was given to `DockerImages`. */
  readonly tagScript?: string;
  /** The lock file of the base-image digests, relative to the root. */
  readonly lockFile?: string;
  readonly images: ImageManifestEntry[];
  readonly baseImages?: Readonly<Record<string, BaseImageManifestEntry>>;
}

/** Reads the manifest of a checkout; throws with what to do when it is missing or unreadable. */
export function readImagesManifest(root: string): ImagesManifest {
  const file = path.join(root, IMAGES_MANIFEST);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ImagesManifest;
  } catch (err) {
    throw new Error(`Unable to read ${IMAGES_MANIFEST} (${(err as Error).message}): run \`npx projen\` first.`);
  }
}

/** The base-image lock file of a manifest (the default for a manifest written before it was recorded). */
export function baseImagesLockFile(manifest: ImagesManifest | undefined): string {
  return manifest?.lockFile ?? DEFAULT_BASE_IMAGES_LOCK;
}
