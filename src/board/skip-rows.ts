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
    .filter((row) => row.modelStart !== null && !aliases.includes(row.modelStart))
    .map((row) => rowProblem(row, `model_start ${JSON.stringify(row.modelStart ?? '')} is not a rung of the model ladder; the rungs are ${aliases.join(', ')}.`));
  return skipRows(board, problems);
}

/**
 * A model-ladder.json that does not load makes the board invalid as a whole (no row's rung can be
 * known): each of its problems is a file-level problem at the Tasks block, naming the ladder's own
 * line:column.
 */
export function withLadderFileProblems(board: ParsedBoard, ladderPath: string, problems: ReadonlyArray<{ line: number; column: number; message: string }>): ParsedBoard {
  if (problems.length === 0) return board;
  const at = board.lines.position(board.block?.fenceStart ?? 0);
  const added: BoardProblem[] = problems.map((problem) => ({
    ...at,
    level: 'file',
    task: null,
    message: `${problem.line === 0 ? ladderPath : `${ladderPath}:${problem.line}:${problem.column}`}: ${problem.message} (no task is dispatched until model-ladder.json is fixed or removed)`,
  }));
  return { ...board, valid: false, problems: [...board.problems, ...added] };
}
