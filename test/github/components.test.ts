import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Project, Testing, typescript } from 'projen';
import { ActionPins } from '../../projenrc/github/action-pins';
import { syncPins } from '../../projenrc/github/sync-pins';
import { TrivyIgnore } from '../../projenrc/github/trivy-ignore';
import { tempOutdir } from '../fixtures';

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
    const pins = new ActionPins(projectWithLock({}));
    expect(() => pins.uses('docker/build-push-action')).toThrow('Action docker/build-push-action is not pinned: add "docker/build-push-action": { "version": "vX.Y.Z", "sha": "<40-character commit SHA of that tag>" } to github-actions.lock.json.');
  });

  test.each([
    [{ 'a/b': { version: 'v1.0.0', sha: 'v1' } }, 'a/b is pinned to "v1", not a full 40-character commit SHA'],
    [{ 'a/b': { version: 'latest', sha: SHA } }, 'a/b has version "latest"; expected a release tag'],
    [{ nope: { version: 'v1', sha: SHA } }, '"nope" is not an owner/repository name'],
  ])('rejects a bad lock entry %j', (lock, message) => {
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
    [{ ...entry, expiresOn: '2026-11-26' }, 'expired on 2026-11-26: fix the finding'],
    [{ ...entry, statement: '' }, 'needs a statement saying why the finding is accepted'],
    [{ ...entry, expiresOn: '2027-06-01' }, 'more than 90 days from now'],
    [{ ...entry, expiresOn: 'soon' }, 'expiresOn "soon" is not a date'],
  ])('fails synth for %j', (bad, message) => {
    const project = new Project({ name: 'p', outdir: tempOutdir() });
    new TrivyIgnore(project, { vulnerabilities: [bad], today });
    expect(() => Testing.synth(project)).toThrow(message);
  });

  test('an exception still valid today passes, and fails once its day is past', () => {
    const ok = new Project({ name: 'p', outdir: tempOutdir() });
    new TrivyIgnore(ok, { vulnerabilities: [entry], today: new Date('2026-12-31T20:00:00Z') });
    expect(() => Testing.synth(ok)).not.toThrow();
    const late = new Project({ name: 'p', outdir: tempOutdir() });
    new TrivyIgnore(late, { vulnerabilities: [entry], today: new Date('2027-01-01T00:00:01Z') });
    expect(() => Testing.synth(late)).toThrow(/expired on 2026-12-31/);
  });
});

describe('sync-pins', () => {
  test('moves pins changed in generated files back to the lock files', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'sync-'));
    mkdirSync(path.join(root, '.github', 'workflows'), { recursive: true });
    mkdirSync(path.join(root, 'api'));
    writeFileSync(path.join(root, 'github-actions.lock.json'), JSON.stringify({ 'docker/build-push-action': { version: 'v7.3.0', sha: SHA } }));
    writeFileSync(path.join(root, 'base-images.lock.json'), JSON.stringify({ 'node:24-alpine': { digest: `sha256:${'1'.repeat(64)}` } }));
    // What a Dependabot pull request looks like: a newer pin in the generated files.
    writeFileSync(path.join(root, '.github', 'workflows', 'x.yml'), `steps:\n  - uses: docker/build-push-action@${'d'.repeat(40)} # v7.4.0\n`);
    writeFileSync(path.join(root, 'api', 'Dockerfile'), `ARG NODE_IMAGE=node:24-alpine@sha256:${'2'.repeat(64)}\n`);
    const changes = syncPins(root, new Date('2026-11-27T00:00:00Z'));
    expect(changes).toEqual([
      'docker/build-push-action: v7.3.0 -> v7.4.0 (x.yml)',
      `node:24-alpine: sha256:${'1'.repeat(64)} -> sha256:${'2'.repeat(64)} (api/Dockerfile)`,
    ]);
    expect(JSON.parse(readFileSync(path.join(root, 'github-actions.lock.json'), 'utf8'))['docker/build-push-action']).toEqual({ version: 'v7.4.0', sha: 'd'.repeat(40) });
    expect(JSON.parse(readFileSync(path.join(root, 'base-images.lock.json'), 'utf8'))['node:24-alpine'].digest).toBe(`sha256:${'2'.repeat(64)}`);
    expect(syncPins(root)).toEqual([]);
  });
});
