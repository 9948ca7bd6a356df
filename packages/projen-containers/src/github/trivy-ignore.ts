import { Component, Project, YamlFile } from 'projen';
import { calendarDate, check, integer, knownKeys, oneLine, optionKeys } from '../validate';

/** One accepted finding: why it does not apply, and until when. */
export interface TrivyException {
  /** Vulnerability or secret rule id, e.g. `CVE-2026-12345`. */
  readonly id: string;
  /** Why the finding is accepted (not exploitable here, no fix yet, ...): shown in every scan that skips it. */
  readonly statement: string;
  /** Last day the exception holds (`YYYY-MM-DD`); after it the scan fails again. */
  readonly expiresOn: string;
  /** Limit the exception to packages (purls) or paths. @default every occurrence */
  readonly purls?: string[];
  readonly paths?: string[];
}

/** Options of {@link TrivyIgnore}. */
export interface TrivyIgnoreOptions {
  /** Accepted findings. @default [] */
  readonly vulnerabilities?: TrivyException[];
  /** Longest allowed life of an exception, in days. @default 90 */
  readonly maxDays?: number;
  /** Today, for tests. @default the current date */
  readonly today?: Date;
}

const DAY = 86_400_000;

/** Every option of {@link TrivyIgnoreOptions}: any other key is an error. */
const OPTION_KEYS = optionKeys<TrivyIgnoreOptions>({ vulnerabilities: true, maxDays: true, today: true });

/**
 * `.trivyignore.yaml`, generated from `.projenrc.ts`: every accepted finding carries a statement
 * and an expiry date. Synth fails on an expired entry, one without a statement, or one that lasts
 * longer than `maxDays`; Trivy itself stops honouring an entry after its `expired_at`, so an
 * expired exception also fails the build. Secrets get no exceptions at all: a leaked secret is
 * rotated and removed, never ignored.
 */
export class TrivyIgnore extends Component {
  public readonly path = '.trivyignore.yaml';
  private readonly vulnerabilities: TrivyException[];
  /** Longest allowed life of an exception, in days. */
  public readonly maxDays: number;
  private readonly today: Date;

  constructor(project: Project, options: TrivyIgnoreOptions = {}) {
    super(project);
    knownKeys('TrivyIgnore', 'options', options, OPTION_KEYS);
    this.maxDays = integer('TrivyIgnore', 'maxDays', options.maxDays ?? 90, 1, 365);
    this.today = options.today ?? new Date();
    this.vulnerabilities = [];
    for (const e of options.vulnerabilities ?? []) this.addVulnerability(e);
    new YamlFile(project, this.path, {
      obj: {
        vulnerabilities: () => this.render(this.vulnerabilities),
      },
      marker: true,
    });
  }

  /**
   * Accepts a vulnerability until its expiry date. Checked here, when it is declared: an expired
   * or malformed exception fails synth before any file is written.
   */
  public addVulnerability(e: TrivyException): this {
    const C = 'TrivyIgnore';
    check(!!e && typeof e === 'object', C, 'vulnerabilities', e, 'an exception object { id, statement, expiresOn }');
    check(typeof e.id === 'string' && /^[A-Za-z0-9][A-Za-z0-9._:-]{2,80}$/.test(e.id), C, 'id', e.id, 'a finding id such as CVE-2026-12345 or GHSA-xxxx-xxxx-xxxx');
    const of = `exception ${e.id}`;
    knownKeys(C, 'vulnerabilities', e, ['id', 'statement', 'expiresOn', 'purls', 'paths'], of);
    check(typeof e.statement === 'string' && e.statement.trim().length >= 10, C, 'statement', e.statement, 'a statement of 10 characters or more saying why the finding is accepted', of);
    oneLine(C, 'statement', e.statement, of);
    calendarDate(C, 'expiresOn', e.expiresOn, of);
    const expires = Date.parse(`${e.expiresOn}T23:59:59Z`);
    const today = this.today.getTime();
    check(expires >= today, C, 'expiresOn', e.expiresOn,
      `a day not yet past: the exception expired on ${e.expiresOn}; fix the finding (see docs/vulnerability-remediation.md) or renew the exception with a new statement and date in .projenrc.ts`, of);
    check(expires - today <= this.maxDays * DAY, C, 'expiresOn', e.expiresOn,
      `a day at most ${this.maxDays} days from now (maxDays), not more than ${this.maxDays} days from now: choose an earlier date and review it then`, of);
    for (const purl of e.purls ?? []) {
      check(typeof purl === 'string' && /^pkg:[a-z0-9.+-]+\/[^\s\u0000-\u001f]+$/.test(purl), C, 'purls', purl, 'a package URL such as pkg:npm/foo@1.0.0', of);
    }
    for (const p of e.paths ?? []) {
      check(typeof p === 'string' && p.length > 0 && !p.split('/').includes('..'), C, 'paths', p, 'a path inside the scanned image or folder, such as usr/local/lib/node_modules/x, with no ".."', of);
      oneLine(C, 'paths', p, of);
    }
    this.vulnerabilities.push(e);
    return this;
  }

  private render(list: TrivyException[]) {
    return list.map((e) => {
      return {
        id: e.id,
        statement: e.statement,
        expired_at: e.expiresOn,
        ...(e.purls?.length ? { purls: e.purls } : {}),
        ...(e.paths?.length ? { paths: e.paths } : {}),
      };
    });
  }
}
