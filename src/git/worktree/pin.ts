import { lstat, readdir, readFile, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { CcxError, errnoCode } from '../../errors.js';
import { requireNoLinks } from '../../fs/no-follow.js';
import type { GitRepo } from '../run.js';

/** The git dir and work tree every ccx git call for a task worktree is pinned to. */
export interface PinnedWorktree {
  /** `<common .git>/worktrees/<name>`: git's own folder for this worktree (its index, HEAD). */
  gitDir: string;
  workTree: string;
}

/** Admin dirs found so far, by canonical worktree path: found by scanning, never by trusting the worktree's .git file. */
const adminDirs = new Map<string, string>();

/**
 * Checks that `worktree` is still the linked worktree git made for this repository and returns
 * its git dir: the worktree's `.git` file points at an admin dir under the common `.git/worktrees/`,
 * and that admin dir's `gitdir` points back at the worktree. An agent that rewrote the `.git` file
 * (to point ccx at the person's checkout), linked its index to the person's, or removed the
 * worktree gets an error that says so, before any git command runs there.
 */
export async function pinTaskWorktree(repo: GitRepo, worktree: string): Promise<PinnedWorktree> {
  const workTree = resolve(worktree);
  // STATE_DIR/worktrees/T-<n> itself made a link (to the person's own worktree, say) would pass every check below.
  await requireNoLinks(dirname(dirname(workTree)), workTree);
  const canonical = await realpath(workTree).catch((error: unknown) => {
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') throw worktreeRemoved(workTree);
    throw error;
  });
  const dotGit = join(workTree, '.git');
  const pointer = await readPointer(dotGit, workTree);
  const gitDir = await adminDirOf(repo, canonical);
  if (gitDir === null) {
    throw new CcxError('WORKTREE_INVALID', `${workTree} is not a worktree git knows in ${repo.root}: no folder under ${join(repo.commonDir, 'worktrees')} points back at it, so ccx runs no git command there.`, {
      hint: `Remove the folder (ccx clean ${taskOf(workTree) ?? '<id>'}) and set the task to pending to start it afresh.`,
    });
  }
  if ((await canonicalOrSelf(pointer)) !== (await canonicalOrSelf(gitDir))) {
    throw new CcxError('WORKTREE_INVALID', `the .git file of the worktree ${workTree} was rewritten: it points at ${pointer} instead of ${gitDir}, the git folder ccx made for it (an agent changed it, perhaps to reach another checkout); ccx ran no git command there.`, {
      hint: `Put it back (printf 'gitdir: ${gitDir}\\n' > ${dotGit}) and set the task to pending, or remove it with ccx clean ${taskOf(workTree) ?? '<id>'}.`,
    });
  }
  // git writes the index through a link it finds there: one planted to the person's index would be overwritten.
  await requireNoLinks(join(repo.commonDir, 'worktrees'), join(gitDir, 'index'));
  return { gitDir, workTree };
}

/** The `gitdir:` a worktree's `.git` file names; anything but a plain file holding one is an error. */
async function readPointer(dotGit: string, workTree: string): Promise<string> {
  const stats = await lstat(dotGit).catch((error: unknown) => {
    if (errnoCode(error) === 'ENOENT') return null;
    throw error;
  });
  const what = stats === null ? 'is missing' : stats.isSymbolicLink() ? 'is now a symbolic link' : stats.isDirectory() ? 'is now a folder (a repository of its own)' : null;
  const text = what === null ? await readFile(dotGit, 'utf8') : '';
  const match = /^gitdir: (.+)$/m.exec(text);
  if (what !== null || match === null) {
    if (stats === null && !(await lstat(workTree).then((s) => s.isDirectory(), () => false))) throw worktreeRemoved(workTree);
    throw new CcxError('WORKTREE_INVALID', `the .git file of the worktree ${workTree} ${what ?? 'no longer holds a gitdir: line'} (an agent changed it); ccx ran no git command there.`, {
      hint: `Remove the worktree (ccx clean ${taskOf(workTree) ?? '<id>'}) and set the task to pending; its committed turns are kept on its branch.`,
    });
  }
  const target = (match[1] as string).trim();
  return isAbsolute(target) ? target : resolve(workTree, target);
}

/** The admin dir under `.git/worktrees/` whose `gitdir` file points at `<worktree>/.git`, or null. */
async function adminDirOf(repo: GitRepo, canonicalWorktree: string): Promise<string | null> {
  const wanted = join(canonicalWorktree, '.git');
  const cached = adminDirs.get(canonicalWorktree);
  if (cached !== undefined && (await pointsBack(repo, cached, wanted))) return cached;
  adminDirs.delete(canonicalWorktree);
  const root = join(repo.commonDir, 'worktrees');
  const names = await readdir(root).catch(() => [] as string[]);
  for (const name of names) {
    const candidate = join(root, name);
    if (await pointsBack(repo, candidate, wanted)) {
      adminDirs.set(canonicalWorktree, candidate);
      return candidate;
    }
  }
  return null;
}

/** The admin dir's `gitdir` names `wanted`, and its `commondir` is this repository's. */
async function pointsBack(repo: GitRepo, adminDir: string, wanted: string): Promise<boolean> {
  const back = await readFile(join(adminDir, 'gitdir'), 'utf8').catch(() => null);
  if (back === null) return false;
  const target = back.trim();
  if ((await canonicalOrSelf(isAbsolute(target) ? target : resolve(adminDir, target))) !== wanted) return false;
  const common = (await readFile(join(adminDir, 'commondir'), 'utf8').catch(() => '')).trim();
  return common !== '' && (await canonicalOrSelf(isAbsolute(common) ? common : resolve(adminDir, common))) === (await canonicalOrSelf(repo.commonDir));
}

/** A path with the symlinks of its folder resolved (the last part is kept as named, so a planted link shows). */
async function canonicalOrSelf(path: string): Promise<string> {
  const absolute = resolve(path);
  const parent = await realpath(dirname(absolute)).catch(() => dirname(absolute));
  return join(parent, basename(absolute));
}

function worktreeRemoved(workTree: string): CcxError {
  const id = taskOf(workTree);
  return new CcxError('WORKTREE_REMOVED', `the worktree ${workTree} was removed while ${id ?? 'its task'} ran (the folder is gone), so ccx cannot go on with it.`, {
    hint: `Its committed turns are kept on branch ccx/${id ?? '<id>'}: set the task to pending to check it out again and continue.`,
  });
}

function taskOf(workTree: string): string | null {
  const name = basename(workTree);
  return /^[TL]-[0-9]+$/.test(name) ? name : null;
}
