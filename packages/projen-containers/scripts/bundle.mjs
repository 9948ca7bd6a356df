// The package's build, after `tsc`: bundles each generated script (see src/bundled-script.ts) into
// lib/bundles/<name>.mjs with esbuild, and makes the command-line tools of package.json's `bin`
// executable. Run by `npm run build`.
import { chmodSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { BUNDLES, CONFIG_PLACEHOLDER, bundlePath } = require(path.join(root, 'lib', 'bundled-script.js'));

for (const [name, entry] of Object.entries(BUNDLES)) {
  buildSync({
    stdin: {
      contents: `import { main } from './${entry}';\nmain(${CONFIG_PLACEHOLDER});\n`,
      resolveDir: path.join(root, 'src'),
      sourcefile: `${name}-entry.ts`,
      loader: 'ts',
    },
    // Paths in the bundle's comments are relative to src/ (e.g. `// image-tags/cli.ts`).
    absWorkingDir: path.join(root, 'src'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    legalComments: 'none',
    outfile: bundlePath(name),
  });
}

const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
for (const bin of Object.values(pkg.bin ?? {})) chmodSync(path.join(root, bin), 0o755);
