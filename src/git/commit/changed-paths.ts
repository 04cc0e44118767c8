import { git, splitNul, type GitRepo } from '../run.js';

/** Paths the task branch changed since `base` (committed work); a rename counts both its paths. */
export async function changedPathsSince(repo: GitRepo, worktree: string, base: string): Promise<string[]> {
  const result = await git(repo, ['diff', '--name-only', '-z', '--no-renames', '--no-ext-diff', base, 'HEAD', '--'], { cwd: worktree, taskWorktree: true, readOnly: true });
  return splitNul(result.stdout);
}
