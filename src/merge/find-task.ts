import { requireTaskId } from '../git/worktree/ids.js';
import { git, splitNul, type GitRepo } from '../git/run.js';
import { TASK_TRAILER } from './message.js';

export interface TaskCommit {
  sha: string;
  subject: string;
}

/**
 * The newest commit on the integration branch that landed task `id`: its `Ccx-Task: T-<n>`
 * trailer says so, or (for commits made before the trailer) a subject starting `T-<n>:`.
 * Lets the caller check that a task was merged already, so a merge is never done twice.
 */
export async function findTaskCommit(repo: GitRepo, integration: string, id: string): Promise<TaskCommit | null> {
  requireTaskId(id);
  const format = `--format=%H%x1f%s%x1f%(trailers:key=${TASK_TRAILER},valueonly,separator=%x1f)`;
  // The regex type and signature display are set here so a person's grep.patternType or log.showSignature cannot change them.
  const args = ['log', '-z', '--no-show-signature', '--basic-regexp', format, `--grep=^${TASK_TRAILER}: ${id}$`, `--grep=^${id}:`, `refs/heads/${integration}`, '--'];
  const { stdout } = await git(repo, args, { cwd: repo.root, readOnly: true });
  for (const record of splitNul(stdout)) {
    const [sha = '', subject = '', ...trailers] = record.split('\x1f');
    if (trailers.some((value) => value.trim() === id) || subject.startsWith(`${id}:`)) return { sha: sha.trim(), subject };
  }
  return null;
}
