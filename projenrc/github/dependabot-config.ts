import { Component, Project, YamlFile } from 'projen';

/** Options of {@link DependabotConfig}. */
export interface DependabotConfigOptions {
  /** Folders with an npm lockfile (the root and each service). */
  readonly npmDirectories: () => string[];
  /** Folders with a Dockerfile. */
  readonly dockerDirectories: () => string[];
  /** How often Dependabot looks. @default 'weekly' */
  readonly interval?: 'daily' | 'weekly' | 'monthly';
}

/**
 * `.github/dependabot.yml` for npm (every lockfile), GitHub Actions and Docker. npm updates are
 * lockfile-only: package.json is generated from .projenrc.ts, so version ranges move there. Pull
 * requests that touch generated files (workflow pins, Dockerfiles) are brought back to their
 * sources by the dependabot-sync workflow (`npx projen sync-pins`, then `npx projen`).
 */
export class DependabotConfig extends Component {
  constructor(project: Project, options: DependabotConfigOptions) {
    super(project);
    const schedule = { interval: options.interval ?? 'weekly' };
    new YamlFile(project, '.github/dependabot.yml', {
      marker: true,
      obj: {
        version: 2,
        updates: () => [
          ...options.npmDirectories().map((directory) => ({
            'package-ecosystem': 'npm',
            directory,
            schedule,
            'versioning-strategy': 'lockfile-only',
            'groups': { npm: { 'patterns': ['*'], 'update-types': ['minor', 'patch'] } },
          })),
          { 'package-ecosystem': 'github-actions', 'directory': '/', schedule, 'groups': { actions: { patterns: ['*'] } } },
          { 'package-ecosystem': 'docker', 'directories': options.dockerDirectories(), schedule },
        ],
      },
    });
  }
}
