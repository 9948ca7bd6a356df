/**
 * Moved to `projenrc/tools/sync-pins.ts`. This entry stays only until the `sync-pins` task
 * (projenrc/github/pin-workflows.ts) and test/github/*.ts name the new path: it re-exports the
 * tool and runs its command line, with no logic of its own.
 */
import { main } from '../tools/sync-pins';

export * from '../tools/sync-pins';

if (require.main === module) process.exit(main(process.argv.slice(2)));
