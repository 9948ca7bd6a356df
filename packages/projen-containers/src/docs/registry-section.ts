/**
 * The build guide's sections on shipping from a machine: pushing what build:docker built, the
 * SBOMs, verifying an image before deploying it, and the size change against the default branch.
 * Pure: markdown lines from facts the components hold (`pushAndSignFacts(images)`).
 */
import type { github } from 'projen';
import type { DockerImages } from '../docker/docker-images';
import type { DeployedScanWorkflow } from '../github/deployed-scan-workflow';
import type { RegistryKind, RegistrySettings } from '../github/registry';
import type { ReusableBuildWorkflow } from '../github/reusable-build-workflow';
import type { ResolvedTagPolicy } from '../image-tag-script';
import { table } from '../lib/markdown';

/** What the sections describe. */
export interface PushAndSignFacts {
  /** The registry of .projenrc.ts (`HOST[/NAMESPACE]`), when set. */
  readonly registry?: string;
  /** Image repositories, e.g. `qualisys/api`, in service order. */
  readonly images: readonly { readonly service: string; readonly image: string }[];
  /** The build report push:docker reads, relative to the root. */
  readonly buildReport: string;
  /** The size script, relative to the root. */
  readonly sizeScript: string;
  /** The size-change threshold, e.g. `10MB`. */
  readonly sizeDeltaWarning: string;
  /** The cosign release the tests use, e.g. `v3.1.3`. @default none named */
  readonly cosignVersion?: string;
  /** The tags that move from image to image, as patterns. @default `latest`, `staging-*` and `pr-*` */
  readonly movingTags?: readonly string[];
  /** The repository's own scripts the section may send a reader to (a local registry, the tools' installer). @default none */
  readonly scripts?: { readonly localRegistry?: string; readonly installTools?: string };
}

/** The moving tags of a tag policy, as patterns: `latest`, `staging-*` (with a staging branch) and `pr-*`. */
export function movingTagPatterns(policy?: Pick<ResolvedTagPolicy, 'stagingBranch'>): string[] {
  return ['latest', ...(policy?.stagingBranch === false ? [] : ['staging-*']), 'pr-*'];
}

/** The facts, from the DockerImages component. */
export function pushAndSignFacts(
  images: DockerImages, cosignVersion?: string, policy?: Pick<ResolvedTagPolicy, 'stagingBranch'>, scripts?: PushAndSignFacts['scripts'],
): PushAndSignFacts {
  const s = images.shipping;
  return {
    ...(s.registry ? { registry: s.registry } : {}),
    images: images.manifest().map((i) => ({ service: i.service, image: i.image })),
    buildReport: s.buildReport,
    sizeScript: s.sizeScript.path,
    sizeDeltaWarning: s.sizeDeltaWarning,
    ...(cosignVersion ? { cosignVersion } : {}),
    movingTags: movingTagPatterns(policy),
    ...(scripts ? { scripts } : {}),
  };
}

/** Markdown lines: `## Push, sign and verify` and its subsections. */
export function pushAndSignSection(f: PushAndSignFacts): string[] {
  const registry = f.registry ?? '127.0.0.1:5000';
  const first = f.images[0] ?? { service: 'SERVICE', image: 'NAMESPACE/SERVICE' };
  const some = f.images.slice(0, 2).map((i) => i.service).join(' ') || 'SERVICE';
  const localRegistry = f.scripts?.localRegistry;
  const installTools = f.scripts?.installTools;
  const dir = f.buildReport.split('/').slice(0, -1).join('/');
  const ref = `${registry}/${first.image}@sha256:<digest>`;
  const patterns = (f.movingTags ?? movingTagPatterns()).map((t) => `\`${t}\``);
  const moving = patterns.length > 1 ? `${patterns.slice(0, -1).join(', ')} and ${patterns[patterns.length - 1]}` : patterns.join('');
  return [
    '## Push, sign and verify',
    '',
    `\`npx projen push:docker\` pushes the images that \`npx projen build:docker\` built, each with every tag of the [tagging strategy](#tagging-strategy) (not the local \`:dev\` alias), to ${f.registry ? `\`${f.registry}\` (the registry of \`.projenrc.ts\`)` : 'the registry given by `--registry`'}, or to \`--registry HOST[/NAMESPACE]\` or \`IMAGE_REGISTRY\` when given. It never builds: \`build:docker\` records each image ID and its tags in \`${f.buildReport}\`, and \`push:docker\` pushes exactly those images, the ones the tests and scans saw. It prints each image's digest and writes them to \`${dir}/push.json\`.`,
    '',
    'After `npx projen build:docker`:',
    '',
    '```bash',
    ...(localRegistry ? [`bash ${localRegistry} start ${registry.split(':')[1] ?? '5000'}             # a registry on ${registry} (stop: bash ${localRegistry} stop)`] : []),
    `COSIGN_PASSWORD= cosign generate-key-pair            # cosign.key and cosign.pub${f.cosignVersion ? ` (cosign ${f.cosignVersion}${installTools ? `: bash ${installTools} --with-cosign` : ''})` : ''}`,
    `npx projen push:docker -- ${f.registry ? '' : '--registry <registry> '}--sign-key cosign.key       # push every tag, sign each digest, attach each SBOM`,
    '```',
    '',
    '```bash',
    f.registry ? 'npx projen push:docker                                        # every image, to the registry of .projenrc.ts'
      : 'npx projen push:docker -- --registry <registry>                 # every image (or IMAGE_REGISTRY=<registry>)',
    `npx projen push:docker -- --registry ghcr.io/acme ${some}     # elsewhere, some services`,
    'npx projen push:docker -- --sign-key cosign.key               # signed, with the SBOM attested (COSIGN_PASSWORD: the key\'s password)',
    '```',
    '',
    `Before anything leaves, it checks that every tag still names the image the build recorded, and that the registry holds no other image under a tag that never moves (the commit SHA, \`<branch>-<time>\`, \`production-vX.Y.Z\`); ${moving} move. Log in first (\`docker login <registry>\`) where the registry wants it.`,
    '',
    table(['exit', 'meaning'], [
      ['0', 'pushed (and signed); the digests are printed and in `push.json`'],
      ['1', 'the registry refused: not authorized, unreachable, or a tag that never moves is already on another image; or signing failed. Nothing after the refusal is pushed'],
      ['2', 'bad arguments, no build report (`run npx projen build:docker first`), or an image whose tag moved since the build: build again'],
      ['3', 'no Docker engine'],
    ]),
    '',
    '### SBOMs',
    '',
    `\`build:docker\` writes a CycloneDX SBOM of each image beside its report, \`${dir}/<service>.cdx.json\`, made offline by Trivy (the release the scans use; no vulnerability database is needed for an SBOM; \`--no-sbom\` skips it). \`push:docker --sign-key\` attaches it to the pushed digest as a signed attestation (\`cosign attest --type cyclonedx\`). It lists the packages of the image: the operating system's, and the service's own dependencies (npm, pip, Go modules) at the versions of its lock file.`,
    '',
    '```bash',
    `jq -r '.components[].purl // empty' ${dir}/${first.service}.cdx.json          # the SBOM of the last build`,
    `cosign verify-attestation --key cosign.pub --insecure-ignore-tlog=true --type cyclonedx ${ref} \\`,
    '  | jq -r .payload | base64 -d | jq -r \'.predicate.components[].purl // empty\'   # the SBOM attested in the registry',
    '```',
    '',
    '### Verify an image before you deploy it',
    '',
    'Deploy by digest, and verify that digest first: its signature, and the SBOM signed with it. A signature made with the key pair of `push:docker --sign-key` is verified with its public half (no transparency log: `--insecure-ignore-tlog=true`):',
    '',
    '```bash',
    `cosign verify --key cosign.pub --insecure-ignore-tlog=true ${ref}`,
    `cosign verify-attestation --key cosign.pub --insecure-ignore-tlog=true --type cyclonedx ${ref} > /dev/null`,
    '```',
    '',
    'Both exit 0 for a digest that push:docker signed, and fail for an unsigned image, for a tag moved to another image, and for a signature made with another key (`no signatures found`, `no matching signatures`). Verify by digest: a tag can move.',
    '',
    '### Image size against the default branch',
    '',
    `\`build:docker\` ends with a second table: per service, the image size and the layers and bytes above its base, against the last default-branch build it finds locally (\`<registry>/<image>:latest\`, then \`<image>:latest\`), the difference, and a warning when an image grows by more than ${f.sizeDeltaWarning} (\`sizeDeltaWarning\` in \`.projenrc.ts\`); it says so when it finds none. Pull requests show the same table in their job summary, from \`${f.sizeScript}\` (generated from the same code), which pulls the reference by tag:`,
    '',
    '```bash',
    `node ${f.sizeScript} --image ${first.image}:pr-42 --base <base image> --reference ${registry}/${first.image}:latest --format markdown`,
    `node ${f.sizeScript} --help   # --threshold, --format json|github, --summary FILE, --no-pull`,
    '```',
    '',
  ];
}

/** Troubleshooting rows (you see, why, what to do) for the guide's table. */
export function pushTroubleshootingRows(f: PushAndSignFacts): string[][] {
  return [
    ['`push:docker: No build report at ...`', 'nothing was built on this machine (or the report was deleted)', '`npx projen build:docker`, then push'],
    ['`push:docker: ... is now image sha256:..., not image sha256:... that build:docker built`', 'a later build or a `docker tag` moved a tag since the build', 'build again (and test), then push: push:docker never pushes an image the tests did not see'],
    ['`push:docker: <registry> refused ...: not authorized`', 'no login, or a user that may not push there', '`docker login <registry>` (ECR: `aws ecr get-login-password | docker login --username AWS --password-stdin <registry>`)'],
    ['`push:docker: <registry> cannot be reached`', 'wrong host or port, or the registry is down', `check \`--registry\`, \`IMAGE_REGISTRY\` or the registry of .projenrc.ts${f.registry ? ` (\`${f.registry}\`)` : ''}`],
    ['`push:docker: <registry> already holds other images under these tags, which never move`', 'a tag such as the commit SHA names another image there', 'commit and build again (new tags); never move such a tag'],
    ['`cosign could not sign ...: decrypt`', 'the key is encrypted and `COSIGN_PASSWORD` does not open it', 'set `COSIGN_PASSWORD` to the key\'s password'],
  ];
}

/** What the CI jobs get from the registry: its kind, the settings its login reads, each job's permissions. */
export interface RegistryAccessFacts {
  readonly kind: RegistryKind;
  /** `HOST[/NAMESPACE]` when known at synth. @default described by kind */
  readonly reference?: string;
  readonly settings: RegistrySettings;
  /** Each job (`reusable-build.yml: publish`) with its permissions, as the workflows grant them. */
  readonly jobs: readonly { readonly job: string; readonly permissions: github.workflows.JobPermissions }[];
}

/** The facts, from the workflows (their permissions as generated, never re-typed). */
export function registryAccessFacts(reusable: ReusableBuildWorkflow, deployedScan?: DeployedScanWorkflow): RegistryAccessFacts {
  const r = reusable.registry;
  return {
    kind: r.kind,
    ...(r.reference ? { reference: r.reference } : {}),
    settings: r.settings,
    jobs: [
      ...Object.entries(reusable.jobPermissions).map(([job, permissions]) => ({ job: `${reusable.fileName}: ${job}`, permissions })),
      ...(deployedScan ? [{ job: `${deployedScan.fileName}: scan`, permissions: deployedScan.permissions }] : []),
    ],
  };
}

const REGISTRY_NAMES: Record<RegistryKind, string> = {
  'ecr': 'Amazon ECR, through GitHub OIDC (the jobs assume an IAM role; no stored keys)',
  'ghcr': 'GitHub Container Registry (`ghcr.io`), with the job\'s `GITHUB_TOKEN`',
  'docker-hub': 'Docker Hub (`docker.io`), with a user name and an access token',
  'custom': 'a registry logged in to with a user name and a password',
};

/** `idToken` -> `id-token: write`. */
function permissionText(p: github.workflows.JobPermissions): string {
  const entries = Object.entries(p).filter(([, v]) => v !== undefined);
  return entries.length ? entries.map(([k, v]) => `\`${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${v}\``).join(', ') : 'none';
}

/**
 * Markdown lines: `### Registry and job permissions`: where CI pushes, the repository settings
 * its login reads, and what each job is granted. `id-token: write` goes to the jobs that sign
 * keyless (publish) and, on ECR, to the jobs that log in to AWS, to no other.
 */
export function registryAccessSection(f: RegistryAccessFacts): string[] {
  const settings = [
    ...Object.entries(f.settings.variables).map(([name, what]) => [`\`${name}\``, 'repository variable', what]),
    ...Object.entries(f.settings.secrets).map(([name, what]) => [`\`${name}\``, 'Actions secret', what]),
  ];
  const where = f.reference ? ` Images go to \`${f.reference}/<image>\` (a namespace the image name already starts with is not repeated).`
    : f.kind === 'ghcr' ? ' Images go to `ghcr.io/<owner>/<image>`, the repository owner in lower case (GHCR refuses uppercase).'
      : ' The registry host comes from the login.';
  return [
    '### Registry and job permissions',
    '',
    `CI pushes to ${REGISTRY_NAMES[f.kind]}.${where} Each job is granted only what it uses: \`id-token: write\` where it signs keyless with cosign (the publish job, whatever the registry)${f.kind === 'ecr' ? ' or logs in to AWS (every job that reads or writes ECR)' : ''}, and nowhere else.`,
    '',
    ...(settings.length ? [table(['setting', 'kind', 'holds'], settings), ''] : ['The login needs no repository setting.', '']),
    table(['job', 'permissions'], f.jobs.map((j) => [`\`${j.job}\``, permissionText(j.permissions)])),
    '',
  ];
}
