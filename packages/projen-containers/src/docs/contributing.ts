import * as path from 'node:path';
import { Component, Project } from 'projen';
import { GENERATED_MARKER } from '../marker';
import type { DocsFacts } from './build-guide';
import { MarkdownFile } from './markdown-file';
import { table } from '../lib/markdown';

/** Every file projen writes in a project and its subprojects, relative to the root. */
export function generatedFiles(root: Project): string[] {
  const out: string[] = [];
  const visit = (p: Project) => {
    const prefix = path.relative(root.outdir, p.outdir);
    for (const f of p.files) if (f.readonly || f.path === 'package.json') out.push(prefix ? `${prefix}/${f.path}` : f.path);
    p.subprojects.forEach(visit);
  };
  visit(root);
  return out.filter((f) => !f.startsWith('.projen/') && !f.includes('/.projen/')).sort();
}

/** `CONTRIBUTING.md`: how to develop, test, change generated files and add a service image. */
export class Contributing extends Component {
  constructor(project: Project, facts: DocsFacts) {
    super(project);
    new MarkdownFile(project, 'CONTRIBUTING.md', () => render(project, facts));
  }
}

function render(project: Project, f: DocsFacts): string[] {
  const images = f.images.manifest();
  const server = images.find((i) => i.port) ?? images[0];
  const groups = new Map<string, string[]>();
  for (const file of generatedFiles(project)) {
    const top = file.includes('/') ? file.split('/')[0] + '/' : '(root)';
    groups.set(top, [...(groups.get(top) ?? []), file]);
  }
  return [
    '# Contributing to QUALISYS',
    '',
    '## Develop and test',
    '',
    '```bash',
    'npm ci                 # install (the services\' own lockfiles are installed by the next command)',
    'npx projen             # synthesize every generated file from .projenrc.ts',
    'npx projen test        # unit tests and eslint of the components, each service\'s tests, the end-to-end suite',
    'npx projen test:images # build the images and test them for real (needs Docker)',
    'npx projen test:all    # all of it, after installing what the tests need; what CI runs',
    '```',
    '',
    'In a service folder (`api/`, `web/`, `playwright-runner/`), `npx projen test` runs that service\'s tests only. The end-to-end suite launches Chromium: Playwright\'s own build (`npx playwright install chromium` in `playwright-runner/`) or any Chromium given by `CHROMIUM_PATH`.',
    '',
    '## Generated files change only through `.projenrc.ts`',
    '',
    `\`.projenrc.ts\` describes the system; the components in \`projenrc/\` turn it into files. Files they write are read-only and say so in their first lines (\`${GENERATED_MARKER}\`). Never edit them: change \`.projenrc.ts\` or a component, run \`npx projen\`, and commit the regenerated files with your change.`,
    '',
    table(['where', 'generated files'], [...groups.entries()].map(([dir, files]) => [dir, files.map((x) => `\`${x}\``).join(', ')])),
    '',
    'Pins are not generated but held in one place each, and every generated file reads them: `base-images.lock.json` (base-image digests; `npx projen update-base-images` refreshes it) `github-actions.lock.json` (action commit SHAs) and `dependency-pins.json` (exact dependency versions that other files follow, such as `@playwright/test`, whose version is the Playwright image\'s tag). After Dependabot changes a pin in a generated file, `npx projen sync-pins` moves it back to its lock file (the `dependabot-sync` workflow does this on Dependabot\'s pull requests).',
    '',
    '### The drift check',
    '',
    'CI runs `npx projen` on a fresh clone and fails if `git status` then shows any change (`.ci/run` here, `build.yml` on GitHub). If it fails for you: run `npx projen`, look at `git diff`, commit.',
    '',
    '## Add a service image',
    '',
    'Declare the service as a subproject in `.projenrc.ts`, then give it an image with one call:',
    '',
    '```ts',
    'const worker = new NodeServiceProject({ parent: project, outdir: \'worker\', name: \'@qualisys/worker\', description: \'QUALISYS worker\', deps: [\'fastify@^5\'] });',
    `images.addService(worker, { kind: ImageKind.NODE_SERVICE, port: ${server?.port ?? 3000}, healthPath: '/health', sizeBudget: '200MB' });`,
    '```',
    '',
    `\`npx projen\` then writes \`worker/Dockerfile\` and \`worker/.dockerignore\`, adds the image to \`npx projen build:docker\`, to the [build guide](docs/docker-build-guide.md), to Dependabot and to \`images.yml\` (a job calling \`reusable-build.yml\`, run when \`worker/**\` changes). Kinds: ${f.images.kinds.all.map((k) => `\`${k.name}\` (options in \`${k.source}\`)`).join(', ')}. An option a kind does not take is an error that lists the ones it does. A new kind is one module under \`projenrc/docker/kinds/\` and one line in its \`index.ts\` (or \`images.registerKind()\` in \`.projenrc.ts\`).`,
    '',
    '## What a pull request must pass',
    '',
    '- `build.yml`: `npx projen build` (type-check, eslint, unit, service and end-to-end tests) and the drift check;',
    `- \`${f.ci?.fileName ?? 'images.yml'}\`: for each service it touches, the image builds, Trivy finds no ${f.reusable.severities.join(' or ')} vulnerability and no secret, and the build stays under ${f.reusable.buildBudgetMinutes} minutes (flagged in the job summary); its \`${f.ci?.summaryJobName ?? 'images'}\` check sums up every image and is the one to require;`,
    '- the tests of this repository (`npx projen test:all`), which include actionlint and zizmor on every workflow, hadolint on every Dockerfile, and the images built and run for real;',
    '- review: a change to the build is a change to `.projenrc.ts` or `projenrc/`, with tests beside it in `test/`.',
    '',
    'See the [build guide](docs/docker-build-guide.md) and [vulnerability remediation](docs/vulnerability-remediation.md).',
  ];
}
