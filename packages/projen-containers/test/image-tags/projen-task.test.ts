/**
 * The tag script through the real `npx projen image-tags`, from the repository root, as the
 * README and the build guide tell people to run it.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { cleanEnv, runScript } from './git-fixtures';

const ROOT = join(__dirname, '..', '..', '..', '..');
const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
// Everything git would tell is given, so the output does not depend on this work tree.
const GIVEN = ['--sha', SHA, '--ref-name', 'main', '--dirty', 'false', '--timestamp', '2026-01-23T14:30:22Z'];

function projen(args: string[]) {
  const r = spawnSync('npx', ['projen', 'image-tags', '--', ...args], { cwd: ROOT, env: cleanEnv(), encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npx projen image-tags', () => {
  jest.setTimeout(120_000);

  test('prints only the tags on stdout (projen logs on stderr), with every argument as typed', () => {
    const res = projen(['--image', 'qualisys/api', '--format', 'labels', '--title', 'My "App" $HOME', ...GIVEN]);
    expect(res.status).toBe(0);
    expect(res.stdout).toBe([
      'org.opencontainers.image.created=2026-01-23T14:30:22Z',
      `org.opencontainers.image.revision=${SHA}`,
      'org.opencontainers.image.version=main-20260123-143022',
      'org.opencontainers.image.title=My "App" $HOME',
      '',
    ].join('\n'));
  });

  test('a usage error: the script exits 2, projen\'s task runner turns it into 1, as --help says', () => {
    const direct = runScript(ROOT, ['--bogus']);
    expect(direct.status).toBe(2);
    const res = projen(['--bogus']);
    // projen (0.103, and its main branch) ends every failed task with process.exit(1), whatever
    // the step's status, and no task option changes that. If it ever passes the status through,
    // this fails: then expect 2 here and update the help.
    expect(res.status).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain("image-tags: Unknown option '--bogus'");
    expect(res.stderr).toContain('Task "image-tags" failed');
    const help = projen(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Through a projen task (npx projen ...) every failure exits 1');
    expect(help.stdout).toContain('Run the script with node where the exact status matters.');
  });
});
