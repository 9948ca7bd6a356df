import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Project } from 'projen';
import { DEFAULT_TOOL_VERSIONS } from '../../src/defaults/tool-versions';
import { DEFAULT_BASE_IMAGE_PINS } from '../../src/docker/base-images';
import { BUILT_IN_KINDS } from '../../src/docker/kinds';
import { ActionPins, DEFAULT_ACTION_PINS } from '../../src/github/action-pins';
import { REPO_ROOT, tempOutdir } from '../fixtures';

describe('ActionPins without a lock file of the project', () => {
  test('pins every action with the pins the package ships', () => {
    const pins = new ActionPins(new Project({ name: 'p', outdir: tempOutdir() }));
    expect(pins.uses('docker/build-push-action')).toBe(`docker/build-push-action@${DEFAULT_ACTION_PINS['docker/build-push-action'].sha}`);
    expect(Object.keys(pins.pins).sort()).toEqual(Object.keys(DEFAULT_ACTION_PINS).sort());
  });

  test('the project\'s lock file takes precedence, entry by entry', () => {
    const outdir = tempOutdir();
    writeFileSync(path.join(outdir, 'github-actions.lock.json'), JSON.stringify({ 'actions/checkout': { version: 'v9.9.9', sha: 'f'.repeat(40) } }));
    const pins = new ActionPins(new Project({ name: 'p', outdir }));
    expect(pins.uses('actions/checkout')).toBe(`actions/checkout@${'f'.repeat(40)}`);
    expect(pins.uses('docker/login-action')).toBe(`docker/login-action@${DEFAULT_ACTION_PINS['docker/login-action'].sha}`);
  });

  test('a lock file named in the options must exist', () => {
    expect(() => new ActionPins(new Project({ name: 'p', outdir: tempOutdir() }), { lockFile: 'pins.json' }))
      .toThrow('ActionPins: lockFile "pins.json" is not allowed: a file that exists');
  });

  test('the shipped pins are this repository\'s: Dependabot and the pin workflows keep them current', () => {
    expect(DEFAULT_ACTION_PINS).toEqual(JSON.parse(readFileSync(path.join(REPO_ROOT, 'github-actions.lock.json'), 'utf8')));
  });
});

describe('the tool releases the package ships', () => {
  test('are the ones this repository\'s tests install (tools/install-linters.sh)', () => {
    const script = readFileSync(path.join(REPO_ROOT, 'tools', 'install-linters.sh'), 'utf8');
    expect(DEFAULT_TOOL_VERSIONS.trivy).toBe(/\bTRIVY=(\S+)/.exec(script)?.[1]);
    expect(DEFAULT_TOOL_VERSIONS.cosign).toBe(/\bCOSIGN=(\S+)/.exec(script)?.[1]);
  });
});

describe('the base-image digests the package ships', () => {
  test('pin every default base image of the built-in kinds, by digest, with where each was read', () => {
    for (const kind of BUILT_IN_KINDS) {
      for (const base of Object.values(kind.bases)) {
        if (!base.image || base.image.tag.includes('{version}')) continue; // declared by the project, or follows a package: pinned per project
        const pin = DEFAULT_BASE_IMAGE_PINS[`${base.image.repository}:${base.image.tag}`];
        expect([kind.name, base.name, pin?.digest]).toEqual([kind.name, base.name, expect.stringMatching(/^sha256:[0-9a-f]{64}$/)]);
        expect(pin.source).toBeTruthy();
      }
    }
  });

  test('node:24-alpine is this repository\'s pin (one digest for QUALISYS and the package)', () => {
    const lock = JSON.parse(readFileSync(path.join(REPO_ROOT, 'base-images.lock.json'), 'utf8'));
    expect(DEFAULT_BASE_IMAGE_PINS['node:24-alpine']).toEqual(lock['node:24-alpine']);
  });
});
