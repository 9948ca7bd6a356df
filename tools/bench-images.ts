/**
 * Benchmark of the image builds (a report, never a test): for each service, the total size, the
 * size of the layers above the base, a cold build (no layer cache, empty BuildKit cache mounts)
 * and a rebuild after a source-only change. Prints a table and writes test-reports/bench-images.json.
 *
 *   npx projen bench:images [-- SERVICE...]
 *
 * Uses the same build code, contexts and environment (NODE_IMAGE, DOCKER_NETWORK, ...) as
 * `npx projen build:docker`. It empties the engine's build cache first: run it last.
 */
import { appendFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildImage, copyContext, loadManifest, ROOT, selectServices } from '../projenrc/docker/build-images';
import { assertEngine, dockerOk, formatBytes } from '../projenrc/docker/docker-cli';

/** The first source file a recipe copies, to change it. */
function sourceFile(dir: string): string {
  for (const folder of ['src', 'tests']) {
    const found = readdirSync(path.join(dir, folder), { recursive: true, withFileTypes: true })
      .find((d) => d.isFile() && /\.tsx?$/.test(d.name));
    if (found) return path.join(found.parentPath ?? (found as unknown as { path: string }).path, found.name);
  }
  throw new Error(`no source file found in ${dir}`);
}

async function main(names: string[]) {
  console.log(`bench:images: Docker ${assertEngine()}`);
  const entries = selectServices(loadManifest(), names);
  const rows: Record<string, unknown>[] = [];
  for (const entry of entries) {
    const ctx = copyContext(entry);
    try {
      const refs = [`${entry.image}:bench`];
      const opts = { context: ctx, refs, labels: {}, version: 'bench' };
      dockerOk(['builder', 'prune', '--all', '--force']);
      const cold = await buildImage(entry, opts);
      if (!cold.ok) throw new Error(`${entry.service}: cold build failed`);
      appendFileSync(sourceFile(ctx), `\n// benchmark change ${Date.now()}\n`);
      const warm = await buildImage(entry, opts);
      if (!warm.ok) throw new Error(`${entry.service}: rebuild failed`);
      rows.push({
        service: entry.service, image: entry.image, sizeBytes: warm.sizeBytes, baseBytes: warm.baseBytes,
        addedBytes: warm.sizeBytes !== undefined && warm.baseBytes !== undefined ? warm.sizeBytes - warm.baseBytes : undefined,
        budgetBytes: entry.sizeBudgetBytes, baseOverridden: warm.baseOverridden, coldSeconds: cold.seconds, rebuildSeconds: warm.seconds,
      });
    } finally {
      rmSync(ctx, { recursive: true, force: true });
    }
  }
  const fmt = (r: Record<string, unknown>) => [
    String(r.image), formatBytes(r.sizeBytes as number), formatBytes(r.addedBytes as number), formatBytes(r.budgetBytes as number),
    `${(r.coldSeconds as number).toFixed(1)} s`, `${(r.rebuildSeconds as number).toFixed(1)} s`,
  ];
  const header = ['image', 'total size', 'above base', 'budget', 'cold build', 'rebuild (source change)'];
  const table = [header, ...rows.map(fmt)];
  const widths = header.map((_, i) => Math.max(...table.map((r) => r[i].length)));
  console.log('\n' + table.map((r) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`).join('\n'));
  if (rows.some((r) => r.baseOverridden)) console.log('Base images were overridden (NODE_IMAGE, ...): "total size" includes that base, "above base" is what the Dockerfile adds.');
  mkdirSync(path.join(ROOT, 'test-reports'), { recursive: true });
  writeFileSync(path.join(ROOT, 'test-reports', 'bench-images.json'), JSON.stringify(rows, null, 2));
}

main(process.argv.slice(2).filter((a) => a !== '--')).catch((err: Error) => {
  console.error(`bench:images: ${err.message}`);
  process.exit(1);
});
