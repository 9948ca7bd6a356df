/**
 * The `python-service` kind: a Python HTTP service run as `python -m <module>` (uvicorn, gunicorn
 * or the standard library behind it), PID 1, by a created non-root user. Two stages: a pip-less
 * virtual environment filled only from a hashed requirements file, and a runtime on the same
 * base with the environment and the application's code.
 */
import { defineImageKind, ImageContext, KindBaseImage } from './kind';
import { missing, resolveRuntime, resolveServer, Runtime, SERVER_OPTIONS, ServerOptions, NodeRuntimeOptions } from './node-common';
import { addBase, addLabelsAndVersion, fromBase } from './stages';
import { sourceFile } from '../../lib/source-file';
import { check, contextPath } from '../../validate';
import type { DockerfileModel } from '../dockerfile-model';

/** Options of a `python-service` image. */
export interface PythonServiceOptions extends ServerOptions, NodeRuntimeOptions {
  /** The module run as `python -m <module>`, such as `rates_service` or `app.main`: dotted Python identifiers. */
  readonly module: string;
  /** The requirements file, every requirement pinned with `--hash` (pip-compile --generate-hashes), relative to the service folder. @default 'requirements.txt' */
  readonly requirementsFile?: string;
  /** The code copied into the image, relative to the service folder (folders or files). @default the module's top-level package, e.g. `rates_service` */
  readonly sources?: string[];
}

/** Its options, checked and with their defaults. */
export interface PythonService extends ServerOptions, Runtime {
  readonly module: string;
  readonly requirementsFile: string;
  readonly sources: readonly string[];
}

/** The official Python image, unless the project declares another `python`. */
export const PYTHON_BASE: KindBaseImage = { name: 'python', image: { repository: 'python', tag: '3.11-slim', buildArg: 'PYTHON_IMAGE' } };

/** The user the image creates, and its uid:gid (above the range of the base image's system users). */
const CREATED_USER = { user: 'app', uid: '10001:10001' };

/** What the runtime stage sets besides PORT: the virtual environment first on PATH, no .pyc files, unbuffered output, every interface. */
const PYTHON_ENV = { PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1', HOST: '0.0.0.0' };

/** Variables no `env` option may set in a Python image: those that change what Python loads. */
const PYTHON_RESERVED = ['PYTHONPATH', 'PYTHONHOME', 'PYTHONSTARTUP', 'VIRTUAL_ENV', 'PIP_DISABLE_PIP_VERSION_CHECK', 'PIP_NO_INPUT'];

const MODULE = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;

function resolve(o: PythonServiceOptions, service: string): PythonService {
  if (o.module === undefined) missing('module', service, 'a python-service image runs `python -m <module>`: the module, such as app.main or rates_service');
  check(typeof o.module === 'string' && MODULE.test(o.module) && o.module.length <= 200, 'DockerImages', 'module', o.module, 'a Python module path such as app.main: identifiers joined by "."', service);
  const requirementsFile = contextPath('DockerImages', 'requirementsFile', o.requirementsFile ?? 'requirements.txt', service);
  const sources = o.sources ?? [o.module.split('.')[0]];
  check(Array.isArray(sources) && sources.length > 0, 'DockerImages', 'sources', sources, 'the folders and files of the code, such as [\'app\']', service);
  for (const src of sources) contextPath('DockerImages', 'sources', src, service);
  // The image creates its user: any name gets the default uid:gid.
  const runtime = resolveRuntime(o, service, CREATED_USER.user, ['PORT', ...Object.keys(PYTHON_ENV), ...PYTHON_RESERVED], { [o.user ?? CREATED_USER.user]: CREATED_USER.uid });
  return { ...resolveServer(o, service, 'python-service'), ...runtime, module: o.module, requirementsFile, sources };
}

/** A Python one-liner that exits 0 when the health endpoint answers 200: no curl in the slim image. */
export function pythonHttpCheck(port: number, healthPath: string): string[] {
  // port is a whole number and healthPath has no quote (both checked): the Python is well formed.
  return ['python', '-c', `import os,sys,urllib.request as u; sys.exit(0 if u.urlopen('http://127.0.0.1:%s${healthPath}' % os.environ.get('PORT','${port}'), timeout=2).status == 200 else 1)`];
}

/**
 * Removes the base image's own packaging tools (pip, setuptools, wheel, with their scripts),
 * wherever its Python keeps them (`site-packages` of the official images, `dist-packages` of
 * Debian's): the app runs from the venv, which cannot see them, and they are a frequent source of
 * CVEs in scans of the runtime.
 */
const REMOVE_PACKAGING_TOOLS = 'find /usr -depth -regextype posix-extended \\( '
  + "-regex '.*/(site|dist)-packages/(pip|setuptools|wheel|pkg_resources|_distutils_hack)(-[^/]*)?' "
  + "-o -regex '.*/(site|dist)-packages/distutils-precedence[.]pth' "
  + "-o -regex '/usr(/local)?/bin/(pip[0-9.]*|wheel)' \\) -exec rm -rf {} +";

function render(model: DockerfileModel, ctx: ImageContext<PythonService>): void {
  const o = ctx.options;
  const [uid, gid] = o.uid.split(':');
  const requirements = o.requirementsFile.split('/').pop()!;
  addBase(model, ctx, 'Official Python image, pinned by digest (Dependabot updates this line); the build argument overrides it.');
  model.addStage('deps', { from: fromBase(ctx), comment: 'Dependencies: a pip-less virtual environment at /opt/venv, filled only from the hashed lock file.' })
    .env({ PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_NO_INPUT: '1' })
    .workdir('/build')
    .run('python -m venv --without-pip /opt/venv')
    .copy(o.requirementsFile, './')
    .run(`python -m pip --python /opt/venv/bin/python install --require-hashes --no-deps --only-binary=:all: -r ${requirements}`,
      [{ type: 'cache', id: 'pip', target: '/root/.cache/pip', sharing: 'shared' }]);
  const runtime = model.addStage('runtime', {
    from: fromBase(ctx),
    comment: 'What runs: the same base (the venv\'s python symlink points into it) without its packaging tools, the venv and the app code, run by a fixed non-root uid.',
  })
    .run([
      REMOVE_PACKAGING_TOOLS,
      `groupadd --system --gid ${gid} ${o.user}`,
      `useradd --system --uid ${uid} --gid ${gid} --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin ${o.user}`,
    ])
    .workdir('/app')
    .env({ PATH: '/opt/venv/bin:$PATH', ...PYTHON_ENV, PORT: String(o.port), ...o.env })
    .copy('/opt/venv', '/opt/venv', { from: 'deps' });
  for (const src of o.sources) runtime.copy(src, `./${src}`);
  runtime
    .user(o.uid)
    .expose(o.port)
    .healthcheck({ command: pythonHttpCheck(o.port, o.healthPath), interval: o.healthInterval });
  addLabelsAndVersion(runtime, ctx);
  runtime.comment('Exec form: python is PID 1 and gets SIGTERM itself (the server drains, then exits 0).').cmd(['python', '-m', o.module]);
}

export const PYTHON_SERVICE = defineImageKind<PythonServiceOptions, PythonService>({
  name: 'python-service',
  description: 'a Python HTTP service run as python -m <module>, dependencies from a hashed requirements file',
  dependencyEcosystem: 'pip',
  source: sourceFile(__filename),
  options: [...SERVER_OPTIONS, 'module', 'requirementsFile', 'sources', 'user', 'uid', 'env', 'healthInterval'],
  bases: { runtime: PYTHON_BASE },
  resolve,
  contextFiles: (o) => [o.requirementsFile, ...o.sources],
  contextIgnores: () => ['__pycache__', '*.py[cod]', '.venv', 'venv', '.pytest_cache', '.mypy_cache', '.ruff_cache'],
  render,
  facts: (o) => ({ user: o.user, uid: o.uid, port: o.port, healthPath: o.healthPath }),
  renderNaive: (model, ctx) => {
    addBase(model, ctx, 'The same base image as ours.');
    model.addStage('app', { from: fromBase(ctx), comment: 'Everything in one stage.' })
      .workdir('/app')
      .copy('.', '.')
      .run(`pip install -r ${ctx.options.requirementsFile}`)
      .expose(ctx.options.port)
      .cmd(['python', '-m', ctx.options.module]);
  },
});
