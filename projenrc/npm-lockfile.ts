import { javascript } from 'projen';

/**
 * Lockfiles that record each package's tarball URL (`resolved`), whatever a developer's own npm
 * configuration says (`omit-lockfile-registry-resolved`, set on some machines): `npm ci` then
 * takes each tarball from its cache or fetches it directly, instead of asking the registry for
 * every package's metadata first. Measured in the api image's dependency stage, with a warm cache
 * mount: 7.1-7.7 s without the URLs, 4.4-4.6 s with them. Mirrors keep working: npm rewrites
 * registry.npmjs.org in these URLs to the configured registry (`replace-registry-host`, on by default).
 */
export function recordTarballUrls(project: javascript.NodeProject): void {
  project.npmrc.addConfig('omit-lockfile-registry-resolved', 'false');
}
