import { CcxError } from '../errors.js';
import { requireBranch, resolveRef } from '../git/repo.js';
import { git, splitNul, type GitRepo } from '../git/run.js';

export type MergeCheck =
  | { clean: true; tree: string; integrationHead: string; branchHead: string }
  | { clean: false; conflicts: string[]; integrationHead: string; branchHead: string };

/**
 * SPEC 6.8: would the task branch merge cleanly into the integration head? Decided by
 * `git merge-tree --write-tree`, which writes objects but touches no index and no checkout.
 */
export async function checkMerge(repo: GitRepo, input: { integration: string; branch: string }): Promise<MergeCheck> {
  const integrationHead = await requireBranch(repo, input.integration);
  const branchHead = await resolveRef(repo, `refs/heads/${input.branch}`);
  if (branchHead === null) {
    throw new CcxError('GIT_BRANCH_MISSING', `the task branch ${JSON.stringify(input.branch)} does not exist in ${repo.root}.`, {
      hint: 'The task has nothing to merge: retry it so that it starts a new branch.',
    });
  }
  return checkMergeOf(repo, integrationHead, branchHead);
}

/** The same check for two commits. Exit 0 is clean, 1 a conflict; the output is the tree, then conflicted paths. */
export async function checkMergeOf(repo: GitRepo, integrationHead: string, branchHead: string): Promise<MergeCheck> {
  const args = ['merge-tree', '--write-tree', '-z', '--name-only', '--no-messages', integrationHead, branchHead];
  const result = await git(repo, args, { cwd: repo.root, allowExitCodes: [1] });
  const [tree = '', ...conflicts] = splitNul(result.stdout);
  if (result.exitCode === 0) return { clean: true, tree, integrationHead, branchHead };
  return { clean: false, conflicts: [...new Set(conflicts)], integrationHead, branchHead };
}
