import { computeTags, TagContext, TagPolicyOptions } from '../image-tags/policy';

/** Builds the docs show tags for, with a fixed clock and commit so the examples never drift. */
export const EXAMPLE_SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
export const EXAMPLE_TIME = new Date('2026-01-23T14:30:22Z');

export interface TagExample {
  readonly build: string;
  readonly context: TagContext;
}

/** The tag policy the examples follow: its default branch, and its staging branch or none (no staging rows). */
export type ExamplePolicy = Omit<TagPolicyOptions, 'defaultBranch' | 'stagingBranch'> & { readonly defaultBranch: string; readonly stagingBranch?: string | false };

export function tagExamples(policy: ExamplePolicy): TagExample[] {
  const main = policy.defaultBranch;
  const staging = policy.stagingBranch;
  const base = { sha: EXAMPLE_SHA, now: EXAMPLE_TIME, event: 'push' };
  return [
    { build: `push to \`${main}\``, context: { ...base, refType: 'branch', refName: main } },
    { build: 'push to `feature/Login-Form`', context: { ...base, refType: 'branch', refName: 'feature/Login-Form' } },
    ...(staging ? [
      { build: `push to \`${staging}\` (staging deploy)`, context: { ...base, refType: 'branch', refName: staging } },
      { build: 'manual staging deploy of `release/2026.01`', context: { ...base, refType: 'branch', refName: 'release/2026.01', environment: 'staging', event: 'workflow_dispatch' } },
    ] satisfies TagExample[] : []),
    { build: 'release tag `v1.2.3`', context: { ...base, refType: 'tag', refName: 'v1.2.3' } },
    { build: 'pre-release tag `v2.0.0-rc.1`', context: { ...base, refType: 'tag', refName: 'v2.0.0-rc.1' } },
    { build: 'pull request #42 from `fix/Crash`', context: { ...base, refType: 'branch', refName: 'fix/Crash', event: 'pull_request', pullRequest: 42 } },
    { build: `local build on \`${main}\` with uncommitted changes`, context: { ...base, refType: 'branch', refName: main, event: 'local', dirty: true } },
    { build: 'local build on a detached HEAD', context: { ...base, refType: 'detached', refName: '', event: 'local' } },
  ];
}

/** Rows `build | tags` computed by the tag logic itself. */
export function tagExampleRows(policy: ExamplePolicy): string[][] {
  return tagExamples(policy).map((e) => [e.build, computeTags(e.context, { ...policy, stagingBranch: policy.stagingBranch || false }).tags.map((t) => `\`${t.tag}\``).join(', ')]);
}
