import type { BoardProblem } from './types.js';
import { printable } from '../text/printable.js';

/** `BOARD.md:12:3: T-4: status must be …`, the form editors and terminals link to. */
export function formatProblem(boardPath: string, problem: BoardProblem): string {
  return `${printable(boardPath)}:${problem.line}:${problem.column}: ${printable(problem.message, { multiline: true })}`;
}
