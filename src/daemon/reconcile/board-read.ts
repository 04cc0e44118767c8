import type { ParsedBoard } from '../../board/parse/board.js';
import { withPathspecProblems } from '../../board/pathspecs.js';
import { withLadderFileProblems, withLadderProblems } from '../../board/skip-rows.js';
import { gitPathspecValidator } from '../../git/scope/validate.js';
import { scopeMeaningNotices } from '../../git/scope/default-meaning.js';
import type { RepoRuntime } from '../runtime/repo-runtime.js';

const checked = new WeakMap<RepoRuntime, { hash: string; board: ParsedBoard }>();

/**
 * The board as the daemon acts on it: read stably, scopes checked by git (once per content), and
 * its validity tracked for STATUS.md and the audit log. An empty or missing board is transient
 * (an editor mid-save): running tasks go on and nothing new is dispatched until it reads again.
 */
export async function readBoardForDaemon(runtime: RepoRuntime): Promise<ParsedBoard | null> {
  const read = await runtime.store.read();
  if (read.kind !== 'ok') {
    runtime.latest = { ...runtime.latest, note: read.kind === 'empty' ? 'BOARD.md is empty (an editor mid-save?): the last good board stays in force' : read.message };
    return null;
  }
  const cached = checked.get(runtime);
  const scoped = cached?.hash === read.board.hash ? cached.board : await withPathspecProblems(read.board, gitPathspecValidator(runtime.repo));
  // Once per board content: a notice only informs STATUS.md, and a failing git call must not stop dispatch.
  if (cached?.hash !== read.board.hash) runtime.notices = scoped.valid ? await scopeMeaningNotices(runtime.repo, scoped.rows).catch(() => []) : [];
  checked.set(runtime, { hash: read.board.hash, board: scoped });
  const laddered = withLadderProblems(scoped, runtime.ladder.tiers.map((tier) => tier.alias));
  const board = withLadderFileProblems(laddered, 'model-ladder.json', runtime.ladderProblems);
  const changed = board.valid !== runtime.latest.valid || problemsKey(board) !== problemsKey(runtime.latest);
  runtime.latest = { valid: board.valid, problems: board.problems, note: null };
  if (board.valid) runtime.board = board;
  if (changed) {
    if (board.valid) runtime.audit.write('board.valid', { rows: board.rows.length, skipped: new Set(board.problems.map((problem) => problem.task)).size });
    else runtime.audit.write('board.invalid', { problems: board.problems.length, messages: board.problems.map((problem) => `${problem.line}:${problem.column}: ${problem.message}`) });
  }
  return board;
}

function problemsKey(board: { problems: ParsedBoard['problems'] }): string {
  return board.problems.map((problem) => `${problem.line}:${problem.column}:${problem.message}`).join('\n');
}
