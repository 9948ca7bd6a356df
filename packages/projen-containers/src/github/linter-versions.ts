import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/** The script that installs the pinned linters and scanners for the tests, locally and on GitHub. */
export const LINTERS_SCRIPT = 'tools/install-linters.sh';

/**
 * A tool version pinned in `tools/install-linters.sh` (its first `NAME=version` assignments), so
 * that CI runs the same Trivy as the local tests: that script is the one place holding the pin.
 */
export function pinnedToolVersion(root: string, name: string): string {
  const file = path.join(root, LINTERS_SCRIPT);
  const text = readFileSync(file, 'utf8');
  const m = new RegExp(`(?:^|\\s)${name}=(\\S+)`, 'm').exec(text);
  if (!m) throw new Error(`${LINTERS_SCRIPT} pins no ${name} version (expected a line such as \`${name}=v1.2.3\`): restore it from git.`);
  return m[1];
}
