/** The literal base images of a Dockerfile: its `FROM <image>` lines, each reference split as Docker reads it. */

/** A literal image reference split as Docker reads it: `mcr.microsoft.com/playwright:v1-noble@sha256:...`. */
export interface ImageReference {
  /** Registry and path, e.g. `mcr.microsoft.com/playwright` or `node`. */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

export function splitReference(ref: string): ImageReference {
  const [name, digest] = ref.split('@');
  const colon = name.lastIndexOf(':');
  const hasTag = colon > name.lastIndexOf('/');
  return { repository: hasTag ? name.slice(0, colon) : name, tag: hasTag ? name.slice(colon + 1) : undefined, digest };
}

/** The literal `FROM <image> [AS <stage>]` lines of a Dockerfile (no variable, not an earlier stage). */
export function literalFromLines(dockerfile: string): { ref: ImageReference; stage?: string; line: string }[] {
  const stages = new Set<string>();
  const out: { ref: ImageReference; stage?: string; line: string }[] = [];
  for (const m of dockerfile.matchAll(/^FROM[ \t]+(?:--platform=\S+[ \t]+)?(\S+)(?:[ \t]+AS[ \t]+(\S+))?[ \t]*$/gim)) {
    const [line, image, stage] = m;
    if (!image.includes('$') && !stages.has(image.toLowerCase()) && /[:@]/.test(image)) out.push({ ref: splitReference(image), stage, line });
    if (stage) stages.add(stage.toLowerCase());
  }
  return out;
}
