import type { ParsedBoard } from './parse/board.js';

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
  const bad = board.rows.filter((row) => [...row.scope.include, ...row.scope.exclude].some((spec) => (verdicts.get(spec) ?? null) !== null));
  if (bad.length === 0) return board;
  const problems = [...board.problems];
  for (const row of bad) {
    for (const spec of [...row.scope.include, ...row.scope.exclude]) {
      const complaint = verdicts.get(spec) ?? null;
      if (complaint === null) continue;
      const position = board.scopePositions.get(row.id) ?? row.position;
      problems.push({ ...position, level: 'row', task: row.id, message: `${row.id}: git rejects the scope pathspec ${JSON.stringify(spec)}: ${complaint}` });
    }
  }
  problems.sort((a, b) => a.line - b.line || a.column - b.column);
  const badIds = new Set(bad.map((row) => row.id));
  const rowLayouts = new Map([...board.rowLayouts].filter(([id]) => !badIds.has(id)));
  return { ...board, rows: board.rows.filter((row) => !badIds.has(row.id)), rowLayouts, problems };
}
