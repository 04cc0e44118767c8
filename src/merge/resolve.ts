import { CcxError } from '../errors.js';
import { requireBranch } from '../git/repo.js';
import { git, splitNul, type GitRepo } from '../git/run.js';

export interface ResolveStart {
  integrationHead: string;
  /** True when a merge is now in progress in the worktree (the next commitTurn records it). */
  merging: boolean;
  /** Files left with conflict markers for the implementer. */
  conflicts: string[];
}

/**
 * SPEC 6.8's resolve step: merges the integration head into the task branch inside the task's
 * worktree without committing, leaving conflict markers for the implementer. The next
 * commitTurn records a merge commit (two parents), after which checkMerge is clean.
 */
export async function mergeIntegrationIntoTask(repo: GitRepo, input: { worktree: string; integration: string }): Promise<ResolveStart> {
  const integrationHead = await requireBranch(repo, input.integration);
  const args = ['merge', '--no-ff', '--no-commit', '--no-edit', '--no-stat', '--quiet', '--no-autostash', '--no-verify-signatures', integrationHead];
  const merge = await git(repo, args, { cwd: input.worktree, taskWorktree: true, allowExitCodes: [1, 2, 128] });
  const mergeHead = await git(repo, ['rev-parse', '-q', '--verify', 'MERGE_HEAD'], { cwd: input.worktree, taskWorktree: true, readOnly: true, allowExitCodes: [1] });
  if (mergeHead.exitCode !== 0) {
    if (merge.exitCode === 0) return { integrationHead, merging: false, conflicts: [] };
    throw new CcxError('GIT_FAILED', `merging ${input.integration} into the task branch in ${input.worktree} failed: ${(merge.stderr || merge.stdout).trim()}`, {
      hint: `Commit or discard the changes in ${input.worktree}, then retry the resolve step.`,
    });
  }
  const unmerged = await git(repo, ['ls-files', '--unmerged', '-z'], { cwd: input.worktree, taskWorktree: true, readOnly: true });
  const conflicts = [...new Set(splitNul(unmerged.stdout).map((entry) => entry.slice(entry.indexOf('\t') + 1)))].sort();
  return { integrationHead, merging: true, conflicts };
}
