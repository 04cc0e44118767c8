import { CcxError } from '../errors.js';
import { identityEnv } from '../git/commit/identity.js';
import { git, splitNul, type GitRepo } from '../git/run.js';
import { droppedCommits, type DroppedCommit } from './base.js';
import { checkMerge } from './check.js';
import { landCommit, type LandOutcome } from './land.js';
import { squashMessage, type SquashMessageInput } from './message.js';
import { applyOverrides, type FileOverride } from './override.js';

export interface SquashMergeInput extends SquashMessageInput {
  integration: string;
  /** The task branch, `ccx/T-<n>`. */
  branch: string;
  overrides?: readonly FileOverride[];
  /**
   * The commit the task started from. Given, the merge applies only the task's own change: while
   * the integration branch no longer holds it (a person's reset), nothing merges and the task waits.
   */
  base?: string;
  /**
   * Aborted (a person cancelled the task, the daemon stops): the merge stops before it moves the
   * integration branch, throwing the signal's reason; once the branch moved, it lands whatever comes.
   */
  signal?: AbortSignal;
}

/** The integration branch lost commits the task branch holds: merging now would bring them back. */
export interface BaseMovedWait {
  status: 'waiting';
  reason: 'base-moved';
  base: string;
  integrationHead: string;
  /** The first few of them, newest first. */
  dropped: DroppedCommit[];
  droppedTotal: number;
}

export type SquashMergeResult =
  | { status: 'merged'; sha: string; integration: string; filesChanged: string[]; checkout: string | null }
  | Extract<LandOutcome, { status: 'waiting' }>
  | BaseMovedWait
  | { status: 'conflict'; files: string[] };

/** How often the integration branch may move under a merge before ccx gives up for now. */
export const MAX_MERGE_ATTEMPTS = 5;

/**
 * SPEC 6.8: checks the merge against the current integration head, builds one squash commit
 * (the merged tree, with overrides, on the integration head as its only parent), and lands it.
 * When the branch moves meanwhile, everything is redone from the check. On a conflict, while a
 * person's checkout holds local changes the merge would touch, or while the integration branch
 * lacks commits the task was built on (`base`), nothing changes anywhere.
 */
export async function squashMerge(repo: GitRepo, input: SquashMergeInput): Promise<SquashMergeResult> {
  const message = squashMessage(input);
  for (let attempt = 1; attempt <= MAX_MERGE_ATTEMPTS; attempt++) {
    input.signal?.throwIfAborted();
    const check = await checkMerge(repo, input);
    if (input.base !== undefined) {
      const dropped = await droppedCommits(repo, { base: input.base, branchHead: check.branchHead, integrationHead: check.integrationHead });
      if (dropped.total > 0) return { status: 'waiting', reason: 'base-moved', base: input.base, integrationHead: check.integrationHead, dropped: dropped.commits, droppedTotal: dropped.total };
    }
    if (!check.clean) return { status: 'conflict', files: check.conflicts };
    const tree = await applyOverrides(repo, check.tree, input.overrides ?? []);
    const commitArgs = ['commit-tree', '--no-gpg-sign', tree, '-p', check.integrationHead];
    const sha = (await git(repo, commitArgs, { cwd: repo.root, input: message, env: await identityEnv(repo, repo.root) })).stdout.trim();
    const landed = await landCommit(repo, input.integration, check.integrationHead, sha, input.signal);
    if (landed.status === 'moved') continue;
    if (landed.status === 'waiting') return landed;
    const diff = await git(repo, ['diff', '--name-only', '-z', '--no-renames', check.integrationHead, sha], { cwd: repo.root, readOnly: true });
    return { status: 'merged', sha, integration: input.integration, filesChanged: splitNul(diff.stdout), checkout: landed.checkout };
  }
  throw new CcxError('MERGE_RACE', `the branch ${input.integration} moved during each of ${MAX_MERGE_ATTEMPTS} attempts to merge ${input.branch} into it; nothing was merged.`, {
    hint: `ccx retries the merge later; if something keeps committing to ${input.integration} in a loop, pause it.`,
  });
}

