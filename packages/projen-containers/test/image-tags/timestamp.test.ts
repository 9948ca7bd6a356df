/**
 * The build time of --timestamp and SOURCE_DATE_EPOCH: seconds since 1970 or strict ISO 8601,
 * nothing that `new Date()` would merely guess at.
 */
import * as fc from 'fast-check';
import { TagPolicyError } from '../../src/image-tags/policy';
import { parseTimestamp, TIMESTAMP_FORMS } from '../../src/image-tags/timestamp';

const iso = (value: string, source?: string) => parseTimestamp(value, source).toISOString();

describe('accepted', () => {
  test.each([
    ['1769178622', '2026-01-23T14:30:22.000Z'],
    ['0', '1970-01-01T00:00:00.000Z'],
    [' 1769178622\n', '2026-01-23T14:30:22.000Z'], // surrounding white space, as $(cat file) may leave
    ['253402300799', '9999-12-31T23:59:59.000Z'],
    ['2026-01-23T14:30:22Z', '2026-01-23T14:30:22.000Z'],
    ['2026-01-23T14:30Z', '2026-01-23T14:30:00.000Z'],
    ['2026-01-23T14:30:22.5Z', '2026-01-23T14:30:22.500Z'],
    ['2026-01-23T14:30:22.123456789Z', '2026-01-23T14:30:22.123Z'], // kept to the millisecond
    ['2026-01-23T15:30:22+01:00', '2026-01-23T14:30:22.000Z'],
    ['2026-01-23T09:00:22-05:30', '2026-01-23T14:30:22.000Z'],
    ['2026-01-24T00:30:22+10:00', '2026-01-23T14:30:22.000Z'],
    ['2026-01-23T14:30:22-00:00', '2026-01-23T14:30:22.000Z'],
    ['2026-01-23', '2026-01-23T00:00:00.000Z'], // a date alone is midnight UTC
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
    ['2000-02-29T12:00:00Z', '2000-02-29T12:00:00.000Z'],
    ['1970-01-01T01:00:00+01:00', '1970-01-01T00:00:00.000Z'],
  ])('%j is %s', (value, expected) => {
    expect(iso(value)).toBe(expected);
  });
});

describe('refused, with what is accepted', () => {
  test.each([
    ['March 7', 'neither seconds nor ISO 8601'],
    ['1 2 3', 'neither seconds nor ISO 8601'],
    ['yesterday', 'neither seconds nor ISO 8601'],
    ['', 'neither seconds nor ISO 8601'],
    ['1e9', 'neither seconds nor ISO 8601'],
    ['-1', 'neither seconds nor ISO 8601'],
    ['1769178622.5', 'neither seconds nor ISO 8601'],
    ['2026-01-23 14:30:22Z', 'neither seconds nor ISO 8601'],
    ['2026-1-23', 'neither seconds nor ISO 8601'],
    ['20260123T143022Z', 'neither seconds nor ISO 8601'],
    ['2026-01-23T14:30:22+0100', 'neither seconds nor ISO 8601'],
    ['2026-01-23t14:30:22z', 'neither seconds nor ISO 8601'],
    ['Fri, 23 Jan 2026 14:30:22 GMT', 'neither seconds nor ISO 8601'],
    ['2026-01-23T14:30:22', 'a time needs its zone: add Z (UTC) or an offset such as +01:00'],
    ['2026-01-23T14:30', 'a time needs its zone'],
    ['2026-02-30', 'February 2026 has no day 30'],
    ['2026-11-31', 'November 2026 has no day 31'],
    ['2026-11-31T00:00:00Z', 'November 2026 has no day 31'],
    ['2025-02-29T12:00:00Z', 'February 2025 has no day 29'],
    ['1900-02-29', 'February 1900 has no day 29'],
    ['2026-04-00', 'April 2026 has no day 00'],
    ['2026-13-01', 'there is no month 13'],
    ['2026-00-10', 'there is no month 00'],
    ['2026-01-23T24:00:00Z', 'there is no hour 24'],
    ['2026-01-23T14:60:00Z', 'there is no minute 60'],
    ['2016-12-31T23:59:60Z', 'there is no second 60 (00 to 59; leap seconds are not accepted)'],
    ['2026-01-23T14:30:22+24:00', 'there is no offset +24:00'],
    ['2026-01-23T14:30:22+01:60', 'there is no offset +01:60'],
    ['1969-12-31T23:59:59Z', 'outside 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z'],
    ['1970-01-01T00:30:00+01:00', 'outside'],
    ['9999-12-31T23:00:00-01:00', 'outside'],
    ['0099-01-01', 'outside'],
    ['253402300800', 'outside'],
    ['9'.repeat(400), 'outside'],
  ])('%j: %s', (value, why) => {
    expect(() => parseTimestamp(value)).toThrow(TagPolicyError);
    expect(() => parseTimestamp(value)).toThrow(`Invalid timestamp "${value}" (--timestamp): ${why}`);
    expect(() => parseTimestamp(value)).toThrow(`. Expected ${TIMESTAMP_FORMS}.`);
  });
  test('the message names where the value came from', () => {
    expect(() => parseTimestamp('March 7', 'SOURCE_DATE_EPOCH')).toThrow('Invalid timestamp "March 7" (SOURCE_DATE_EPOCH): ');
  });
});

describe('properties (fast-check)', () => {
  const instant = fc.date({ min: new Date('1970-01-01T00:00:00.000Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true });
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');

  test('an ISO 8601 UTC string round-trips', () => {
    fc.assert(fc.property(instant, (d) => {
      expect(parseTimestamp(d.toISOString()).getTime()).toBe(d.getTime());
    }), { numRuns: 2000 });
  });
  test('whole seconds round-trip', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 253402300799 }), (s) => {
      expect(parseTimestamp(String(s)).getTime()).toBe(s * 1000);
    }), { numRuns: 2000 });
  });
  test('the same instant written with any offset is the same instant', () => {
    fc.assert(fc.property(
      fc.date({ min: new Date('1970-01-02T00:00:00Z'), max: new Date('9999-12-30T00:00:00Z'), noInvalidDate: true }),
      fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 }),
      (d, minutes) => {
        const utc = new Date(Math.floor(d.getTime() / 1000) * 1000);
        const local = new Date(utc.getTime() + minutes * 60_000);
        const off = `${minutes < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(minutes) / 60))}:${pad(Math.abs(minutes) % 60)}`;
        const text = `${local.toISOString().slice(0, 19)}${off}`;
        expect(parseTimestamp(text).getTime()).toBe(utc.getTime());
      },
    ), { numRuns: 2000 });
  });
  test('a day past the end of its month is always refused; every day up to it is accepted', () => {
    fc.assert(fc.property(fc.integer({ min: 1970, max: 9999 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 99 }), (y, m, d) => {
      const days = new Date(Date.UTC(2000, m, 0)).getUTCDate() - (m === 2 && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)) ? 1 : 0);
      const text = `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
      if (d <= days) expect(parseTimestamp(text).toISOString().slice(0, 10)).toBe(text);
      else expect(() => parseTimestamp(text)).toThrow(/has no day/);
    }), { numRuns: 3000 });
  });
  test('any other string is either refused with the accepted forms, or one of them', () => {
    fc.assert(fc.property(fc.string({ maxLength: 30 }), (s) => {
      let date: Date | undefined;
      try {
        date = parseTimestamp(s);
      } catch (err) {
        expect(err).toBeInstanceOf(TagPolicyError);
        expect((err as Error).message).toContain(TIMESTAMP_FORMS);
        return;
      }
      expect(s.trim()).toMatch(/^(?:\d+|\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?)$/);
      expect(Number.isNaN(date.getTime())).toBe(false);
    }), { numRuns: 3000 });
  });
});
