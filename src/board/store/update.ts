import { stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CcxError } from '../../errors.js';
import { fsyncDir, writeTempFile } from '../../fs/atomic-write.js';
import { crashPoint } from '../../fs/crash-point.js';
import { applyEditsToBytes, differingRange, NotUtf8Edit, type TextEdit } from '../edit/splice.js';
import { hashBoard, type ParsedBoard } from '../parse/board.js';
import { parseBoard } from '../parse/parser.js';
import { withCcxLock } from '../../fs/ccx-lock.js';
import { editorLockExists, readBoardRecovering, resolveBoardTarget } from './read.js';
import { swapIfUnchanged } from './swap.js';

export const MAX_WRITE_ATTEMPTS = 50;

export interface BoardPaths {
  board: string;
  lock: string;
}

/**
 * The new board for a read one: its whole new text, or the edits that make it (offsets into
 * `board.body`), or null to leave it as it is. Either way only the bytes that changed are
 * written: every other byte of the file, one that is not UTF-8 included, stays as it was.
 */
export type BoardEdit = (board: ParsedBoard) => string | readonly TextEdit[] | null;

export interface UpdateResult {
  changed: boolean;
  /** sha256 of the board as it now stands. */
  hash: string;
  /** The board as it now stands (as written, or as read when nothing changed); parsed on first use. */
  readonly board: ParsedBoard;
}

/**
 * Read, edit, and write BOARD.md by compare-and-swap: the edit is redone on the new text whenever
 * the file changed between the read and the write, so a person's save that lands at any moment wins
 * and the edit is applied on top of it. Refuses (BOARD_BUSY / BOARD_MISSING / BOARD_INVALID /
 * BOARD_UNREADABLE, all retryable later) while an editor holds `.#BOARD.md`, or when the board has a file-level problem.
 *
 * A BOARD.md that is a symbolic link is written through it: the link is resolved on every attempt,
 * and the temp file, the lock and the swap are beside its target; the link itself stays.
 */
export async function updateBoard(paths: BoardPaths, edit: BoardEdit, parse: (bytes: Buffer) => ParsedBoard = parseBoard): Promise<UpdateResult> {
  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt += 1) {
    const target = await resolveBoardTarget(paths.board);
    const { board, bytes } = await readValid(paths.board, target, parse, attempt === 0);
    const next = editedBytes(paths.board, board, bytes, edit(board));
    if (next === null) return { changed: false, hash: board.hash, board };
    const candidate = await writeTempFile(target, next, await modeOf(target));
    crashPoint('board-swap:temp-written');
    const candidateHash = hashBoard(next);
    try {
      const outcome = await withCcxLock(lockFor(paths, target), async (lock) => {
        if (await editorLocked(paths.board, target)) return 'busy';
        if (lock.compromised) return 'stale';
        return swapIfUnchanged(target, candidate, board.hash);
      });
      if (outcome === 'busy') throw editorBusy(paths.board);
      if (outcome === 'swapped') {
        await fsyncDir(dirname(target));
        return writtenResult(next, candidateHash, parse);
      }
    } finally {
      await unlink(candidate).catch(() => undefined);
    }
  }
  throw new CcxError('BOARD_BUSY', `${paths.board} kept changing while ccx tried to write it (${MAX_WRITE_ATTEMPTS} tries).`, {
    hint: 'ccx will try again on the next change; nothing was lost.',
  });
}

/**
 * The board's new bytes: the read bytes with only the edited ranges replaced (null when nothing
 * changes). Refuses an edit that would replace bytes that are not UTF-8: ccx cannot write those back.
 */
function editedBytes(path: string, board: ParsedBoard, bytes: Buffer, edited: string | readonly TextEdit[] | null): Buffer | null {
  if (edited === null) return null;
  const bomLength = board.text.length - board.body.length;
  const edits = typeof edited === 'string' ? [differingRange(board.text, edited)].filter((edit) => edit !== null) : edited.map((edit) => ({ ...edit, start: edit.start + bomLength, end: edit.end + bomLength }));
  if (edits.length === 0) return null;
  try {
    const next = applyEditsToBytes(bytes, board.text, edits);
    return next.equals(bytes) ? null : next;
  } catch (error) {
    if (!(error instanceof NotUtf8Edit)) throw error;
    const at = error.at === null ? null : board.lines.position(Math.max(0, error.at.text - bomLength));
    throw new CcxError('BOARD_UNREADABLE', `${path}${at === null ? '' : `:${at.line}:${at.column}`}: ccx would have to rewrite bytes that are not UTF-8 to make this change, and it never changes a byte it does not own.`, {
      hint: 'Save BOARD.md as UTF-8 (or fix that byte), then try again; nothing was written.',
      cause: error,
    });
  }
}

/** The lock every ccx process takes for this board: beside the target when BOARD.md is a link. */
function lockFor(paths: BoardPaths, target: string): string {
  return target === paths.board ? paths.lock : join(dirname(target), `.${basename(target)}.ccx-lock`);
}

async function editorLocked(board: string, target: string): Promise<boolean> {
  return (await editorLockExists(board)) || (target !== board && (await editorLockExists(target)));
}

/** The mode the board's file has (ours keeps it); 0600 when it cannot be read. */
async function modeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).mode & 0o777;
  } catch {
    return 0o600;
  }
}

/** The result of a write; parsing what was written waits until someone asks (a big board takes a while). */
function writtenResult(bytes: Buffer, hash: string, parse: (bytes: Buffer) => ParsedBoard): UpdateResult {
  let parsed: ParsedBoard | undefined;
  return {
    changed: true,
    hash,
    get board() {
      parsed ??= parse(bytes);
      return parsed;
    },
  };
}

/** Reads the board (restoring a copy a killed writer left aside; on the first attempt removing dead writers' leftovers) and refuses to go on unless it can be rewritten safely. */
async function readValid(path: string, target: string, parse: (bytes: Buffer) => ParsedBoard, clean: boolean): Promise<{ board: ParsedBoard; bytes: Buffer }> {
  if (await editorLocked(path, target)) throw editorBusy(path);
  const read = await readBoardRecovering(path, { clean });
  if (read.kind === 'missing') {
    // Also what a reader sees while an editor saves by "rename to backup, write anew": retry later.
    throw new CcxError('BOARD_MISSING', `${path} does not exist.`, { hint: 'Run `ccx init` in the repository to create it; ccx retries when it appears.' });
  }
  if (read.kind === 'unreadable') throw new CcxError('BOARD_UNREADABLE', `${read.reason}.`, { hint: 'Make BOARD.md a readable file again; ccx retries on the next change.' });
  if (read.kind === 'empty') {
    throw new CcxError('BOARD_BUSY', `${path} is empty (perhaps mid-save).`, { hint: 'ccx keeps the last good board and tries again on the next save.' });
  }
  const board = parse(read.bytes);
  if (!board.valid) {
    const first = board.problems.find((problem) => problem.level === 'file');
    throw new CcxError('BOARD_INVALID', `${path}:${first?.line ?? 1}:${first?.column ?? 1}: ${first?.message ?? 'the board does not parse'}`, {
      hint: 'ccx does not rewrite a board that does not parse; fix it and save, and ccx goes on by itself.',
    });
  }
  return { board, bytes: read.bytes };
}

function editorBusy(path: string): CcxError {
  return new CcxError('BOARD_BUSY', `${path} is open with unsaved changes in an editor (its .#BOARD.md lock exists), so ccx does not write it now.`, {
    hint: 'Save or close the file in your editor; ccx tries again on the next change.',
  });
}
