/** The tags and labels of an image, from the project's image tag script (the same logic as CI). */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { ImagesManifest } from '../lib/images-manifest';
import { ROOT } from '../lib/source-file';

/** Tags and labels of one image from the image tag script (the same logic as CI). */
export interface ImageTags { refs: string[]; version: string; labels: Record<string, string>; moving?: string[] }

/** The image tag script the manifest names (DockerImages' `tagScript`), relative to the root. */
export function tagScriptOf(manifest: ImagesManifest): string {
  if (!manifest.tagScript) throw new Error('.projen/docker-images.json names no image tag script: give DockerImages its tagScript in .projenrc.ts and run `npx projen`.');
  return manifest.tagScript;
}

export function tagsFor(image: string, tagScript: string, env: NodeJS.ProcessEnv = process.env, root = ROOT): ImageTags {
  const args = [path.join(root, tagScript), '--image', image, '--format', 'json', '--cwd', root];
  if (env.IMAGE_REGISTRY) args.push('--registry', env.IMAGE_REGISTRY);
  const json = JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8', env })) as ImageTags;
  return { refs: json.refs, version: json.version, labels: json.labels, moving: json.moving ?? [] };
}
