#!/usr/bin/env node
/**
 * `npx projen build:docker [-- [--no-cache] [--no-sbom] [--json FILE] [--report FILE] [SERVICE...]]`
 *
 * Builds the service images declared in .projenrc.ts (read from .projen/docker-images.json) with
 * BuildKit, tags them with the image tag script, and ends with a table of image, tags, size,
 * build time and budget, and a table of each image's size change against the last default-branch
 * build found locally (`<image>:latest`, or `<registry>/<image>:latest`). Exits 1 when a build
 * fails or an image is over its budget.
 *
 * It records what it built in build/docker/build.json (image ID and tags per service: what
 * `push:docker` pushes, never rebuilding) and, where Trivy is installed, a CycloneDX SBOM per
 * image beside it (build/docker/<service>.cdx.json), made offline.
 *
 * Environment:
 *   NODE_IMAGE, PLAYWRIGHT_IMAGE, ...  base-image overrides (the Dockerfiles' base build arguments)
 *   DOCKER_NETWORK                     `docker build --network` (e.g. host, where there is no bridge)
 *   DOCKER_BUILD_ARGS                  extra `docker build` arguments, split on spaces
 *   IMAGE_REGISTRY                     prefix the tags with a registry host
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildImages } from '../engine/build-images';
import { writeBuildReport } from '../engine/build-report-file';
import { DockerUnavailableError } from '../engine/docker-cli';
import { renderTable } from '../engine/image-build';
import { BUILD_REPORT } from '../lib/build-report';
import { renderSizeMarkdown } from '../lib/image-size';
import { ROOT } from '../lib/source-file';

const BUILD_USAGE = 'usage: npx projen build:docker -- [--no-cache] [--no-sbom] [--json FILE] [--report FILE] [SERVICE...]';

async function main(argv: string[]): Promise<number> {
  let noCache = false;
  let noSbom = false;
  let jsonFile: string | undefined;
  let reportFile = path.join(ROOT, BUILD_REPORT);
  const names: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') continue; // projen passes the separator through
    if (a === '--no-cache') noCache = true;
    else if (a === '--no-sbom') noSbom = true;
    else if (a === '--json' && argv[i + 1]) jsonFile = argv[++i];
    else if (a === '--report' && argv[i + 1]) reportFile = path.resolve(argv[++i]);
    else if (a.startsWith('-')) throw new Error(`Unknown option ${a}: ${BUILD_USAGE}`);
    else names.push(a);
  }

  const { results, changes, problems, sbom, report } = await buildImages({ services: names, noCache, noSbom, reportFile, root: ROOT });
  console.log(`\n${renderTable(results)}`);
  if (changes.length) console.log(`\nSize against the last default-branch build:\n\n${renderSizeMarkdown(changes)}`);
  writeBuildReport(reportFile, report);
  console.log(`build:docker: report in ${path.relative(process.cwd(), reportFile) || reportFile}${sbom ? ', SBOMs beside it' : ''}; \`npx projen push:docker\` pushes these images.`);
  if (jsonFile) writeFileSync(jsonFile, JSON.stringify(results, null, 2));
  const failed = results.filter((r) => !r.ok);
  const over = results.filter((r) => r.ok && !r.withinBudget);
  for (const w of changes.filter((c) => c.warning)) console.warn(`build:docker: warning: ${w.warning}`);
  for (const p of problems) console.error(`build:docker: ${p}`);
  if (failed.length) console.error(`\nbuild:docker: ${failed.map((r) => r.service).join(', ')} failed to build; see the log above.`);
  if (over.length) console.error(`\nbuild:docker: ${over.map((r) => r.service).join(', ')} over budget; see the table.`);
  return failed.length || over.length || problems.length ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (err: Error) => {
    console.error(`build:docker: ${err.message}`);
    process.exit(err instanceof DockerUnavailableError ? 3 : 2);
  });
}
