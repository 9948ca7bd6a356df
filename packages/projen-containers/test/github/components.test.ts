import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Project, Testing, typescript } from 'projen';
import { syncPins } from '../../src/engine/sync-pins';
import { ActionPins } from '../../src/github/action-pins';
import { TrivyIgnore } from '../../src/github/trivy-ignore';
import { ConfigError } from '../../src/validate';
import { runTsTool, tempOutdir } from '../fixtures';

const SHA = 'a'.repeat(40);
function projectWithLock(lock: unknown): Project {
  const outdir = mkdtempSync(path.join(tmpdir(), 'pins-'));
  writeFileSync(path.join(outdir, 'github-actions.lock.json'), JSON.stringify(lock));
  return new typescript.TypeScriptProject({ name: 'p', outdir, defaultReleaseBranch: 'main', github: true, jest: false, eslint: false });
}

describe('ActionPins', () => {
  test('gives SHA references and annotates them with their version', () => {
    const pins = new ActionPins(projectWithLock({ 'github/codeql-action': { version: 'v4.36.2', sha: SHA } }));
    expect(pins.uses('github/codeql-action/upload-sarif')).toBe(`github/codeql-action/upload-sarif@${SHA}`);
    expect(pins.annotate(`      - uses: github/codeql-action/upload-sarif@${SHA}\n        uses: other/x@${'b'.repeat(40)}\n`))
      .toBe(`      - uses: github/codeql-action/upload-sarif@${SHA} # v4.36.2\n        uses: other/x@${'b'.repeat(40)}\n`);
  });

  test('projen\'s own workflows use the same pins', () => {
    const project = projectWithLock({ 'actions/checkout': { version: 'v7.0.1', sha: 'c'.repeat(40) } });
    new ActionPins(project);
    const build = Testing.synth(project)['.github/workflows/build.yml'] as string;
    expect(build).toContain(`uses: actions/checkout@${'c'.repeat(40)}`);
  });

  test('an action that is not pinned is a synth error saying what to add', () => {
    // An action neither the project's lock file nor the package's shipped pins know.
    const pins = new ActionPins(projectWithLock({}));
    expect(() => pins.uses('acme/deploy-action')).toThrow('ActionPins: action "acme/deploy-action" is not allowed: an action pinned in github-actions.lock.json: add "acme/deploy-action": { "version": "vX.Y.Z", "sha": "<40-character commit SHA of that tag>" } to it.');
  });

  test.each([
    [{ 'a/b': { version: 'v1.0.0', sha: 'v1' } }, 'ActionPins: sha of a/b in github-actions.lock.json "v1" is not allowed: a full 40-character commit SHA.'],
    [{ 'a/b': { version: 'latest', sha: SHA } }, 'ActionPins: version of a/b in github-actions.lock.json "latest" is not allowed: a release tag'],
    [{ nope: { version: 'v1', sha: SHA } }, 'ActionPins: action "nope" is not allowed: an owner/repository name'],
    [{ 'a/b': null }, 'ActionPins: pin of a/b in github-actions.lock.json null is not allowed'],
    [[], 'ActionPins: lockFile "github-actions.lock.json" is not allowed: a JSON object'],
  ])('rejects a bad lock entry %j', (lock, message) => {
    expect(() => new ActionPins(projectWithLock(lock))).toThrow(ConfigError);
    expect(() => new ActionPins(projectWithLock(lock))).toThrow(message);
  });
});

describe('TrivyIgnore', () => {
  const today = new Date('2026-11-27T12:00:00Z');
  const entry = { id: 'CVE-2026-0001', statement: 'Only reachable through a CLI flag the image never passes.', expiresOn: '2026-12-31', purls: ['pkg:npm/foo@1.0.0'] };

  test('renders every exception with its statement and expiry date', () => {
    const project = new Project({ name: 'p', outdir: tempOutdir() });
    new TrivyIgnore(project, { vulnerabilities: [entry], today });
    const out = Testing.synth(project)['.trivyignore.yaml'] as string;
    expect(out).toContain('- id: CVE-2026-0001\n    statement: Only reachable through a CLI flag the image never passes.\n    expired_at: 2026-12-31\n    purls:\n      - pkg:npm/foo@1.0.0');
  });

  test.each([
    [{ ...entry, expiresOn: '2026-11-26' }, 'TrivyIgnore: expiresOn of exception CVE-2026-0001 "2026-11-26" is not allowed: a day not yet past: the exception expired on 2026-11-26; fix the finding'],
    [{ ...entry, statement: '' }, 'TrivyIgnore: statement of exception CVE-2026-0001 "" is not allowed: a statement of 10 characters or more saying why the finding is accepted.'],
    [{ ...entry, expiresOn: '2027-06-01' }, 'more than 90 days from now'],
    [{ ...entry, expiresOn: 'soon' }, 'TrivyIgnore: expiresOn of exception CVE-2026-0001 "soon" is not allowed: a date that exists, written YYYY-MM-DD.'],
    [{ ...entry, expiresOn: '2026-11-31' }, 'TrivyIgnore: expiresOn of exception CVE-2026-0001 "2026-11-31" is not allowed: a date that exists, written YYYY-MM-DD.'],
    [{ ...entry, expiresOn: '2026-02-30' }, 'a date that exists'],
    [{ ...entry, id: 'CVE 1; rm -rf' }, 'TrivyIgnore: id "CVE 1; rm -rf" is not allowed: a finding id such as CVE-2026-12345'],
    [{ ...entry, purls: ['foo'] }, 'TrivyIgnore: purls of exception CVE-2026-0001 "foo" is not allowed: a package URL'],
    [{ ...entry, statement: 'Not reachable.\nAnd more.' }, 'TrivyIgnore: statement of exception CVE-2026-0001 "Not reachable.\\nAnd more." is not allowed: one line of text'],
    [{ ...entry, paths: ['../../etc/passwd'] }, 'TrivyIgnore: paths of exception CVE-2026-0001 "../../etc/passwd" is not allowed'],
    [{ ...entry, expiresOn: undefined } as never, 'TrivyIgnore: expiresOn of exception CVE-2026-0001 undefined is not allowed'],
    [{ ...entry, purl: ['pkg:npm/x@1'] } as never, 'TrivyIgnore: vulnerabilities.purl of exception CVE-2026-0001 ["pkg:npm/x@1"] is not allowed: not an option'],
  ])('fails where it is declared, before anything is written: %j', (bad, message) => {
    const project = new Project({ name: 'p', outdir: tempOutdir() });
    expect(() => new TrivyIgnore(project, { vulnerabilities: [bad], today })).toThrow(ConfigError);
    expect(() => new TrivyIgnore(project, { vulnerabilities: [bad], today })).toThrow(message);
    const added = new TrivyIgnore(new Project({ name: 'q', outdir: tempOutdir() }), { today });
    expect(() => added.addVulnerability(bad)).toThrow(message);
  });

  test('an exception still valid today passes, and fails once its day is past', () => {
    const ok = new Project({ name: 'p', outdir: tempOutdir() });
    new TrivyIgnore(ok, { vulnerabilities: [entry], today: new Date('2026-12-31T20:00:00Z') });
    expect(() => Testing.synth(ok)).not.toThrow();
    const late = new Project({ name: 'p', outdir: tempOutdir() });
    expect(() => new TrivyIgnore(late, { vulnerabilities: [entry], today: new Date('2027-01-01T00:00:01Z') })).toThrow(/expired on 2026-12-31/);
  });
});

describe('sync-pins', () => {
  const D = (c: string) => `sha256:${c.repeat(64)}`;
  /** A repository as Dependabot finds it: lock files, the manifest and the Dockerfiles generated from them. */
  function repo(options: { playwright?: string } = {}): string {
    const root = mkdtempSync(path.join(tmpdir(), 'sync-'));
    for (const dir of ['.github/workflows', '.projen', 'api', 'web', 'playwright-runner']) mkdirSync(path.join(root, dir), { recursive: true });
    const pw = options.playwright ?? '1.65.1';
    writeFileSync(path.join(root, 'github-actions.lock.json'), JSON.stringify({ 'docker/build-push-action': { version: 'v7.3.0', sha: SHA } }));
    writeFileSync(path.join(root, 'base-images.lock.json'), JSON.stringify({ 'node:24-alpine': { digest: D('1') }, [`mcr.microsoft.com/playwright:v${pw}-noble`]: { digest: D('5') } }));
    writeFileSync(path.join(root, 'dependency-pins.json'), JSON.stringify({ 'playwright-runner': { '@playwright/test': pw } }));
    writeFileSync(path.join(root, 'playwright-runner', 'package.json'), JSON.stringify({ dependencies: { '@playwright/test': pw } }));
    const image = (service: string, baseArg: string, baseImage: string) => ({ service, context: service, dockerfile: `${service}/Dockerfile`, baseArg, baseImage });
    writeFileSync(path.join(root, '.projen', 'docker-images.json'), JSON.stringify({
      images: [
        image('api', 'NODE_IMAGE', `node:24-alpine@${D('1')}`),
        image('web', 'NODE_IMAGE', `node:24-alpine@${D('1')}`),
        image('playwright-runner', 'PLAYWRIGHT_IMAGE', `mcr.microsoft.com/playwright:v${pw}-noble@${D('5')}`),
      ],
      baseImages: {
        node: { repository: 'node', tag: '24-alpine', buildArg: 'NODE_IMAGE' },
        playwright: { repository: 'mcr.microsoft.com/playwright', tag: 'v{version}-noble', buildArg: 'PLAYWRIGHT_IMAGE', versionOf: '@playwright/test' },
      },
    }));
    for (const s of ['api', 'web']) writeFileSync(path.join(root, s, 'Dockerfile'), dockerfile('NODE_IMAGE', 'node-base', `node:24-alpine@${D('1')}`));
    writeFileSync(path.join(root, 'playwright-runner', 'Dockerfile'), dockerfile('PLAYWRIGHT_IMAGE', 'playwright-base', `mcr.microsoft.com/playwright:v${pw}-noble@${D('5')}`));
    return root;
  }
  const dockerfile = (arg: string, stage: string, image: string) => `ARG ${arg}=${stage}\nFROM ${image} AS ${stage}\n\nFROM \${${arg}} AS deps\nFROM deps AS build\n`;
  /** What Dependabot's docker updater does to a line: the digest (and the tag) replaced in place. */
  const edit = (root: string, file: string, from: string, to: string) => {
    const p = path.join(root, file);
    writeFileSync(p, readFileSync(p, 'utf8').replace(from, to));
  };
  const json = (root: string, file: string) => JSON.parse(readFileSync(path.join(root, file), 'utf8'));

  test('moves pins changed in generated files back to the lock files', () => {
    const root = repo();
    // What a Dependabot pull request looks like: a newer pin in the generated files.
    writeFileSync(path.join(root, '.github', 'workflows', 'x.yml'), `steps:\n  - uses: docker/build-push-action@${'d'.repeat(40)} # v7.4.0\n`);
    edit(root, 'api/Dockerfile', D('1'), D('2'));
    edit(root, 'web/Dockerfile', D('1'), D('2'));
    const result = syncPins(root, new Date('2026-11-27T00:00:00Z'));
    expect(result).toEqual({
      changes: [
        'docker/build-push-action: v7.3.0 -> v7.4.0 (x.yml)',
        `node:24-alpine: ${D('1')} -> ${D('2')} (api/Dockerfile)`,
      ],
      problems: [],
    });
    expect(json(root, 'github-actions.lock.json')['docker/build-push-action']).toEqual({ version: 'v7.4.0', sha: 'd'.repeat(40) });
    // The lock file keeps one action a line.
    expect(readFileSync(path.join(root, 'github-actions.lock.json'), 'utf8')).toBe(`{\n  "docker/build-push-action": { "version": "v7.4.0", "sha": "${'d'.repeat(40)}" }\n}\n`);
    expect(json(root, 'base-images.lock.json')['node:24-alpine']).toEqual({ digest: D('2'), resolvedAt: '2026-11-27T00:00:00Z', source: 'api/Dockerfile (sync-pins)' });
    expect(syncPins(root)).toEqual({ changes: [], problems: [] });
  });

  test('a Dockerfile Dependabot did not touch (still the old digest) does not undo the one it did', () => {
    const root = repo();
    edit(root, 'web/Dockerfile', D('1'), D('3'));
    expect(syncPins(root).changes).toEqual([`node:24-alpine: ${D('1')} -> ${D('3')} (web/Dockerfile)`]);
  });

  test('two different new digests for one image are a problem, not a guess', () => {
    const root = repo();
    edit(root, 'api/Dockerfile', D('1'), D('2'));
    edit(root, 'web/Dockerfile', D('1'), D('3'));
    const { changes, problems } = syncPins(root);
    expect(changes).toEqual([]);
    expect(problems).toEqual(['node:24-alpine is pinned to different digests in api/Dockerfile and web/Dockerfile: keep one (the newest) in every Dockerfile, then run `npx projen sync-pins` again.']);
  });

  test('a Dependabot bump of @playwright/test is recorded in dependency-pins.json (its image follows at the next synth)', () => {
    const root = repo();
    writeFileSync(path.join(root, 'playwright-runner', 'package.json'), JSON.stringify({ dependencies: { '@playwright/test': '1.66.0' } }));
    expect(syncPins(root).changes).toEqual(['@playwright/test: 1.65.1 -> 1.66.0 (playwright-runner/package.json)']);
    expect(json(root, 'dependency-pins.json')).toEqual({ 'playwright-runner': { '@playwright/test': '1.66.0' } });
    // An older version in package.json (dependency-pins.json moved first, before `npx projen`) is left alone.
    writeFileSync(path.join(root, 'playwright-runner', 'package.json'), JSON.stringify({ dependencies: { '@playwright/test': '1.65.1' } }));
    expect(syncPins(root).changes).toEqual([]);
  });

  test('a range for a followed package is a problem: the image needs one exact version', () => {
    const root = repo();
    writeFileSync(path.join(root, 'playwright-runner', 'package.json'), JSON.stringify({ dependencies: { '@playwright/test': '^1.66.0' } }));
    expect(syncPins(root).problems).toEqual([expect.stringContaining('asks for @playwright/test "^1.66.0", not an exact version')]);
  });

  test('a new digest of the Playwright image (same tag) is copied back', () => {
    const root = repo();
    edit(root, 'playwright-runner/Dockerfile', D('5'), D('6'));
    expect(syncPins(root).changes).toEqual([`mcr.microsoft.com/playwright:v1.65.1-noble: ${D('5')} -> ${D('6')} (playwright-runner/Dockerfile)`]);
  });

  test('a new tag of the Playwright image is refused: its tag follows @playwright/test', () => {
    const root = repo();
    edit(root, 'playwright-runner/Dockerfile', `v1.65.1-noble@${D('5')}`, `v1.66.0-noble@${D('6')}`);
    const { changes, problems } = syncPins(root);
    expect(changes).toEqual([]);
    expect(problems).toEqual([expect.stringContaining('playwright-runner/Dockerfile: mcr.microsoft.com/playwright moved from v1.65.1-noble to v1.66.0-noble, but this image\'s tag follows @playwright/test')]);
    expect(json(root, 'base-images.lock.json')).not.toHaveProperty(['mcr.microsoft.com/playwright:v1.66.0-noble']);
  });

  test('a new tag of a fixed-tag image records its digest and says where to change the tag', () => {
    const root = repo();
    edit(root, 'api/Dockerfile', `24-alpine@${D('1')}`, `26-alpine@${D('7')}`);
    const { changes, problems } = syncPins(root, new Date('2026-11-27T00:00:00Z'));
    expect(changes).toEqual([`node:26-alpine: unpinned -> ${D('7')} (api/Dockerfile)`]);
    expect(problems).toEqual(['api/Dockerfile: node moved from 24-alpine to 26-alpine. The tracked tag is declared in .projenrc.ts: set tag: \'26-alpine\' in addBaseImage(\'node\', ...) on this branch and run `npx projen` (the new digest is now in base-images.lock.json), or close this pull request.']);
    expect(json(root, 'base-images.lock.json')['node:26-alpine'].digest).toBe(D('7'));
  });

  test('the command exits 1 with an error annotation for each problem on GitHub', () => {
    const root = repo();
    edit(root, 'playwright-runner/Dockerfile', `v1.65.1-noble@${D('5')}`, `v1.66.0-noble@${D('6')}`);
    const r = runTsTool('packages/projen-containers/src/tools/sync-pins.ts', ['--root', root], { GITHUB_ACTIONS: 'true' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('::error title=sync-pins::playwright-runner/Dockerfile: mcr.microsoft.com/playwright moved from v1.65.1-noble to v1.66.0-noble');
    const ok = runTsTool('packages/projen-containers/src/tools/sync-pins.ts', ['--root', repo()]);
    expect(ok.stdout).toBe('sync-pins: generated files and pins agree.\n');
    expect(ok.status).toBe(0);
  });
});
