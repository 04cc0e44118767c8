import type { ParsedBoard } from './parse/board.js';
import { skipRows } from './skip-rows.js';

/** git's verdict on each scope entry: null when git accepts the pathspec, else git's own complaint. */
export type PathspecValidator = (pathspecs: readonly string[]) => Promise<ReadonlyMap<string, string | null>>;

/**
 * The board with every row whose scope git rejects turned into a row problem (SPEC 3: "invalid
 * pathspec" skips the row). Checking needs the repository, so it is a step after parsing.
 */
export async function withPathspecProblems(board: ParsedBoard, validate: PathspecValidator): Promise<ParsedBoard> {
  const pathspecs = [...new Set(board.rows.flatMap((row) => [...row.scope.include, ...row.scope.exclude]))];
  if (pathspecs.length === 0) return board;
  const verdicts = await validate(pathspecs);
  const problems = board.rows.flatMap((row) =>
    [...row.scope.include, ...row.scope.exclude].flatMap((spec) => {
      const complaint = verdicts.get(spec) ?? null;
      if (complaint === null) return [];
      const position = board.scopePositions.get(row.id) ?? row.position;
      return [{ ...position, level: 'row' as const, task: row.id, message: `${row.id}: git rejects the scope pathspec ${JSON.stringify(spec)}: ${complaint}` }];
    }),
  );
  return skipRows(board, problems);
}
