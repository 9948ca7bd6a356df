/** build/docker/build.json: read, merged and written (src/lib/build-report.ts, src/engine/build-report-file.ts). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { reportEntry, writeBuildReport } from '../../src/engine/build-report-file';
import { BuildReport, mergeBuildReport, NoBuildReportError, readBuildReport, tagOf } from '../../src/lib/build-report';
import { builtImage, IMAGE_ID, OTHER_IMAGE_ID } from '../fixtures';

const ID = IMAGE_ID;
const OTHER = OTHER_IMAGE_ID;
const built = builtImage;

describe('the build report', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'build-report-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('a missing or foreign report says to build first', () => {
    expect(() => readBuildReport(path.join(dir, 'none.json'))).toThrow(NoBuildReportError);
    expect(() => readBuildReport(path.join(dir, 'none.json'))).toThrow(`No build report at ${path.join(dir, 'none.json')} (no such file): run npx projen build:docker first`);
    writeFileSync(path.join(dir, 'old.json'), JSON.stringify([{ service: 'api' }]));
    expect(() => readBuildReport(path.join(dir, 'old.json'))).toThrow('not a report of this version of build:docker');
  });

  test('a build of some services keeps the others\' entries', () => {
    const file = path.join(dir, 'sub', 'build.json');
    const first: BuildReport = { schema: 1, createdAt: 't1', images: [built(), built({ service: 'web', image: 'qualisys/web' })] };
    writeBuildReport(file, first);
    const second = writeBuildReport(file, { schema: 1, createdAt: 't2', images: [built({ id: OTHER })] });
    expect(second.images.map((i) => [i.service, i.id])).toEqual([['web', ID], ['api', OTHER]]);
    expect(readBuildReport(file)).toEqual(second);
    expect(mergeBuildReport(undefined, first)).toEqual(first);
  });

  test('the tags to push are the tag script\'s, never the local :dev alias; moving tags come from the script', () => {
    const result = { service: 'api', image: 'qualisys/api', refs: ['127.0.0.1:5000/qualisys/api:abc1234', '127.0.0.1:5000/qualisys/api:latest', 'qualisys/api:dev'], ok: true, id: ID, seconds: 3, baseOverridden: false, budgetBytes: 1, withinBudget: true };
    const entry = { image: 'qualisys/api' } as never;
    const e = reportEntry(result, entry, { refs: result.refs.slice(0, 2), version: 'v', labels: {}, moving: ['latest', 'staging-20260123'] }, { baseImage: 'node:24' });
    expect([e.tags, e.moving, e.refs]).toEqual([['abc1234', 'latest'], ['latest'], result.refs]);
    expect([tagOf('127.0.0.1:5000/a/b:t'), tagOf('a/b'), tagOf('127.0.0.1:5000/a/b'), tagOf('a/b:t@sha256:x')]).toEqual(['t', undefined, undefined, 't']);
  });
});
