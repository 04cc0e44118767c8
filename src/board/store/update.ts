import { unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CcxError } from '../../errors.js';
import { fsyncDir, writeTempFile } from '../../fs/atomic-write.js';
import { hashBoard, type ParsedBoard } from '../parse/board.js';
import { parseBoard } from '../parse/parser.js';
import { withCcxLock } from '../../fs/ccx-lock.js';
import { editorLockExists, readBoardStable } from './read.js';
import { swapIfUnchanged } from './swap.js';

export const MAX_WRITE_ATTEMPTS = 50;

export interface BoardPaths {
  board: string;
  lock: string;
}

/** The new text of the board, or null to leave it as it is. */
export type BoardEdit = (board: ParsedBoard) => string | null;

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
 */
export async function updateBoard(paths: BoardPaths, edit: BoardEdit, parse: (bytes: Buffer) => ParsedBoard = parseBoard): Promise<UpdateResult> {
  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt += 1) {
    const board = await readValid(paths.board, parse);
    const text = edit(board);
    if (text === null || text === board.text) return { changed: false, hash: board.hash, board };
    const candidate = await writeTempFile(paths.board, text);
    const candidateHash = hashBoard(text);
    try {
      const outcome = await withCcxLock(paths.lock, async (lock) => {
        if (await editorLockExists(paths.board)) return 'busy';
        if (lock.compromised) return 'stale';
        return swapIfUnchanged(paths.board, candidate, board.hash);
      });
      if (outcome === 'busy') throw editorBusy(paths.board);
      if (outcome === 'swapped') {
        await fsyncDir(dirname(paths.board));
        return writtenResult(text, candidateHash, parse);
      }
    } finally {
      await unlink(candidate).catch(() => undefined);
    }
  }
  throw new CcxError('BOARD_BUSY', `${paths.board} kept changing while ccx tried to write it (${MAX_WRITE_ATTEMPTS} tries).`, {
    hint: 'ccx will try again on the next change; nothing was lost.',
  });
}

/** The result of a write; parsing what was written waits until someone asks (a big board takes a while). */
function writtenResult(text: string, hash: string, parse: (bytes: Buffer) => ParsedBoard): UpdateResult {
  let parsed: ParsedBoard | undefined;
  return {
    changed: true,
    hash,
    get board() {
      parsed ??= parse(Buffer.from(text, 'utf8'));
      return parsed;
    },
  };
}

/** Reads the board and refuses to go on unless it can be rewritten safely. */
async function readValid(path: string, parse: (bytes: Buffer) => ParsedBoard): Promise<ParsedBoard> {
  if (await editorLockExists(path)) throw editorBusy(path);
  const read = await readBoardStable(path);
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
  return board;
}

function editorBusy(path: string): CcxError {
  return new CcxError('BOARD_BUSY', `${path} is open with unsaved changes in an editor (its .#BOARD.md lock exists), so ccx does not write it now.`, {
    hint: 'Save or close the file in your editor; ccx tries again on the next change.',
  });
}
