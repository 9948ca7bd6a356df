/** The image a build is compared with (src/engine/reference-image.ts). */
import { findReference } from '../../src/engine/reference-image';
import { ImageFacts } from '../../src/lib/image-size';

const current: ImageFacts = { ref: 'qualisys/api:pr-42', id: 'sha256:cur', size: 130e6, layers: [] };

describe('build:docker\'s reference: the last default-branch build found locally', () => {
  test('the registry\'s latest first, then the local latest; otherwise it says what it looked for', () => {
    const seen: string[] = [];
    const facts = (have: string[]) => (ref: string) => { seen.push(ref); return have.includes(ref) ? { ...current, ref } : undefined; };
    expect(findReference('qualisys/api', '127.0.0.1:5000', facts(['qualisys/api:latest', '127.0.0.1:5000/qualisys/api:latest'])).facts?.ref).toBe('127.0.0.1:5000/qualisys/api:latest');
    expect(findReference('qualisys/api', undefined, facts(['qualisys/api:latest'])).facts?.ref).toBe('qualisys/api:latest');
    expect(findReference('qualisys/api', 'ghcr.io/acme', facts([])).why).toBe('no default-branch build found (no local ghcr.io/acme/qualisys/api:latest or qualisys/api:latest; a clean build of the default branch tags one)');
  });
});
