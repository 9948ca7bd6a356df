/**
 * The free-text inputs of the tag script, parsed strictly: pull request numbers, the source URL
 * and the title of the labels. Pure functions; each refusal is a TagPolicyError (exit 2) that
 * quotes the value as JSON, so a message stays one line whatever the value holds.
 */
import { TagPolicyError } from './policy';

/** The longest pull request number: 10 digits, far below 2^53 (where a Number starts rounding). */
export const MAX_PULL_REQUEST_DIGITS = 10;

/** Newlines, other control characters (C0, DEL, C1) and the Unicode line and paragraph separators. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * A pull request number as written: 1 to 10 decimal digits, no sign, no leading zero, no white
 * space, no exponent (`1e3`), no hex (`0x10`). Anything else is refused rather than read as a
 * Number, which would round past 2^53 and print `1e+23`.
 *
 * @param source where the value came from, for the message: `--pr`, `TAG_PR`, `GITHUB_REF`
 */
export function parsePullRequest(value: string, source: string): number {
  if (!new RegExp(`^[1-9][0-9]{0,${MAX_PULL_REQUEST_DIGITS - 1}}$`).test(value)) {
    throw new TagPolicyError(`Invalid pull request number ${JSON.stringify(value)} (${source}): expected a positive whole number of 1 to ${MAX_PULL_REQUEST_DIGITS} digits, without sign, spaces or leading zeros, such as 42.`);
  }
  return Number(value);
}

/**
 * The source repository URL of the labels: an `https://` or `http://` URL of at most 2,000
 * characters, with no white space, control character or credentials (`user:token@`) in it.
 *
 * @param source where the value came from, for the message
 */
export function checkSourceUrl(value: string, source: string): string {
  const invalid = (why: string) => new TagPolicyError(`Invalid source URL ${JSON.stringify(value)} (${source}): ${why}. Expected the repository's web address, such as https://github.com/acme/qualisys.`);
  if (CONTROL.test(value) || /\s/.test(value)) throw invalid('it holds white space, a newline or another control character');
  if (value.length > 2000) throw invalid('it is longer than 2,000 characters');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid('it is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid(`its scheme ${url.protocol} is not https:`);
  if (url.username || url.password) throw invalid('it holds credentials (user:token@), which would be published in the image');
  return value;
}

/**
 * The title label: one line of at most 300 characters, without newline or other control
 * character, and without white space at either end (docker/build-push-action trims each label
 * line, so the image would carry another title than the one asked for). Empty leaves the label out.
 */
export function checkTitle(value: string, source: string): string {
  if (CONTROL.test(value) || value.length > 300 || value !== value.trim()) {
    throw new TagPolicyError(`Invalid title ${JSON.stringify(value.length > 300 ? `${value.slice(0, 40)}…` : value)} (${source}): expected one line of at most 300 characters, without newline or other control character, and without white space at either end.`);
  }
  return value;
}
