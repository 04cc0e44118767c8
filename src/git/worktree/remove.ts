import { lstat } from 'node:fs/promises';
import { requireNoLinks } from '../../fs/no-follow.js';
import { resolveRef } from '../repo.js';
import { git, type GitRepo } from '../run.js';
import { taskBranch } from './ids.js';
import { worktreesParent } from './create.js';
import { listWorktrees, worktreeAt } from './list.js';

export interface RemovedWorkspace {
  /** not-a-worktree: a folder is at the path but git does not know it; it is left alone. */
  worktree: 'removed' | 'absent' | 'not-a-worktree';
  /** checked-out-elsewhere: another worktree has the branch, so git keeps it (see `checkedOutAt`). */
  branch: 'removed' | 'absent' | 'checked-out-elsewhere';
  checkedOutAt?: string;
}

/**
 * Removes a task's worktree (forced: its work is on its branch, or the caller discards it on
 * purpose), then its branch: in that order, since git refuses to delete a checked-out branch.
 */
export async function removeTaskWorkspace(repo: GitRepo, input: { id: string; path: string }): Promise<RemovedWorkspace> {
  const branch = taskBranch(input.id);
  // A link planted at worktrees/T-<n> could name any folder, the person's own worktree too: never removed through.
  await requireNoLinks(worktreesParent(input.path), input.path);
  const entries = await listWorktrees(repo);
  const registered = await worktreeAt(entries, input.path);
  let worktree: RemovedWorkspace['worktree'] = 'absent';
  if (registered !== undefined) {
    if (await exists(registered.path)) await git(repo, ['worktree', 'remove', '--force', registered.path], { cwd: repo.root });
    worktree = 'removed';
  } else if (await exists(input.path)) {
    worktree = 'not-a-worktree';
  }
  await git(repo, ['worktree', 'prune'], { cwd: repo.root });
  const removed: RemovedWorkspace = { worktree, branch: 'absent' };
  if ((await resolveRef(repo, `refs/heads/${branch}`)) === null) return removed;
  const holder = (await listWorktrees(repo)).find((entry) => entry.branch === `refs/heads/${branch}`);
  if (holder !== undefined) return { ...removed, branch: 'checked-out-elsewhere', checkedOutAt: holder.path };
  await git(repo, ['branch', '-D', branch], { cwd: repo.root });
  return { ...removed, branch: 'removed' };
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}
