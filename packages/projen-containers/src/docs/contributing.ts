import * as path from 'node:path';
import { Component, Project } from 'projen';
import { GENERATED_MARKER } from '../marker';
import { checkDocsFacts, DocsContext, docsContext, DocsFacts, docLink, kindExpression, registerDoc, seeAlso, subprojectExpression, taskPhrase, DOCS_FACT_KEYS } from './docs-facts';
import { MarkdownFile } from './markdown-file';
import { ActionPins } from '../github/action-pins';
import { table } from '../lib/markdown';
import { knownKeys } from '../validate';

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
  public readonly file: MarkdownFile;
  private readonly facts: DocsFacts;

  constructor(project: Project, facts: DocsFacts) {
    super(project);
    knownKeys('Contributing', 'facts', facts, DOCS_FACT_KEYS);
    this.facts = facts;
    registerDoc(project, 'contributing', FILE);
    this.file = new MarkdownFile(project, FILE, () => render(project, docsContext(project, facts)));
  }

  /** Checks the facts before any file is written. */
  public preSynthesize(): void {
    checkDocsFacts('Contributing', this.project, this.facts);
  }
}

const FILE = 'CONTRIBUTING.md';

/** A name for the example's new service that no service has. */
function newServiceName(taken: readonly string[]): string {
  return ['worker', 'jobs', 'reports', 'example-service'].find((n) => !taken.includes(n)) ?? `service-${taken.length + 1}`;
}

/** The "add a service" example: the same kind and project type as a service the project has, with the package's public API. */
function addServiceExample(c: DocsContext): string[] {
  const services = c.facts.images.services;
  const model = services.find((s) => s.manifestEntry().port) ?? services[0];
  if (!model) return [];
  const entry = model.manifestEntry();
  const name = newServiceName(services.map((s) => s.service));
  const kind = c.facts.images.kinds.all.find((k) => k.name === entry.kind);
  const takes = (o: string) => (kind?.options as readonly string[] | undefined)?.includes(o) ?? false;
  const options = [
    `kind: ${kindExpression(entry.kind)}`,
    ...(takes('port') && entry.port ? [`port: ${entry.port}`] : []),
    ...(takes('healthPath') && entry.healthPath ? [`healthPath: '${entry.healthPath}'`] : []),
    `sizeBudget: '${entry.sizeBudget}'`,
  ];
  const ci = c.facts.ci;
  return [
    `Declare the service as a subproject in \`${c.projenrc}\`, then give it an image with one call (here like \`${model.service}\`, a \`${entry.kind}\`):`,
    '',
    '```ts',
    `const ${name.replace(/-(\w)/g, (_, x: string) => x.toUpperCase())} = ${subprojectExpression(model.serviceProject, name, c.defaultBranch)};`,
    `images.addService(${name.replace(/-(\w)/g, (_, x: string) => x.toUpperCase())}, { ${options.join(', ')} });`,
    '```',
    '',
    `\`npx projen\` then writes \`${name}/Dockerfile\` and \`${name}/.dockerignore\`, adds the image to \`npx projen build:docker\`${docLink(c.project, FILE, 'build-guide', 'build guide') ? `, to the ${docLink(c.project, FILE, 'build-guide', 'build guide')}` : ''}${c.facts.dependabot ? ', to Dependabot' : ''}${ci ? ` and to \`${ci.fileName}\` (a job calling \`${c.facts.reusable.fileName}\`, run when \`${name}/**\` changes)` : ''}. Kinds in use: ${c.facts.images.kinds.all.filter((k) => c.images.some((i) => i.kind === k.name)).map((k) => `\`${k.name}\` (options in \`${k.source}\`)`).join(', ')}; \`ImageKind\` holds every built-in one. An option a kind does not take is an error that lists the ones it does. A new kind is one \`defineImageKind()\` (exported by projen-containers) given to \`images.registerKind()\` in \`${c.projenrc}\`.`,
  ];
}

function render(project: Project, c: DocsContext): string[] {
  const f = c.facts;
  const groups = new Map<string, string[]>();
  for (const file of generatedFiles(project)) {
    const top = file.includes('/') ? file.split('/')[0] + '/' : '(root)';
    groups.set(top, [...(groups.get(top) ?? []), file]);
  }
  const runner = c.images.find((i) => i.runner);
  const install = c.install ? [`${c.install.padEnd(22)} # install${c.nodeServices ? ' (the services\' own lockfiles are installed by the next command)' : ''}`] : [];
  const extra = ['test:images', 'test:all'].filter((t) => c.task(t));
  const width = Math.max(22, ...extra.map((t) => `npx projen ${t}`.length));
  const pins = [
    `\`${f.images.baseImages.lockFile}\` (base-image digests; \`npx projen update-base-images\` refreshes it)`,
    ...(actionPinsFile(project) ? [`\`${actionPinsFile(project)}\` (action commit SHAs)`] : []),
    ...(c.dependencyPins ? [`\`${c.dependencyPins}\` (exact dependency versions that other files follow${c.followed.length ? `, such as ${c.followed.map((p) => `\`${p.package}\`, whose version is the tag of the \`${p.repository}\` image`).join('; ')}` : ''})`] : []),
  ];
  const sync = f.pinWorkflows && f.dependabot && c.task('sync-pins')
    ? ` After Dependabot changes a pin in a generated file, \`npx projen sync-pins\` moves it back to its lock file (the \`${f.pinWorkflows.syncWorkflowFile}\` workflow does this on Dependabot's pull requests).`
    : '';
  const guide = docLink(project, FILE, 'build-guide', 'build guide');
  const remediation = docLink(project, FILE, 'remediation', 'vulnerability remediation');
  return [
    `# Contributing to ${c.product}`,
    '',
    '## Develop and test',
    '',
    '```bash',
    ...install,
    `${'npx projen'.padEnd(width)} # synthesize every generated file from ${c.projenrc}`,
    `${'npx projen test'.padEnd(width)} # ${taskPhrase(c, 'test') || 'the tests'}`,
    `${'npx projen build:docker'.padEnd(width)} # build the images (needs Docker)`,
    ...extra.map((t) => `${`npx projen ${t}`.padEnd(width)} # ${taskPhrase(c, t)}`),
    '```',
    '',
    ...(c.images.length ? [`In a service folder (${c.images.map((i) => `\`${i.context}/\``).join(', ')}), \`npx projen test\` runs that service's tests only.${runner ? ` The end-to-end suite of \`${runner.context}/\` launches Chromium: Playwright's own build (\`npx playwright install chromium\` in \`${runner.context}/\`) or any Chromium given by \`CHROMIUM_PATH\`.` : ''}`, ''] : []),
    `## Generated files change only through \`${c.projenrc}\``,
    '',
    `\`${c.projenrc}\` describes the system; the components it uses (projen's and projen-containers') turn it into files. Files they write are read-only and say so in their first lines (\`${GENERATED_MARKER}\`). Never edit them: change \`${c.projenrc}\`, run \`npx projen\`, and commit the regenerated files with your change.`,
    '',
    table(['where', 'generated files'], [...groups.entries()].map(([dir, files]) => [dir, files.map((x) => `\`${x}\``).join(', ')])),
    '',
    `Pins are not generated but held in one place each, and every generated file reads them: ${pins.join(', ')}.${sync}`,
    '',
    ...(f.buildWorkflowFile ? [
      '### The drift check',
      '',
      `CI (\`${f.buildWorkflowFile}\`) runs \`npx projen\` and fails if any file then differs from what is committed. If it fails for you: run \`npx projen\`, look at \`git diff\`, commit.`,
      '',
    ] : []),
    '## Add a service image',
    '',
    ...addServiceExample(c),
    '',
    '## What a pull request must pass',
    '',
    ...(f.buildWorkflowFile ? [`- \`${path.posix.basename(f.buildWorkflowFile)}\`: \`npx projen build\` and the drift check;`] : []),
    ...(f.ci ? [`- \`${f.ci.fileName}\`: for each service it touches, the image builds, Trivy finds no ${f.reusable.severities.join(' or ')} vulnerability and no secret, and the build stays under ${f.reusable.buildBudgetMinutes} minutes (flagged in the job summary); its \`${f.ci.summaryJobName}\` check sums up every image and is the one to require;`] : []),
    ...(c.task('test:all') ? [`- the tests of this repository (\`npx projen test:all\`: ${taskPhrase(c, 'test:all')});`] : []),
    `- review: a change to the build is a change to \`${c.projenrc}\`, reviewed with the regenerated files.`,
    '',
    ...seeAlso([guide ? `the ${guide}` : undefined, remediation]),
  ];
}

/** The action pins' lock file, when the project pins actions (ActionPins). */
function actionPinsFile(project: Project): string | undefined {
  return project.root.components.find((x): x is ActionPins => x instanceof ActionPins)?.lockFile;
}
