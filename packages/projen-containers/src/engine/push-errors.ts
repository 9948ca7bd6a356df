/** The failures of `push:docker`, by exit status. */

/** Bad arguments or state before anything is pushed (exit 2). */
export class PushUsageError extends Error {}
/** The registry refused (exit 1). */
export class RegistryRefusedError extends Error {}
