import { github } from 'projen';
import { check, envName } from '../validate';

/** Where images are pushed. */
export interface RegistryOptions {
  /** `ecr` (Amazon ECR through GitHub OIDC, no long-lived keys) or `ghcr` (GitHub Container Registry). */
  readonly kind: 'ecr' | 'ghcr';
  /** ecr: repository variable holding the IAM role to assume. @default 'AWS_ROLE_ARN' */
  readonly roleArnVariable?: string;
  /** ecr: repository variable holding the AWS region. @default 'AWS_REGION' */
  readonly regionVariable?: string;
}

/** The steps and permissions that log a job in to a registry, and the expression of its host. */
export interface RegistryLogin {
  readonly permissions: github.workflows.JobPermissions;
  readonly steps: github.workflows.JobStep[];
  /** Expression of the registry host, e.g. `${{ steps.login.outputs.registry }}`. */
  readonly host: string;
}

export function registryLogin(options: RegistryOptions, uses: (action: string) => string): RegistryLogin {
  const { JobPermission } = github.workflows;
  if (options.kind === 'ecr') {
    const role = options.roleArnVariable ?? 'AWS_ROLE_ARN';
    const region = options.regionVariable ?? 'AWS_REGION';
    envName('Registry', 'roleArnVariable', role);
    envName('Registry', 'regionVariable', region);
    return {
      permissions: { contents: JobPermission.READ, idToken: JobPermission.WRITE },
      host: '${{ steps.login.outputs.registry }}',
      steps: [
        {
          name: 'AWS credentials (OIDC, no stored keys)',
          uses: uses('aws-actions/configure-aws-credentials'),
          with: { 'role-to-assume': `\${{ vars.${role} }}`, 'aws-region': `\${{ vars.${region} }}` },
        },
        { name: 'Log in to Amazon ECR', id: 'login', uses: uses('aws-actions/amazon-ecr-login') },
      ],
    };
  }
  if (options.kind === 'ghcr') {
    return {
      permissions: { contents: JobPermission.READ, packages: JobPermission.WRITE },
      host: 'ghcr.io',
      steps: [{
        name: 'Log in to GHCR',
        id: 'login',
        uses: uses('docker/login-action'),
        with: { registry: 'ghcr.io', username: '${{ github.actor }}', password: '${{ secrets.GITHUB_TOKEN }}' },
      }],
    };
  }
  check(false, 'Registry', 'kind', (options as { kind: string }).kind, '"ecr" or "ghcr"');
  throw new Error('unreachable');
}
