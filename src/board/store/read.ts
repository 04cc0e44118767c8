import { lstat, readlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { CcxError, errnoCode } from '../../errors.js';
import { removeDeadTempFiles } from '../../fs/leftovers.js';
import { readStable, type StableRead } from '../../fs/stable-read.js';
import { recoverBoardFiles, type BoardRecovery } from './swap.js';

export type BoardFileRead = StableRead;

const MAX_LINK_HOPS = 40;
const BUSY_RETRIES = 20;
const BUSY_DELAY_MS = 10;

/** BOARD.md read until two reads agree (see readStable): an empty read is transient, keep the last good board. */
export function readBoardStable(path: string): Promise<BoardFileRead> {
  return readStable(path);
}

/**
 * The board read as readBoardStable does, after repairing what a writer killed inside the swap
 * left (recoverBoardFiles): a missing board whose set-aside copy exists is put back and read; a
 * board a live writer has aside this instant is waited for. With `clean`, a dead writer's leftovers
 * (and any temp file a dead ccx process left in the board's folder) are removed even when the
 * board is there (on a store's first read and on each write).
 * `path` may be a link: the repair happens beside its target.
 */
export async function readBoardRecovering(path: string, options: { clean?: boolean } = {}): Promise<BoardFileRead> {
  let target: string;
  try {
    target = await resolveBoardTarget(path);
  } catch (error) {
    return { kind: 'unreadable', reason: error instanceof Error ? error.message.replace(/\.$/, '') : String(error) };
  }
  if (options.clean === true) {
    recoverQuietly(target);
    // Other temp files of killed ccx processes in the board's own folder (STATE_DIR) go too.
    await removeDeadTempFiles(dirname(path));
  }
  let read = await readStable(target);
  for (let retry = 0; read.kind === 'missing' && retry < BUSY_RETRIES; retry += 1) {
    const recovery = recoverQuietly(target);
    if (!recovery.restored && !recovery.busy) break;
    if (recovery.busy) await new Promise((done) => setTimeout(done, BUSY_DELAY_MS));
    read = await readStable(target);
  }
  return read;
}

/**
 * recoverBoardFiles, for a reader: a folder it cannot list or a file it cannot touch leaves the
 * repair undone, and the read that follows reports what is wrong with the board in its own words.
 */
export function recoverQuietly(target: string): BoardRecovery {
  try {
    return recoverBoardFiles(target);
  } catch {
    return { restored: false, busy: false, removed: [], kept: [] };
  }
}

/**
 * The file a write of BOARD.md goes to: BOARD.md itself, or the end of the chain of symbolic links
 * it is (followed on every write, so a link pointed elsewhere is honoured; the target may be missing).
 */
export async function resolveBoardTarget(path: string): Promise<string> {
  let current = path;
  for (let hop = 0; hop < MAX_LINK_HOPS; hop += 1) {
    try {
      if (!(await lstat(current)).isSymbolicLink()) return current;
    } catch (error) {
      if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return current;
      throw error;
    }
    current = resolve(dirname(current), await readlink(current));
  }
  throw new CcxError('BOARD_UNREADABLE', `${path} is a chain of more than ${MAX_LINK_HOPS} symbolic links (a loop?).`, { hint: 'Point BOARD.md at a file.' });
}

/** Emacs keeps a `.#BOARD.md` link while the person has unsaved edits: ccx does not write then. */
export async function editorLockExists(path: string): Promise<boolean> {
  try {
    await lstat(join(dirname(path), `.#${basename(path)}`));
    return true;
  } catch {
    return false;
  }
}
