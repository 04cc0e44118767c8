import { realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { git, type GitRepo } from '../run.js';

/** One entry of `git worktree list --porcelain`. */
export interface WorktreeEntry {
  path: string;
  /** The commit checked out, or null for a bare entry or an unborn branch. */
  head: string | null;
  /** Full ref name (`refs/heads/main`), or null when detached or bare. */
  branch: string | null;
  /** Registered, but its folder is gone (`git worktree prune` would drop it). */
  prunable: boolean;
  locked: boolean;
  bare: boolean;
}

export async function listWorktrees(repo: GitRepo): Promise<WorktreeEntry[]> {
  const { stdout } = await git(repo, ['worktree', 'list', '--porcelain', '-z'], { cwd: repo.root, readOnly: true });
  const entries: WorktreeEntry[] = [];
  let current: WorktreeEntry | null = null;
  for (const line of stdout.split('\0')) {
    if (line === '') {
      if (current !== null) entries.push(current);
      current = null;
      continue;
    }
    const space = line.indexOf(' ');
    const key = space < 0 ? line : line.slice(0, space);
    const value = space < 0 ? '' : line.slice(space + 1);
    if (key === 'worktree') current = { path: value, head: null, branch: null, prunable: false, locked: false, bare: false };
    else if (current === null) continue;
    else if (key === 'HEAD') current.head = /^0+$/.test(value) ? null : value;
    else if (key === 'branch') current.branch = value;
    else if (key === 'prunable') current.prunable = true;
    else if (key === 'locked') current.locked = true;
    else if (key === 'bare') current.bare = true;
  }
  if (current !== null) entries.push(current);
  return entries;
}

/**
 * A path in the form git records for worktrees: symlinks resolved (so /tmp and /private/tmp, or a
 * symlinked STATE_DIR, compare equal), for a path that may not exist yet too.
 */
export async function canonicalPath(path: string): Promise<string> {
  const absolute = resolve(path);
  try {
    return await realpath(absolute);
  } catch {
    const parent = dirname(absolute);
    return parent === absolute ? absolute : join(await canonicalPath(parent), basename(absolute));
  }
}

/** The registered worktree at `path`, if any. */
export async function worktreeAt(entries: readonly WorktreeEntry[], path: string): Promise<WorktreeEntry | undefined> {
  const wanted = await canonicalPath(path);
  for (const entry of entries) if ((await canonicalPath(entry.path)) === wanted) return entry;
  return undefined;
}
