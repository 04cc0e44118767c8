import { git, type GitRepo } from '../run.js';

export interface BranchDiff {
  /** `git diff --stat` of base..head. */
  stat: string;
  /** The patch of base..head (renames detected, no colour, no external diff driver). */
  patch: string;
}

const DIFF_OPTIONS = ['--no-color', '--no-ext-diff', '--no-textconv', '-M', '--submodule=short'];
/** Keeps the stat readable for a change of thousands of files. */
const STAT_MAX_FILES = 200;

/** What the task branch changed: base..head, as a stat and a patch. */
export async function diffSince(repo: GitRepo, input: { worktree: string; base: string; head: string }): Promise<BranchDiff> {
  // A branch with no commit of its own yet (a task's first turn) has nothing to show.
  if (input.base === input.head) return { stat: '', patch: '' };
  const options = { cwd: input.worktree, taskWorktree: true, readOnly: true };
  const range = [input.base, input.head, '--'];
  const [stat, patch] = await Promise.all([
    git(repo, ['diff', ...DIFF_OPTIONS, `--stat=120`, `--stat-count=${STAT_MAX_FILES}`, ...range], options),
    git(repo, ['diff', ...DIFF_OPTIONS, ...range], options),
  ]);
  return { stat: stat.stdout, patch: patch.stdout };
}
