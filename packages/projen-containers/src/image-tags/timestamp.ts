/**
 * The build time given to the tag script (`--timestamp`, SOURCE_DATE_EPOCH), parsed strictly: a
 * pure function, so every accepted and refused form is tested without a clock.
 */
import { TagPolicyError } from './policy';

/** What the tag script accepts as a build time, as its errors and help name it. */
export const TIMESTAMP_FORMS = 'seconds since 1970 (SOURCE_DATE_EPOCH, e.g. 1769178622), '
  + 'an ISO 8601 date and time with Z or an offset (2026-01-23T14:30:22Z, 2026-01-23T15:30:22.5+01:00, 2026-01-23T14:30Z), '
  + 'or an ISO 8601 date alone (2026-01-23, read as midnight UTC)';

/** The last instant a tag can name with a four-digit year. */
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * `YYYY-MM-DD`, optionally `THH:MM`, `:SS` and `.fraction`, then `Z` or `±HH:MM`. The zone is
 * captured even though required, so that a missing one gets its own message.
 */
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?)?$/;

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * Parses a build time: seconds since 1970, or ISO 8601 in the strict form of {@link TIMESTAMP_FORMS}.
 * Anything else is refused, including what `new Date()` would guess at (`March 7`, `1 2 3`), a
 * date and time without a zone (it would depend on the machine's time zone), impossible dates
 * (`2026-02-30`, `2026-11-31`: the date must survive the round trip through `Date`) and times
 * outside 1970 to 9999. Surrounding white space is ignored. The fraction of a second is kept to
 * the millisecond.
 *
 * @param source where the value came from, for the message: `--timestamp` or `SOURCE_DATE_EPOCH`
 */
export function parseTimestamp(value: string, source = '--timestamp'): Date {
  const v = value.trim();
  const invalid = (why: string) => new TagPolicyError(`Invalid timestamp "${value}" (${source}): ${why}. Expected ${TIMESTAMP_FORMS}.`);
  let ms: number;
  if (/^\d+$/.test(v)) {
    ms = Number(v) * 1000;
  } else {
    const m = ISO_8601.exec(v);
    if (!m) throw invalid('neither seconds nor ISO 8601');
    const [, year, month, day, hour, minute, second = '00', fraction = '', zone] = m;
    if (hour !== undefined && zone === undefined) throw invalid('a time needs its zone: add Z (UTC) or an offset such as +01:00');
    const [y, mo, d, h, mi, s] = [year, month, day, hour ?? '00', minute ?? '00', second].map(Number);
    if (mo < 1 || mo > 12) throw invalid(`there is no month ${month}`);
    if (h > 23) throw invalid(`there is no hour ${hour} (00 to 23)`);
    if (mi > 59) throw invalid(`there is no minute ${minute} (00 to 59)`);
    if (s > 59) throw invalid(`there is no second ${second} (00 to 59; leap seconds are not accepted)`);
    const date = new Date(0);
    // setUTCFullYear, not Date.UTC: Date.UTC reads the years 0 to 99 as 1900 to 1999.
    date.setUTCFullYear(y, mo - 1, d);
    // The round trip: Date rolls 2026-02-30 over to 2026-03-02, so an impossible day comes back different.
    if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) {
      throw invalid(`${MONTHS[mo - 1]} ${year} has no day ${day}`);
    }
    date.setUTCHours(h, mi, s, Number(fraction.padEnd(3, '0').slice(0, 3)));
    let offset = 0;
    if (zone !== undefined && zone !== 'Z') {
      const [oh, om] = zone.slice(1).split(':').map(Number);
      if (oh > 23 || om > 59) throw invalid(`there is no offset ${zone} (-23:59 to +23:59)`);
      offset = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
    }
    ms = date.getTime() - offset;
  }
  if (!(ms >= 0 && ms <= LATEST)) throw invalid('outside 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z');
  return new Date(ms);
}
