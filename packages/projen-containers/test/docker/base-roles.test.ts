/**
 * Base images declared by the kind, by role: each its own literal pinned FROM line and build
 * argument, used without any addBaseImage(), overridden by the project under the same name or by
 * the service's base option (one name, or names by role).
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Project } from 'projen';
import { DockerImages } from '../../src/docker/docker-images';
import { defineImageKind, ImageKind } from '../../src/docker/kinds';
import { addBase, addLabelsAndVersion, fromBase } from '../../src/docker/kinds/stages';
import { synth, tempOutdir } from '../fixtures';

const D = (c: string) => `sha256:${c.repeat(64)}`;

/** A root without any addBaseImage(), and one service folder. */
function bare(lock: Record<string, unknown> = {}) {
  const outdir = tempOutdir();
  writeFileSync(path.join(outdir, 'base-images.lock.json'), JSON.stringify(lock));
  const root = new Project({ name: 'root', outdir });
  const svc = new Project({ name: 'svc', parent: root, outdir: 'svc' });
  const images = new DockerImages(root, { namespace: 'acme' });
  return { root, svc, images };
}

/** A kind with two bases: a toolchain and a runtime. */
const TWO_BASES = defineImageKind<object, object>({
  name: 'two-bases',
  description: 'a toolchain stage and a runtime stage',
  source: 'test/docker/base-roles.test.ts',
  options: [],
  bases: {
    build: { name: 'tool', image: { repository: 'example.com/tool', tag: '1.2', buildArg: 'TOOL_IMAGE' } },
    runtime: { name: 'slim', image: { repository: 'example.com/slim-debian12', tag: 'nonroot', buildArg: 'SLIM_IMAGE' } },
  },
  resolve: () => ({}),
  contextFiles: () => ['src'],
  facts: () => ({ user: 'app', uid: '1000:1000' }),
  render: (model, ctx) => {
    addBase(model, ctx, 'Two bases.');
    model.addStage('build', { from: fromBase(ctx, 'build') }).workdir('/src').copy('src', './src').run('make');
    const run = model.addStage('runtime', { from: fromBase(ctx, 'runtime') }).copy('/src/out', '/app', { from: 'build' }).user('1000:1000');
    addLabelsAndVersion(run, ctx);
    run.cmd(['/app']);
  },
});

describe('base images declared by the kind', () => {
  test('a node-service needs no addBaseImage(): the kind\'s node:24-alpine, pinned from the lock file', () => {
    const { root, svc, images } = bare({ 'node:24-alpine': { digest: D('a') } });
    images.addService(svc, { kind: ImageKind.NODE_SERVICE, port: 3000, healthPath: '/health', sizeBudget: '100MB', entrypoint: 'lib/server.js' });
    const out = synth(root);
    expect(out['svc/Dockerfile']).toContain(`ARG NODE_IMAGE=node-base\nFROM node:24-alpine@${D('a')} AS node-base\n`);
    expect(out['.projen/docker-images.json'].baseImages).toEqual({ node: { repository: 'node', tag: '24-alpine', buildArg: 'NODE_IMAGE', lockFile: 'base-images.lock.json' } });
  });

  test('the project overrides a kind\'s default under the same name (node 22), for every image', () => {
    const { root, svc, images } = bare({ 'node:22-alpine': { digest: D('c') } });
    images.addBaseImage('node', { repository: 'node', tag: '22-alpine', buildArg: 'NODE_IMAGE' });
    images.addService(svc, { kind: ImageKind.NODE_SERVICE, port: 3000, healthPath: '/health', sizeBudget: '100MB', entrypoint: 'lib/server.js' });
    expect(synth(root)['svc/Dockerfile']).toContain(`FROM node:22-alpine@${D('c')} AS node-base\n`);
  });

  test('two roles: one literal pinned FROM line and one build argument each, in the kind\'s order; an unpinned one as repository:tag', () => {
    const { root, svc, images } = bare({ 'example.com/tool:1.2': { digest: D('b') } });
    images.registerKind(TWO_BASES).addService(svc, { kind: TWO_BASES, sizeBudget: '10MB' });
    const out = synth(root);
    const df: string = out['svc/Dockerfile'];
    expect(df).toContain(`# Two bases.\nARG TOOL_IMAGE=tool-base\nARG SLIM_IMAGE=slim-base\nFROM example.com/tool:1.2@${D('b')} AS tool-base\nFROM example.com/slim-debian12:nonroot AS slim-base\n`);
    expect(df).toContain('FROM ${TOOL_IMAGE} AS build\n');
    expect(df).toContain('FROM ${SLIM_IMAGE} AS runtime\n');
    const [entry] = out['.projen/docker-images.json'].images;
    // The image runs on its last stage's base: the runtime, not the toolchain.
    expect(entry).toMatchObject({ baseArg: 'SLIM_IMAGE', baseImage: 'example.com/slim-debian12:nonroot', basePinned: false });
    expect(entry.bases).toEqual([
      { role: 'build', name: 'tool', arg: 'TOOL_IMAGE', image: `example.com/tool:1.2@${D('b')}`, pinned: true },
      { role: 'runtime', name: 'slim', arg: 'SLIM_IMAGE', image: 'example.com/slim-debian12:nonroot', pinned: false },
    ]);
    expect(images.baseImageUsage()).toEqual([{ repository: 'example.com/tool' }, { repository: 'example.com/slim-debian12' }]);
  });

  test('a service replaces one role\'s base by name; the other keeps the kind\'s', () => {
    const { root, svc, images } = bare();
    images.addBaseImage('slim-debug', { repository: 'example.com/slim-debian12', tag: 'debug-nonroot-12', buildArg: 'SLIM_DEBUG_IMAGE' });
    images.registerKind(TWO_BASES).addService(svc, { kind: TWO_BASES, sizeBudget: '10MB', base: { runtime: 'slim-debug' } });
    const df: string = synth(root)['svc/Dockerfile'];
    expect(df).toContain('FROM example.com/tool:1.2 AS tool-base\nFROM example.com/slim-debian12:debug-nonroot-12 AS slim-debug-base\n');
    expect(df).toContain('FROM ${SLIM_DEBUG_IMAGE} AS runtime\n');
  });

  test.each<[string, (m: ReturnType<typeof bare>) => void, string]>([
    ['one name for a kind with two bases', (m) => m.images.registerKind(TWO_BASES).addService(m.svc, { kind: TWO_BASES, sizeBudget: '10MB', base: 'tool' }),
      'DockerImages: base of svc "tool" is not allowed: a name by role for a two-bases image, which has 2 base images: such as { build: \'tool\', runtime: \'slim\' }.'],
    ['a role the kind has not', (m) => m.images.registerKind(TWO_BASES).addService(m.svc, { kind: TWO_BASES, sizeBudget: '10MB', base: { toolchain: 'tool' } }),
      'DockerImages: base of svc "toolchain" is not allowed: a role of a two-bases image\'s base images (build, runtime).'],
    ['an undeclared name for a role', (m) => m.images.registerKind(TWO_BASES).addService(m.svc, { kind: TWO_BASES, sizeBudget: '10MB', base: { runtime: 'busybox' } }),
      'DockerImages: base "busybox" of svc is not declared: declare it with images.addBaseImage(\'busybox\', ...) first (declared: none).'],
  ])('%s: a ConfigError naming it', (_n, bad, message) => {
    expect(() => bad(bare())).toThrow(message);
  });

  test('two images whose bases share a build argument under different names: an error at synth saying how to fix it', () => {
    const { root, svc, images } = bare();
    images.addBaseImage('tool2', { repository: 'example.com/tool2', tag: '1', buildArg: 'NODE_IMAGE' });
    images.addService(svc, { kind: ImageKind.NODE_SERVICE, port: 3000, healthPath: '/health', sizeBudget: '100MB', entrypoint: 'lib/server.js' });
    const other = new Project({ name: 'other', parent: root, outdir: 'other' });
    images.addService(other, { kind: ImageKind.NODE_SERVICE, port: 3000, healthPath: '/health', sizeBudget: '100MB', entrypoint: 'lib/server.js', base: 'tool2' });
    expect(() => synth(root)).toThrow('DockerImages: base images node (node:24-alpine, for svc) and tool2 (example.com/tool2:1, for other) both use the build argument NODE_IMAGE');
  });

  test.each<[string, object, string]>([
    ['no base at all', {}, 'defineImageKind: kind bad-kind: bases {} is not allowed: at least one base image by role'],
    ['a floating tag', { runtime: { name: 'x', image: { repository: 'x', tag: 'latest', buildArg: 'X_IMAGE' } } }, 'tag of base image x "latest" is not allowed'],
    ['two roles on one build argument', {
      a: { name: 'x', image: { repository: 'x', tag: '1', buildArg: 'X_IMAGE' } }, b: { name: 'y', image: { repository: 'y', tag: '1', buildArg: 'X_IMAGE' } },
    }, 'bases buildArg "X_IMAGE" is not allowed: a build argument of its own per role'],
    ['two roles on one image name', { a: { name: 'x' }, b: { name: 'x' } }, 'bases.b.name "x" is not allowed: a base image of its own per role (role a uses it already)'],
  ])('defineImageKind refuses %s', (_n, bases, message) => {
    expect(() => defineImageKind({ ...TWO_BASES, name: 'bad-kind', bases: bases as never })).toThrow(message);
  });
});
