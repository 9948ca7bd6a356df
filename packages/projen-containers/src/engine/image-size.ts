/**
 * The image size script's comparison: one service's image against the same service's image from
 * the default branch (pulled by tag) and its base, with the docker CLI; the table and the
 * figures themselves are lib/image-size.ts, which `build:docker` uses too.
 */
import { imageFacts, pullImage } from './docker-cli';
import { ImageFacts, SizeChange, sizeChange, SizeThreshold } from '../lib/image-size';

/** Docker as the comparison needs it; tests may give another. */
export interface SizeDocker {
  facts(ref: string): ImageFacts | undefined;
  pull(ref: string): { status: 'pulled' } | { status: 'missing' | 'failed'; detail: string };
}

/** The local engine, through the docker CLI. */
export const LOCAL_DOCKER: SizeDocker = { facts: imageFacts, pull: pullImage };

/** Local facts of `ref`, pulling it first when asked (always for the reference: the tag may have moved). */
function lookUp(docker: SizeDocker, ref: string, pull: 'always' | 'missing' | 'never'): { facts?: ImageFacts; why?: string; note?: string } {
  if (pull === 'always' || (pull === 'missing' && !docker.facts(ref))) {
    const r = docker.pull(ref);
    if (r.status === 'missing') return { why: `no ${ref} in the registry` };
    if (r.status === 'failed') {
      const local = docker.facts(ref);
      return local
        ? { facts: local, note: `${ref} could not be pulled (${r.detail}): compared with the local copy` }
        : { why: `${ref} could not be pulled (${r.detail})` };
    }
  }
  const facts = docker.facts(ref);
  return { facts, why: facts ? undefined : `no local ${ref}` };
}

/** What to compare. */
export interface SizeComparison {
  /** The image just built, in the local engine. */
  readonly image: string;
  /** The base image it was built on (pulled when it is not local, unless `noPull`). */
  readonly base: string;
  /** The default branch's image, pulled by tag (unless `noPull`). @default none: the comparison says so */
  readonly reference?: string;
  /** Name in the table. @default the last part of the image's repository */
  readonly service?: string;
  /** Flag a growth above it. @default none */
  readonly threshold?: SizeThreshold;
  /** Use local images only. @default false */
  readonly noPull?: boolean;
}

/** Compares the image with its base and the reference; throws when the image or its base cannot be read. */
export function compareImageSize(o: SizeComparison, docker: SizeDocker = LOCAL_DOCKER): SizeChange {
  const image = docker.facts(o.image);
  if (!image) throw new Error(`${o.image} is not in the local engine: build (or load) it first.`);
  const base = lookUp(docker, o.base, o.noPull ? 'never' : 'missing');
  if (!base.facts) throw new Error(`the base image ${o.base} is not available (${base.why}): pass the base the build used.`);
  const reference = o.reference ? lookUp(docker, o.reference, o.noPull ? 'never' : 'always') : { why: 'no reference given' };
  const service = o.service ?? o.image.split('@')[0].replace(/:[^:/]*$/, '').split('/').pop()!;
  const notes = [base, reference].map((r) => ('note' in r ? r.note : undefined)).filter((n): n is string => !!n);
  return sizeChange({ service, image, base: base.facts, reference: reference.facts, noReference: reference.why, threshold: o.threshold, notes });
}
