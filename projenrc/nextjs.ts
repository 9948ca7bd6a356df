import { typescript } from 'projen';
import { TypeScriptJsxMode, TypeScriptModuleResolution } from 'projen/lib/javascript';
import { ConfigError } from 'projen-containers';

/** The compiler options `next build` requires (it rewrites tsconfig.json when one differs). */
export const NEXTJS_COMPILER_OPTIONS = {
  target: 'ES2017',
  lib: ['dom', 'dom.iterable', 'esnext'],
  allowJs: true,
  noEmit: true,
  module: 'esnext',
  moduleResolution: TypeScriptModuleResolution.BUNDLER,
  isolatedModules: true,
  jsx: TypeScriptJsxMode.REACT_JSX,
  incremental: true,
};

/** What Next.js writes and git must not keep. */
export const NEXTJS_GITIGNORE = ['/.next/', '/next-env.d.ts', '/out/'];

/**
 * Makes a TypeScript subproject's generated tsconfig.json exactly what `next build` expects, so
 * Next.js never rewrites the (read-only, generated) file: no emit, bundler resolution, the `next`
 * plugin and Next's generated type folders. Also ignores Next's build output in git.
 */
export function configureNextJsTsconfig(project: typescript.TypeScriptProject): void {
  const file = project.tsconfig?.file;
  if (!file) throw new ConfigError(`${project.name}: a Next.js project needs projen's tsconfig (do not disable it).`);
  for (const option of ['rootDir', 'outDir', 'declaration', 'inlineSourceMap', 'inlineSources', 'experimentalDecorators', 'stripInternal']) {
    file.addDeletionOverride(`compilerOptions.${option}`);
  }
  file.addOverride('compilerOptions.plugins', [{ name: 'next' }]);
  file.addOverride('compilerOptions.paths', { '@/*': ['./src/*'] });
  file.addOverride('include', ['next-env.d.ts', 'src/**/*.ts', 'src/**/*.tsx', '.next/types/**/*.ts', '.next/dev/types/**/*.ts', 'next.config.ts']);
}
