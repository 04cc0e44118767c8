import { openRepo, resolveRef } from '../../git/repo.js';
import { git } from '../../git/run.js';
import type { TaskRow } from '../../board/types.js';

/** A diff past this is cut (with `truncated: true`): the page shows it, `git` has the rest. */
export const MAX_DIFF_BYTES = 1024 * 1024;

export interface TaskDiff {
  /** What the diff is of: the squash commit once merged, else the task branch against its base. */
  kind: 'squash' | 'branch';
  from: string;
  to: string;
  text: string;
  truncated: boolean;
}

/**
 * The task's change: a merged task's squash commit, else `git diff <integration>...<branch>` (the
 * branch against where it left the integration branch). Null when neither exists (not started,
 * branch cleaned) or the repository cannot be read.
 */
export async function taskDiff(repoPath: string, integration: string, row: TaskRow): Promise<TaskDiff | null> {
  try {
    const repo = await openRepo(repoPath);
    if (row.status === 'merged' && row.commit !== null) {
      const commit = await resolveRef(repo, row.commit);
      if (commit !== null) return bounded('squash', `${commit}^`, commit, (await git(repo, ['diff-tree', '-p', '--root', '--no-color', '--no-ext-diff', commit], { cwd: repo.root, readOnly: true })).stdout);
    }
    const branch = row.branch ?? `ccx/${row.id}`;
    if ((await resolveRef(repo, `refs/heads/${branch}`)) === null || (await resolveRef(repo, `refs/heads/${integration}`)) === null) return null;
    const result = await git(repo, ['diff', '--no-color', '--no-ext-diff', `refs/heads/${integration}...refs/heads/${branch}`, '--'], { cwd: repo.root, readOnly: true });
    return bounded('branch', integration, branch, result.stdout);
  } catch {
    return null;
  }
}

function bounded(kind: TaskDiff['kind'], from: string, to: string, text: string): TaskDiff {
  const bytes = Buffer.from(text);
  if (bytes.length <= MAX_DIFF_BYTES) return { kind, from, to, text, truncated: false };
  return { kind, from, to, text: bytes.subarray(0, MAX_DIFF_BYTES).toString('utf8'), truncated: true };
}
