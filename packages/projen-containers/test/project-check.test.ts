import { Project } from 'projen';
import { tempOutdir } from './fixtures';
import { checkProject } from '../src/project-check';

describe('checkProject', () => {
  test('takes a project of the projen the package runs with', () => {
    expect(() => checkProject('X', new Project({ name: 'p', outdir: tempOutdir() }))).not.toThrow();
  });

  test('refuses a project of a second copy of projen, saying how to keep one', () => {
    let Foreign: typeof Project | undefined;
    // A fresh module registry: a second copy of projen, as a package resolving its own would load.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a second module registry needs require
    jest.isolateModules(() => { Foreign = require('projen').Project; });
    expect(Foreign).not.toBe(Project);
    const foreign = new Foreign!({ name: 'p', outdir: tempOutdir() });
    expect(() => checkProject('DockerImages', foreign)).toThrow('DockerImages: the project comes from another copy of projen');
    expect(() => checkProject('DockerImages', foreign)).toThrow('NODE_PRESERVE_SYMLINKS=1');
  });

  test('refuses what is no project at all', () => {
    expect(() => checkProject('DockerImages', { name: 'p' })).toThrow('DockerImages: the first argument is not a projen project');
  });
});
