import { readFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { errnoCode } from '../errors.js';
import type { GitRepo } from '../git/run.js';
import { listWorktrees } from '../git/worktree/list.js';

/** A checkout of the integration branch, or one that is rebasing or bisecting it. */
export interface BranchCheckout {
  path: string;
  /** The checkout's own git folder (`.git`, or `.git/worktrees/<name>`). */
  gitDir: string;
  /** checked-out: the branch is its HEAD; rebasing/bisecting: git holds the branch in that operation. */
  how: 'checked-out' | 'rebasing' | 'bisecting';
}

/**
 * Every checkout (main or linked worktree) that holds `branch`, found as git's own
 * die_if_checked_out finds them: HEAD on the branch, or a rebase or bisect of it in progress.
 */
export async function checkoutsOf(repo: GitRepo, branch: string): Promise<BranchCheckout[]> {
  const ref = `refs/heads/${branch}`;
  const found: BranchCheckout[] = [];
  for (const entry of await listWorktrees(repo)) {
    if (entry.bare || entry.prunable) continue;
    const gitDir = await gitDirOf(repo, entry.path);
    if (gitDir === null) continue;
    if (entry.branch === ref) found.push({ path: entry.path, gitDir, how: 'checked-out' });
    else if ((await firstLine(join(gitDir, 'rebase-merge', 'head-name'))) === ref || (await firstLine(join(gitDir, 'rebase-apply', 'head-name'))) === ref) {
      found.push({ path: entry.path, gitDir, how: 'rebasing' });
    } else if ((await firstLine(join(gitDir, 'BISECT_START'))) === branch) {
      found.push({ path: entry.path, gitDir, how: 'bisecting' });
    }
  }
  return found;
}

/** The git folder of a checkout: the common `.git` for the main one, `gitdir:` of its `.git` file for a linked one. */
async function gitDirOf(repo: GitRepo, checkout: string): Promise<string | null> {
  const dotGit = join(checkout, '.git');
  const pointer = await firstLine(dotGit);
  if (pointer === null) return resolve(checkout) === resolve(repo.root) ? repo.commonDir : null;
  if (!pointer.startsWith('gitdir: ')) return null;
  const target = pointer.slice('gitdir: '.length);
  return isAbsolute(target) ? target : resolve(checkout, target);
}

/** The first line of a small file, or null when it does not exist (or is a folder). */
export async function firstLine(path: string): Promise<string | null> {
  try {
    return (await readFile(path, 'utf8')).split('\n')[0]?.trim() ?? '';
  } catch (error) {
    if (['ENOENT', 'ENOTDIR', 'EISDIR'].includes(errnoCode(error) ?? '')) return null;
    throw error;
  }
}
