/** What an SBOM says (src/lib/sbom.ts): the image it describes, the npm packages in it. */
import { lockedVersions, missingFromSbom, npmPackages, sbomImageId } from '../../src/lib/sbom';

const ID = `sha256:${'1'.repeat(64)}`;

describe('SBOM contents', () => {
  const bom = {
    metadata: { component: { properties: [{ name: 'aquasecurity:trivy:ImageID', value: ID }] } },
    components: [
      { name: 'fastify', version: '5.2.0', purl: 'pkg:npm/fastify@5.2.0' },
      { name: 'test', group: '@playwright', version: '1.65.1', purl: 'pkg:npm/%40playwright/test@1.65.1' },
      { name: 'musl', version: '1.2.5', purl: 'pkg:apk/alpine/musl@1.2.5?arch=x86_64' },
    ],
  };
  test('the image it describes, and the npm packages with their versions', () => {
    expect(sbomImageId(bom)).toBe(ID);
    expect([...npmPackages(bom).entries()].map(([n, v]) => [n, [...v]])).toEqual([['fastify', ['5.2.0']], ['@playwright/test', ['1.65.1']]]);
    const lock = { packages: { '': {}, 'node_modules/fastify': { version: '5.2.0' }, 'node_modules/@playwright/test': { version: '1.65.1' }, 'node_modules/close-with-grace': { version: '2.2.0' } } };
    expect(lockedVersions(lock, ['fastify', '@playwright/test', 'close-with-grace', 'absent'])).toEqual({ 'fastify': '5.2.0', '@playwright/test': '1.65.1', 'close-with-grace': '2.2.0' });
    expect(missingFromSbom(bom, lockedVersions(lock, ['fastify', '@playwright/test', 'close-with-grace']))).toEqual(['close-with-grace@2.2.0']);
  });
});
