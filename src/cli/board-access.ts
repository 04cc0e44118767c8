import { withLadderProblems, withPathspecProblems, type ParsedBoard } from '../board/index.js';
import { loadLadder } from '../loop/ladder/load.js';
import { BoardStore } from '../board/store/board-store.js';
import { CcxError } from '../errors.js';
import type { RepoContext } from './context.js';
import { gitPathspecValidator } from './pathspec-validator.js';

export function boardStore(context: RepoContext): BoardStore {
  return new BoardStore({ board: context.paths.board, lock: context.paths.boardLock }, { rowCache: context.paths.boardRowCache });
}

/** The board as a command shows it: read, parsed, and every scope checked by git. */
export async function readBoardForCommand(context: RepoContext): Promise<ParsedBoard> {
  const read = await boardStore(context).read();
  if (read.kind === 'ok') {
    const ladder = await loadLadder(context.paths.ladder);
    return withLadderProblems(await withPathspecProblems(read.board, gitPathspecValidator(context.repo)), ladder.tiers.map((tier) => tier.alias));
  }
  if (read.kind === 'missing') throw new CcxError('NOT_INITIALISED', read.message, { hint: 'Run `ccx init` in the repository.' });
  if (read.kind === 'empty') {
    throw new CcxError('BOARD_UNREADABLE', `${context.paths.board} is empty.`, { hint: 'Write a `## Tasks` section with a ```yaml block (see `ccx init`), or restore the file.' });
  }
  throw new CcxError('BOARD_UNREADABLE', read.message, { hint: 'Make BOARD.md a readable file.' });
}
