import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { git, splitNul, type GitRepo } from '../git/run.js';
import { firstLine, type BranchCheckout } from './checkouts.js';

/** Files of the merge that a person's checkout holds local work in, and any operation in progress there. */
export interface LocalBlockers {
  files: string[];
  /** A merge, cherry-pick, revert, rebase or am the person has in progress in that checkout. */
  operation: 'merge' | 'cherry-pick' | 'revert' | 'rebase' | 'am' | null;
}

const OPERATION_FILES: ReadonlyArray<[string, NonNullable<LocalBlockers['operation']>]> = [
  ['MERGE_HEAD', 'merge'],
  ['CHERRY_PICK_HEAD', 'cherry-pick'],
  ['REVERT_HEAD', 'revert'],
  ['rebase-merge/head-name', 'rebase'],
  ['rebase-apply/applying', 'am'],
  ['rebase-apply/head-name', 'rebase'],
];

/**
 * Which paths changed between `from` and `to` the checkout has local changes in (modified,
 * staged, deleted, unmerged, untracked, also an untracked or ignored file where the merge adds
 * one, or in the way of a folder it adds). Read without taking git's optional locks.
 */
export async function localBlockers(repo: GitRepo, checkout: BranchCheckout, from: string, to: string): Promise<LocalBlockers> {
  const operation = await operationInProgress(checkout.gitDir);
  const diff = splitNul((await git(repo, ['diff', '--name-status', '-z', '--no-renames', from, to], { cwd: repo.root, readOnly: true })).stdout);
  const changed = new Map<string, string>();
  for (let i = 0; i + 1 < diff.length; i += 2) changed.set(diff[i + 1] as string, diff[i] as string);
  const status = await git(repo, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames'], { cwd: checkout.path, readOnly: true });
  const local = splitNul(status.stdout).map((entry) => entry.slice(3));
  const blocked = new Set<string>();
  for (const path of changed.keys()) {
    if (local.some((mine) => mine === path || mine.startsWith(`${path}/`) || path.startsWith(`${mine}/`))) blocked.add(path);
  }
  for (const [path, kind] of changed) {
    if (kind === 'A' && !blocked.has(path) && (await inTheWay(checkout.path, path, changed))) blocked.add(path);
  }
  return { files: [...blocked].sort(), operation };
}

/** An added path that already exists on disk, or under a file that is no folder the merge keeps. */
async function inTheWay(root: string, path: string, changed: ReadonlyMap<string, string>): Promise<boolean> {
  const parts = path.split('/');
  for (let depth = 1; depth <= parts.length; depth++) {
    const prefix = parts.slice(0, depth).join('/');
    const stats = await lstat(join(root, prefix)).catch(() => null);
    if (stats === null) return false;
    if (depth === parts.length) return !stats.isDirectory();
    if (!stats.isDirectory()) return changed.get(prefix) !== 'D';
  }
  return false;
}

async function operationInProgress(gitDir: string): Promise<LocalBlockers['operation']> {
  for (const [file, operation] of OPERATION_FILES) if ((await firstLine(join(gitDir, file))) !== null) return operation;
  return null;
}
