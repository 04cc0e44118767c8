import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, linkSync, lstatSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, type BigIntStats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { errnoCode } from '../../errors.js';
import { crashPoint } from '../../fs/crash-point.js';
import { escapeForPattern, writerMayBeAlive } from '../../fs/leftovers.js';
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
  crashPoint('board-swap:aside');
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
    crashPoint('board-swap:raced');
    unlinkQuietly(aside);
    return 'raced';
  }
  crashPoint('board-swap:linked');
  if (sameVersion(lstatSync(aside, { bigint: true }), checked.stat)) {
    unlinkSync(aside);
    crashPoint('board-swap:aside-removed');
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
  crashPoint('board-swap:put-back:taken');
  const linked = linkIfAbsent(displaced, target);
  crashPoint('board-swap:put-back:linked');
  unlinkQuietly(displaced);
  crashPoint('board-swap:put-back:displaced-removed');
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

/** `BOARD.md.ccx-aside-<pid>-<hex>`: the name carries the writer's pid, so a dead writer's copy is known as such. */
function asidePath(target: string): string {
  return `${target}.ccx-aside-${process.pid}-${randomBytes(4).toString('hex')}`;
}

export interface BoardRecovery {
  /** A set-aside copy was linked back as the board (it was missing). */
  restored: boolean;
  /** A writer that is still alive has the board aside right now: it puts it back itself. */
  busy: boolean;
  /** Set-aside copies and temp files of dead writers that were removed. */
  removed: string[];
  /** Set-aside copies kept because ccx cannot prove the board holds everything in them. */
  kept: string[];
}

interface Leftover {
  path: string;
  pid: number;
  alive: boolean;
  stat: BigIntStats;
}

/**
 * Repairs what a writer killed inside the swap left beside `target` (the board's real file). When
 * the board is missing and a dead writer's set-aside copy exists, that copy goes back (the
 * person's own, preferred over one that is ccx's candidate; else the newest). When the board
 * exists, a dead writer's copy is removed if the board supersedes it (it is the board itself, or
 * ccx's own candidate, or older than a board that is ccx's candidate) or the writer's candidate
 * does (its temp file is no older than the copy, even after the person saved a new board), goes
 * back if it is newer than a board that is ccx's candidate (a save that landed in it mid-swap),
 * and is kept otherwise (a board the person made anew meanwhile is never replaced). Dead writers' temp
 * files go last. Nothing of a live writer is touched. Every step is a link-if-absent, a rename or
 * an unlink that a second run (after a second crash) takes up where the first stopped.
 */
export function recoverBoardFiles(target: string): BoardRecovery {
  const result: BoardRecovery = { restored: false, busy: false, removed: [], kept: [] };
  const folder = dirname(target);
  const name = escapeForPattern(basename(target));
  let board = statOrNull(target);
  const asides = leftovers(folder, new RegExp(`^${name}\\.ccx-aside-(\\d+)-[0-9a-f]+$`));
  const temps = leftovers(folder, new RegExp(`^\\.${name}\\.ccx-(\\d+)-[0-9a-f]+\\.tmp$`));
  const isCandidate = (stat: BigIntStats) => temps.some((temp) => sameInode(temp.stat, stat));
  if (board === null) {
    if (asides.some((aside) => aside.alive)) return { ...result, busy: true };
    const newestFirst = asides.filter((aside) => !aside.alive).sort((a, b) => Number(isCandidate(a.stat)) - Number(isCandidate(b.stat)) || (b.stat.mtimeNs > a.stat.mtimeNs ? 1 : b.stat.mtimeNs < a.stat.mtimeNs ? -1 : 0));
    const chosen = newestFirst[0];
    if (chosen !== undefined && linkIfAbsent(chosen.path, target)) {
      result.restored = true;
      crashPoint('board-restore:linked');
    }
    board = statOrNull(target);
  }
  if (board === null) return result;
  const boardIsCandidate = isCandidate(board);
  // The writer's own candidate (its temp file, still there) was made from the copy it set aside: a copy
  // no newer than it holds nothing the candidate did not, whatever the person saved since.
  const supersededByCandidate = (aside: Leftover) => temps.some((temp) => !temp.alive && temp.pid === aside.pid && temp.stat.mtimeNs >= aside.stat.mtimeNs);
  for (const aside of asides) {
    if (aside.alive) continue;
    if (sameInode(aside.stat, board) || isCandidate(aside.stat) || (boardIsCandidate && aside.stat.mtimeNs <= board.mtimeNs) || supersededByCandidate(aside)) {
      unlinkQuietly(aside.path);
      result.removed.push(aside.path);
      crashPoint('board-restore:aside-removed');
    } else if (boardIsCandidate && aside.stat.mtimeNs > board.mtimeNs) {
      putBackNewer(target, aside.path);
      result.removed.push(aside.path);
      board = statOrNull(target) ?? board;
    } else result.kept.push(aside.path);
  }
  for (const temp of temps) {
    if (temp.alive) continue;
    unlinkQuietly(temp.path);
    result.removed.push(temp.path);
    crashPoint('board-restore:temp-removed');
  }
  return result;
}

/** A dead writer's copy newer than the board: a save landed in it while it was aside. It goes back, as in putBack. */
function putBackNewer(target: string, newer: string): void {
  const taken = asidePath(target);
  const moved = renameIfPresent(target, taken);
  crashPoint('board-restore:put-back:taken');
  // Not linked: a save created a new file meanwhile, which is the newest of all.
  linkIfAbsent(newer, target);
  unlinkQuietly(newer);
  if (moved) unlinkQuietly(taken);
}

function leftovers(folder: string, pattern: RegExp): Leftover[] {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  const found: Leftover[] = [];
  for (const entry of names) {
    const match = pattern.exec(entry);
    if (match === null) continue;
    const path = join(folder, entry);
    const stat = statOrNull(path);
    if (stat === null) continue;
    // ctime: when the file got this name (a rename sets it), not when its content was saved.
    found.push({ path, stat, pid: Number(match[1]), alive: writerMayBeAlive(Number(match[1]), Number(stat.ctimeMs)) });
  }
  return found;
}

function statOrNull(path: string): BigIntStats | null {
  try {
    return lstatSync(path, { bigint: true });
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return null;
    throw error;
  }
}
