import { withLadderFileProblems, withLadderProblems, withPathspecProblems, type ParsedBoard } from '../board/index.js';
import { readLadder } from '../loop/ladder/load.js';
import { BUILT_IN_LADDER } from '../loop/ladder/built-in.js';
import type { Ladder } from '../loop/types.js';
import { BoardStore } from '../board/store/board-store.js';
import { CcxError } from '../errors.js';
import type { RepoContext } from './context.js';
import { gitPathspecValidator } from '../git/scope/validate.js';

/** `cache: false` reads without writing the row cache (`ccx daemon --dry-run` writes nothing). */
export function boardStore(context: RepoContext, options: { cache?: boolean } = {}): BoardStore {
  return new BoardStore({ board: context.paths.board, lock: context.paths.boardLock }, options.cache === false ? {} : { rowCache: context.paths.boardRowCache });
}

/** The board as a command shows it: read, parsed, and every scope checked by git. */
export async function readBoardForCommand(context: RepoContext): Promise<ParsedBoard> {
  return (await readBoardAndLadder(context)).board;
}

/**
 * The board and the model ladder it runs on. A model-ladder.json that does not load is reported as
 * problems of the board (which is then not valid), with the built-in ladder standing in.
 */
export async function readBoardAndLadder(context: RepoContext, options: { cache?: boolean } = {}): Promise<{ board: ParsedBoard; ladder: Ladder }> {
  const read = await boardStore(context, options).read();
  if (read.kind === 'ok') {
    const reading = await readLadder(context.paths.ladder);
    const scoped = await withPathspecProblems(read.board, gitPathspecValidator(context.repo));
    if (!('ladder' in reading)) return { board: withLadderFileProblems(scoped, 'model-ladder.json', reading.problems), ladder: BUILT_IN_LADDER };
    return { board: withLadderProblems(scoped, reading.ladder.tiers.map((tier) => tier.alias)), ladder: reading.ladder };
  }
  if (read.kind === 'missing') throw new CcxError('NOT_INITIALISED', read.message, { hint: 'Run `ccx init` in the repository.' });
  if (read.kind === 'empty') {
    throw new CcxError('BOARD_UNREADABLE', `${context.paths.board} is empty.`, { hint: 'Write a `## Tasks` section with a ```yaml block (see `ccx init`), or restore the file.' });
  }
  throw new CcxError('BOARD_UNREADABLE', read.message, { hint: 'Make BOARD.md a readable file.' });
}
