/**
 * The generated publish-image.sh speaks of the project's deploy tags: its comments show a
 * staging tag only when a tag script of the project has a staging branch.
 */
import { Project, Testing } from 'projen';
import { PublishScript } from '../../src/github/publish-script';
import { ImageTagScript, ImageTagScriptOptions } from '../../src/image-tag-script';
import { tempOutdir } from '../fixtures';

function script(tags?: ImageTagScriptOptions): string {
  const project = new Project({ name: 'p', outdir: tempOutdir() });
  new PublishScript(project);
  if (tags) new ImageTagScript(project, tags);
  return String(Testing.synth(project)['scripts/publish-image.sh']);
}

describe('the newest-tag examples of publish-image.sh', () => {
  test('with a staging branch: a staging tag and a production tag', () => {
    expect(script({ stagingBranch: 'staging' })).toContain('# The newest tag of REPOSITORY that starts with PREFIX, in version order (staging-20261201 after\n'
      + '# staging-20261130, production-v1.10.0 after production-v1.9.2). Exit 1: no such tag.\nnewest_tag() {');
  });

  test.each<[string, ImageTagScriptOptions | undefined]>([
    ['stagingBranch: false (as examples/parcel)', { defaultBranch: 'trunk', stagingBranch: false }],
    ['no tag script', undefined],
  ])('%s: no staging anywhere in the script', (_name, tags) => {
    const s = script(tags);
    expect(s).not.toMatch(/staging/i);
    expect(s).toContain('# The newest tag of REPOSITORY that starts with PREFIX, in version order (production-v1.10.0 after\n'
      + '# production-v1.9.2). Exit 1: no such tag.\nnewest_tag() {');
  });

  test('the default tag policy has a staging branch: its examples show it', () => {
    expect(script({})).toContain('staging-20261201 after');
  });
});
