import type { ParsedBoard } from './parse/board.js';
import type { BoardProblem, TaskRow } from './types.js';

/**
 * The board with the rows that have `problems` skipped: checks that need more than the file (git
 * for pathspecs, the model ladder for model_start) add row problems after parsing this way.
 */
export function skipRows(board: ParsedBoard, problems: readonly BoardProblem[]): ParsedBoard {
  if (problems.length === 0) return board;
  const skipped = new Set(problems.map((problem) => problem.task));
  const rowLayouts = new Map([...board.rowLayouts].filter(([id]) => !skipped.has(id)));
  const all = [...board.problems, ...problems].sort((a, b) => a.line - b.line || a.column - b.column);
  return { ...board, rows: board.rows.filter((row) => !skipped.has(row.id)), rowLayouts, problems: all };
}

/** A row problem at the row's start. */
export function rowProblem(row: TaskRow, message: string): BoardProblem {
  return { ...row.position, level: 'row', task: row.id, message: `${row.id}: ${message}` };
}

/** Rows whose model_start is not a rung of the model ladder in force. */
export function withLadderProblems(board: ParsedBoard, aliases: readonly string[]): ParsedBoard {
  const problems = board.rows
    .filter((row) => !aliases.includes(row.modelStart))
    .map((row) => rowProblem(row, `model_start ${JSON.stringify(row.modelStart)} is not a rung of the model ladder; the rungs are ${aliases.join(', ')}.`));
  return skipRows(board, problems);
}
