import { Component, Project } from 'projen';
import { checkDocsFacts, DocsContext, docsContext, DocsFacts, docLink, registerDoc, seeAlso, DOCS_FACT_KEYS } from './docs-facts';
import { MarkdownFile } from './markdown-file';
import { table } from '../lib/markdown';
import { knownKeys } from '../validate';

/** `docs/vulnerability-remediation.md`: what to do when Trivy fails a build. */
export class RemediationGuide extends Component {
  public readonly file: MarkdownFile;
  private readonly facts: DocsFacts;

  constructor(project: Project, facts: DocsFacts) {
    super(project);
    knownKeys('RemediationGuide', 'facts', facts, DOCS_FACT_KEYS);
    this.facts = facts;
    registerDoc(project, 'remediation', FILE);
    this.file = new MarkdownFile(project, FILE, () => render(docsContext(project, facts)));
  }

  /** Checks the facts before any file is written. */
  public preSynthesize(): void {
    checkDocsFacts('RemediationGuide', this.project, this.facts);
  }
}

const FILE = 'docs/vulnerability-remediation.md';

function render(c: DocsContext): string[] {
  const f = c.facts;
  const sev = f.reusable.severities;
  const services = c.images.map((i) => i.service);
  const lock = c.nodeServices;
  return [
    '# When Trivy fails a build',
    '',
    `Every image is scanned before it can be pushed: a ${sev.join(' or ')} vulnerability, or any secret, fails the \`build and scan\` job of \`${f.reusable.fileName}\` and nothing is pushed.`,
    '',
    '## 1. Read the findings',
    '',
    '- **Job summary** (the run\'s page): a table per scan with the package, the vulnerability, its severity, the installed and the fixed version.',
    `- **Security tab → Code scanning**: the same findings as alerts, filtered by category: ${services.map((s) => `\`trivy-vulnerabilities-${s}\``).join(', ')}, and \`trivy-secrets-<service>\` for secrets. Alerts close by themselves when a later scan no longer finds them.`,
    '- Locally, on an image built by `npx projen build:docker`: `trivy image --severity ' + sev.join(',') + ' --ignorefile ' + f.reusable.trivyIgnoreFile + ' <image>:dev`.',
    '',
    '## 2. Triage',
    '',
    table(['question', 'if yes'], [
      ['Is a fixed version available (the "Fixed Version" column)?', 'fix it now: step 3'],
      [`Is the package in the base image (OS packages${lock ? ', `/usr/local/lib/node_modules`' : ''})?`, 'refresh the base: `npx projen update-base-images`, regenerate, rebuild'],
      [`Is it an application dependency${lock ? ' (`/app/node_modules`)' : ''}?`, `bump it in \`${c.projenrc}\`${lock ? ' (or `npm update <pkg>` in the service folder for a transitive one)' : ' (or in the service\'s lockfile for a transitive one)'}, \`npx projen\``],
      ['Is there no fix, and is the vulnerable code unreachable in this image?', 'an exception may be acceptable: step 4'],
    ]),
    '',
    '## 3. Fix and regenerate',
    '',
    '```bash',
    'npx projen update-base-images     # new base-image digests (needs registry access)',
    `# or: change a dependency version in ${c.projenrc}`,
    'npx projen                        # regenerate Dockerfiles and lockfiles',
    `npx projen build:docker -- <service>${c.task('test:images') ? ' && npx projen test:images' : ''}`,
    '```',
    '',
    'Commit the lock files with the regenerated files; the pull request re-runs the scans.',
    '',
    '## 4. Exceptions: rare, explained, dated',
    '',
    `An exception is acceptable only when no fixed version exists **and** the finding does not apply to this image (the vulnerable function is never called, the feature is disabled, the component is not reachable). It goes into \`${c.projenrc}\`, which generates \`${f.trivyIgnore.path}\`:`,
    '',
    '```ts',
    'new TrivyIgnore(project, {',
    '  vulnerabilities: [{',
    "    id: 'CVE-2026-12345',",
    `    statement: 'Only reachable through the XML parser, which ${services[0] ?? 'the service'} never loads; no fixed version yet.',`,
    "    expiresOn: '2026-12-31',",
    "    purls: ['pkg:npm/some-package@1.2.3'],",
    '  }],',
    '});',
    '```',
    '',
    `Every exception needs a statement and an expiry date at most ${f.trivyIgnore.maxDays} days away. \`npx projen\` refuses an expired exception, and Trivy stops honouring it after its \`expired_at\`, so the build fails again and the finding is looked at again. Renewing means a new statement and a new date, reviewed like any change.`,
    '',
    '## Response times',
    '',
    table(['severity', 'fix or exception within', 'notes'], [
      ['CRITICAL', '2 days', 'the image is not pushed until then; escalate if the service is exposed'],
      ['HIGH', '7 days', 'the image is not pushed until then'],
      ['MEDIUM', '30 days', `not blocking and not in the CI scan (it reports ${sev.join(' and ')}); find them with \`trivy image --severity MEDIUM <image>:dev\``],
      ['LOW', 'next dependency update', 'not blocking'],
    ]),
    '',
    '## When the secret scan fires',
    '',
    'A secret in an image is a leaked secret: anyone who can pull the image has it.',
    '',
    '1. **Rotate it first**: revoke the key or password at its source and issue a new one, before anything else. Removing it from the image does not un-leak it.',
    '2. **Remove it from the image**: find how it got in (a file the `.dockerignore` allow-list let through, a build argument, an `ENV`), fix the cause in `' + c.projenrc + '` (`extraIgnores`, or pass secrets with `RUN --mount=type=secret`, never `ARG`/`ENV`), rebuild.',
    '3. **Remove it from git history** if it was committed (`git filter-repo`), and delete pushed images that contain it from the registry.',
    '4. **Never just ignore it**: `' + f.trivyIgnore.path + '` takes no secret exceptions (the component has no option for them).',
    '',
    ...seeAlso([docLink(c.project, FILE, 'build-guide', 'build guide'), docLink(c.project, FILE, 'contributing', 'CONTRIBUTING')]),
  ];
}
