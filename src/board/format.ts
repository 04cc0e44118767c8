import type { BoardProblem } from './types.js';

/** `BOARD.md:12:3: T-4: status must be …`, the form editors and terminals link to. */
export function formatProblem(boardPath: string, problem: BoardProblem): string {
  return `${boardPath}:${problem.line}:${problem.column}: ${problem.message}`;
}
