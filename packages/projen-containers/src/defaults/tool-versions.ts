/**
 * The releases of the tools the workflows install, as this package ships them: what a project
 * gets unless it names its own (`ReusableBuildWorkflow`'s `trivyVersion` and `cosignVersion`).
 */
export const DEFAULT_TOOL_VERSIONS = {
  /** Trivy, the scanner of every image (vulnerabilities, secrets) and the SBOM. */
  trivy: 'v0.74.0',
  /** cosign, which signs and verifies every pushed digest. */
  cosign: 'v3.1.3',
} as const;
