import { readdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CcxError, errnoCode } from '../../errors.js';
import { crashPoint } from '../../fs/crash-point.js';
import { ensureDirNoFollow, requireNoLinks } from '../../fs/no-follow.js';
import { requireBranch, resolveRef } from '../repo.js';
import { git, type GitRepo } from '../run.js';
import { taskBranch } from './ids.js';
import { listWorktrees, worktreeAt, type WorktreeEntry } from './list.js';

export interface CreateWorktreeInput {
  id: string;
  /** STATE_DIR/worktrees/T-<n>. */
  path: string;
  /** The branch a new task branch starts from. */
  integration: string;
  /** The exact commit a new task branch starts from (default: the integration head now). */
  startPoint?: string;
}

export interface TaskWorktree {
  id: string;
  path: string;
  branch: string;
  /** The commit the worktree has checked out. */
  head: string;
  /**
   * created: a new branch from the integration head; continued: the branch already existed (a
   * retry) and was checked out again; reused: the worktree was already there on that branch.
   */
  origin: 'created' | 'continued' | 'reused';
}

/** SPEC 6.1: the task's worktree on `ccx/T-<n>`, from the integration head or from the task's existing branch. */
export async function createTaskWorktree(repo: GitRepo, input: CreateWorktreeInput): Promise<TaskWorktree> {
  const branch = taskBranch(input.id);
  // worktrees/ and worktrees/T-<n> are ccx's: a link planted there would have git check the task out elsewhere.
  const stateDir = worktreesParent(input.path);
  await requireNoLinks(stateDir, input.path);
  const ref = `refs/heads/${branch}`;
  let entries = await listWorktrees(repo);
  if (entries.some((entry) => entry.prunable)) {
    await git(repo, ['worktree', 'prune'], { cwd: repo.root });
    entries = await listWorktrees(repo);
  }
  const registered = await worktreeAt(entries, input.path);
  if (registered !== undefined) {
    if (registered.branch === ref && registered.head !== null) return { id: input.id, path: input.path, branch, head: registered.head, origin: 'reused' };
    throw wrongBranch(input.path, registered, branch);
  }
  const elsewhere = entries.find((entry) => entry.branch === ref);
  if (elsewhere !== undefined) {
    throw new CcxError('WORKTREE_INVALID', `branch ${branch} is already checked out in ${elsewhere.path}, so it cannot also be checked out in ${input.path}.`, {
      hint: `Remove that worktree (git worktree remove ${elsewhere.path}) and retry the task.`,
    });
  }
  await requireAbsentOrEmpty(repo, input.path);
  await ensureDirNoFollow(stateDir, dirname(input.path));
  const existing = await resolveRef(repo, ref);
  crashPoint('git:worktree-add:before');
  if (existing !== null) {
    await git(repo, ['worktree', 'add', input.path, branch], { cwd: repo.root });
    return { id: input.id, path: input.path, branch, head: existing, origin: 'continued' };
  }
  const base = input.startPoint ?? (await requireBranch(repo, input.integration));
  await git(repo, ['worktree', 'add', '-b', branch, input.path, base], { cwd: repo.root });
  return { id: input.id, path: input.path, branch, head: base, origin: 'created' };
}

/** STATE_DIR of a task worktree path (STATE_DIR/worktrees/T-<n>): the root below which ccx follows no link. */
export function worktreesParent(path: string): string {
  return dirname(dirname(path));
}

/** git itself accepts an empty folder; anything else there is not ours to overwrite. */
async function requireAbsentOrEmpty(repo: GitRepo, path: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(path);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return;
    if (errnoCode(error) !== 'ENOTDIR') throw error;
    names = ['(a file)'];
  }
  if (names.length === 0) return;
  throw new CcxError('WORKTREE_INVALID', `${path} exists but is not a worktree of ${repo.root}.`, {
    hint: `ccx keeps the task's worktree there: move or delete ${path} yourself, then retry the task.`,
  });
}

function wrongBranch(path: string, entry: WorktreeEntry, branch: string): CcxError {
  const found = entry.branch === null ? 'a detached HEAD' : entry.branch.replace(/^refs\/heads\//, 'branch ');
  return new CcxError('WORKTREE_INVALID', `${path} is a worktree on ${found}, expected branch ${branch}.`, {
    hint: `Check out ${branch} there, or remove the worktree (git worktree remove ${path}) and retry the task.`,
  });
}
