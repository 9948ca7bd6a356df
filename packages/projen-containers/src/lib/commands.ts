/**
 * The command-line tools of the package, as the tasks it adds run them: each one a `bin` of
 * package.json (`lib/tools/<file>.js`), found on the PATH projen gives every task
 * (`node_modules/.bin`). The package's package.json lists the same names.
 */
export const COMMANDS = {
  buildImages: { bin: 'projen-containers-build-images', file: 'build-images' },
  pushImages: { bin: 'projen-containers-push-images', file: 'push-images' },
  updateBaseImages: { bin: 'projen-containers-update-base-images', file: 'update-base-images' },
  syncPins: { bin: 'projen-containers-sync-pins', file: 'sync-pins' },
  benchDocker: { bin: 'projen-containers-bench-docker', file: 'bench-docker' },
  ciLocal: { bin: 'projen-containers-ci-local', file: 'ci-local' },
} as const;
