/** push:docker's checks before anything leaves (src/engine/push-images.ts): stale image IDs, tags that never move. */
import { conflicts, staleImages } from '../../src/engine/push-images';
import { builtImage, IMAGE_ID, OTHER_IMAGE_ID } from '../fixtures';

const ID = IMAGE_ID;
const OTHER = OTHER_IMAGE_ID;
const built = builtImage;

describe('before anything leaves', () => {
  test('every tag must still name the image the build recorded', () => {
    const ids: Record<string, string> = { [ID]: ID, 'qualisys/api:abc1234': ID, 'qualisys/api:main-20260123-143022': ID, 'qualisys/api:latest': OTHER };
    expect(staleImages([built()], (r) => ids[r])).toEqual([
      `api: qualisys/api:latest is now image ${OTHER}, not image ${ID} that build:docker built and the tests saw (a later build or a \`docker tag\` moved it).`,
      `api: qualisys/api:dev is gone, not image ${ID} that build:docker built and the tests saw (a later build or a \`docker tag\` moved it).`,
    ]);
    expect(staleImages([built()], () => undefined)).toEqual([`api: image ${ID} that build:docker built is no longer in the engine (removed or pruned).`]);
    expect(staleImages([built({ ok: false, id: undefined })], () => ID)).toEqual(['api did not build in the last build:docker: nothing to push.']);
    expect(staleImages([built()], () => ID)).toEqual([]);
  });

  test('a tag on another image is refused unless it moves (latest, staging-*, pr-*)', () => {
    const remote = { 'abc1234': { state: 'other', digest: 'sha256:d1' }, 'latest': { state: 'other', digest: 'sha256:d2' }, 'main-20260123-143022': { state: 'same', digest: 'sha256:d3' } } as const;
    expect(conflicts(built(), 'r.io/qualisys/api', (t) => remote[t as keyof typeof remote] ?? { state: 'absent' })).toEqual({
      moved: ['r.io/qualisys/api:latest (now sha256:d2)'],
      refused: ['r.io/qualisys/api:abc1234 (now sha256:d1)'],
    });
  });
});
