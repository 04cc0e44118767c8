import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, linkSync, lstatSync, openSync, readFileSync, renameSync, unlinkSync, type BigIntStats } from 'node:fs';
import { errnoCode } from '../../errors.js';
import { hashBoard } from '../parse/board.js';

export type SwapOutcome = 'swapped' | 'raced' | 'stale' | 'restored';

/**
 * Puts `candidate` in place of `target` only if `target` still holds `expectedHash`.
 *
 * A plain rename cannot tell whether a save landed between the last check and the rename. Here the
 * old file is first renamed aside (which captures whatever inode is current), then the candidate is
 * hard-linked in (which fails if a save created a new file meanwhile: theirs wins). Then the file
 * set aside is compared with what was checked, by inode, size and nanosecond mtime: if a person
 * wrote into it in place meanwhile, their inode goes back (the inode itself, so a write still in
 * flight lands too) and the caller redoes its edit on their text.
 *
 * It is all synchronous on purpose: no other work of this process runs between the check and the
 * swap, so the moment in which another reader could see the candidate instead of a save that just
 * landed is a few system calls long.
 */
export function swapIfUnchanged(target: string, candidate: string, expectedHash: string): SwapOutcome {
  const checked = readWithIdentity(target);
  if (checked === null || hashBoard(checked.bytes) !== expectedHash) return 'stale';
  const aside = asidePath(target);
  if (!renameIfPresent(target, aside)) return 'raced';
  let linked: boolean;
  try {
    linked = linkIfAbsent(candidate, target);
  } catch (error) {
    // Could not put ours in: the old file goes back where it was (unless a save put a new one there).
    if (linkIfAbsent(aside, target)) unlinkQuietly(aside);
    throw error;
  }
  if (!linked) {
    // A save created a new file while the old one was aside: it is the newest, and it stays.
    unlinkQuietly(aside);
    return 'raced';
  }
  if (sameVersion(lstatSync(aside, { bigint: true }), checked.stat)) {
    unlinkSync(aside);
    return 'swapped';
  }
  putBack(target, aside, fstatIdentity(candidate));
  return 'restored';
}

/**
 * Puts the person's displaced file back in place of ours. If what is at the target by now is not
 * ours either, it is a newer save of theirs (it replaced ours after the swap): that one stays.
 */
function putBack(target: string, displaced: string, ours: BigIntStats): void {
  const taken = asidePath(target);
  const moved = renameIfPresent(target, taken);
  const linked = linkIfAbsent(displaced, target);
  unlinkQuietly(displaced);
  if (!moved) return;
  if (!linked || sameInode(lstatSync(taken, { bigint: true }), ours)) {
    // Ours went aside: drop it. (Or a save created a new file meanwhile, which is the newest.)
    unlinkQuietly(taken);
    return;
  }
  // What went aside was a save newer than the displaced one: it goes back, and the older one goes.
  const older = asidePath(target);
  if (renameIfPresent(target, older) && linkIfAbsent(taken, target)) unlinkQuietly(older);
  unlinkQuietly(taken);
}

function readWithIdentity(path: string): { bytes: Buffer; stat: BigIntStats } | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return null;
    throw error;
  }
  try {
    const before = fstatSync(fd, { bigint: true });
    const bytes = readFileSync(fd);
    const after = fstatSync(fd, { bigint: true });
    return sameVersion(before, after) ? { bytes, stat: after } : null;
  } finally {
    closeSync(fd);
  }
}

function fstatIdentity(path: string): BigIntStats {
  return lstatSync(path, { bigint: true });
}

function sameInode(a: BigIntStats, b: BigIntStats): boolean {
  return a.ino === b.ino && a.dev === b.dev;
}

/** The same file, unchanged: an in-place save changes size or mtime (nanoseconds). */
function sameVersion(a: BigIntStats, b: BigIntStats): boolean {
  return sameInode(a, b) && a.size === b.size && a.mtimeNs === b.mtimeNs;
}

function renameIfPresent(from: string, to: string): boolean {
  try {
    renameSync(from, to);
    return true;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return false;
    throw error;
  }
}

function linkIfAbsent(source: string, target: string): boolean {
  try {
    linkSync(source, target);
    return true;
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') return false;
    throw error;
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}

function asidePath(target: string): string {
  return `${target}.ccx-aside-${process.pid}-${randomBytes(4).toString('hex')}`;
}
