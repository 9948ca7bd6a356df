/** The build guide's push, sign and verify section (src/docs/registry-section.ts). */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pushAndSignFacts, pushAndSignSection, pushTroubleshootingRows } from '../../src/docs/registry-section';
import { addDefaultServices, monorepo } from '../fixtures';

describe('the build guide\'s push, sign and verify section (for projenrc/docs)', () => {
  const m = monorepo();
  addDefaultServices(m);
  const facts = pushAndSignFacts(m.images, 'v3.1.3');
  const md = pushAndSignSection({ ...facts, registry: '127.0.0.1:5000' }).join('\n');

  test('the exact commands: push, verify the signature and the SBOM by digest, read the SBOM', () => {
    expect(facts).toEqual({
      images: [{ service: 'api', image: 'qualisys/api' }, { service: 'web', image: 'qualisys/web' }, { service: 'playwright-runner', image: 'qualisys/playwright-runner' }],
      buildReport: 'build/docker/build.json',
      sizeScript: 'scripts/image-size.mjs',
      sizeDeltaWarning: '10%',
      cosignVersion: 'v3.1.3',
      movingTags: ['latest', 'staging-*', 'pr-*'],
    });
    expect(md).toContain('### Verify an image before you deploy it');
    expect(md).toContain('cosign verify --key cosign.pub --insecure-ignore-tlog=true 127.0.0.1:5000/qualisys/api@sha256:<digest>');
    expect(md).toContain('cosign verify-attestation --key cosign.pub --insecure-ignore-tlog=true --type cyclonedx 127.0.0.1:5000/qualisys/api@sha256:<digest>');
    expect(md).toContain('npx projen push:docker -- --sign-key cosign.key');
    expect(md).toContain('build/docker/<service>.cdx.json');
    expect(md).toContain('node scripts/image-size.mjs --image qualisys/api:pr-42 --base <base image> --reference 127.0.0.1:5000/qualisys/api:latest --format markdown');
    expect(pushTroubleshootingRows(facts).every((r) => r.length === 3)).toBe(true);
  });

  test('the moving tags follow the tag policy: no staging-* in a project without staging', () => {
    expect(md).toContain('`latest`, `staging-*` and `pr-*` move.');
    const noStaging = pushAndSignSection({ ...pushAndSignFacts(m.images, 'v3.1.3', { stagingBranch: false }), registry: '127.0.0.1:5000' }).join('\n');
    expect(noStaging).toContain('`latest` and `pr-*` move.');
    expect(noStaging).not.toMatch(/staging/i);
  });

  test('every task it names exists', () => {
    const tasks = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', '..', '.projen', 'tasks.json'), 'utf8')).tasks;
    for (const name of new Set([...md.matchAll(/npx projen ([\w:-]+)/g)].map((x) => x[1]))) expect([name, !!tasks[name]]).toEqual([name, true]);
  });
});
