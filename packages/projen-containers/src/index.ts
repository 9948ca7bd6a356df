/**
 * projen-containers: container images as projen components. Dockerfiles and .dockerignore files
 * from image kinds, base images pinned by digest, an image tag script, GitHub Actions workflows
 * that build with BuildKit, scan with Trivy, sign with cosign and push, Dependabot, and the docs
 * of all of it, rendered from one `.projenrc.ts`.
 */

// Images: the services, their kinds and base images, and the benchmark.
export * from './docker/docker-images';
export * from './docker/service-image';
export * from './docker/base-images';
export * from './docker/dockerfile-model';
export * from './docker/dockerignore';
export * from './docker/image-size-script';
export * from './docker/docker-benchmark';
export * from './docker/reference-recipes';
export * from './docker/kinds';

// Tags.
export * from './image-tag-script';
export { TagPolicyOptions, TAG_POLICY_DEFAULTS } from './image-tags/policy';

// GitHub: workflows, pins, scans, Dependabot.
export * from './github/action-pins';
export * from './github/registry';
export * from './github/build-workflow';
export * from './github/container-workflow';
export * from './github/dependabot-config';
export * from './github/deployed-scan-workflow';
export * from './github/image-ci-workflow';
export * from './github/linter-versions';
export * from './github/pin-workflows';
export * from './github/publish-script';
export * from './github/reusable-build-workflow';
export * from './github/trivy-ignore';

// Docs.
export * from './docs/build-guide';
export * from './docs/contributing';
export * from './docs/remediation-guide';
export { registryAccessFacts, registryAccessSection, movingTagPatterns } from './docs/registry-section';

// Checks and shared pieces a kind or a component written outside the package uses: the checks
// of an option's value, each throwing a ConfigError that names the component, option and service.
export {
  ConfigError, check, knownKeys, optionKeys, integer, httpPath, envName, repoPath, contextPath, identifier, oneLine,
  cron, branchName, secretName, registryReference, calendarDate,
} from './validate';
export * from './marker';
export * from './dependency-pins';
export { sourceFile, PACKAGE_NAME } from './lib/source-file';
export { COMMANDS } from './lib/commands';
export * from './container-build';
export { checkProject } from './project-check';
export { DEFAULT_TOOL_VERSIONS } from './defaults/tool-versions';
export type { ImageManifestEntry, ImageManifestBase } from './lib/images-manifest';
export { basesOf } from './lib/images-manifest';
export type { BaseImagePin } from './lib/lock-files';
export { DEFAULT_BASE_IMAGES_LOCK, DEFAULT_ACTIONS_LOCK } from './lib/lock-files';
