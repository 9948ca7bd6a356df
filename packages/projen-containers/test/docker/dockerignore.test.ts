/**
 * The generated .dockerignore files evaluated with @balena/dockerignore, which implements
 * Docker's matching rules: what the build needs gets in, what must never be in an image stays out.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import ignore from '@balena/dockerignore';
import { REPO_ROOT as ROOT } from '../fixtures';

function matcher(service: string) {
  const text = readFileSync(path.join(ROOT, service, '.dockerignore'), 'utf8');
  const ig = ignore().add(text.split('\n').filter((l) => l && !l.startsWith('#')));
  return (p: string) => !ig.ignores(p);
}

const PLANTED = [
  '.env', '.env.local', '.env.production.local', 'src/.env', 'secrets/token.txt', 'credentials/aws.json',
  'deploy-key.pem', 'src/certs/server.pem', 'id_rsa', 'coverage/lcov.info', '.nyc_output/x.json', 'npm-debug.log',
  'npm-debug.log.1', 'error.log', '.git/config', 'node_modules/x/index.js', 'dist/a.js', 'build/a.js', '.next/BUILD_ID',
  'out/index.html', 'test-results/r.xml', 'Dockerfile', 'Dockerfile.dev', 'docker-compose.yml', '.vscode/settings.json',
  '.idea/workspace.xml', 'src/.server.ts.swp', '.DS_Store', '.npmrc', 'test/app.test.ts', '.projen/tasks.json',
];

describe.each([
  ['api', ['package.json', 'package-lock.json', 'tsconfig.json', 'src/server.ts', 'src/lib/util.ts']],
  ['web', ['package.json', 'package-lock.json', 'tsconfig.json', 'next.config.ts', 'start.cjs', 'src/app/page.tsx', 'src/lib/api.ts', 'public/favicon.ico']],
  ['playwright-runner', ['package.json', 'package-lock.json', 'playwright.config.ts', 'tests/web.spec.ts', 'src/targets.ts', 'docker-entrypoint.sh']],
])('%s/.dockerignore', (service, needed) => {
  const inContext = matcher(service);
  test.each(needed)('lets in %s', (p) => expect(inContext(p)).toBe(true));
  test.each(PLANTED)('keeps out %s', (p) => expect(inContext(p)).toBe(false));
});
