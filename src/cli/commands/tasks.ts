import { formatProblem, TASK_STATUSES, type BoardProblem, type ParsedBoard, type TaskRow } from '../../board/index.js';
import { readArchives } from '../../archive/archive.js';
import { UsageError } from '../../errors.js';
import { readBoardForCommand } from '../board-access.js';
import { booleanOption, stringOption, type Command } from '../command.js';
import { initialisedContext } from '../context.js';

export const tasks: Command = {
  usage: 'ccx tasks [--status S] [--json] [--all]',
  details: `Reads BOARD.md and lists its rows. A row with a problem (a missing title, an unknown status,
a dependency cycle, a scope git rejects, …) is listed with the problem and skipped by the daemon.
A problem with the whole file (YAML that does not parse, no ## Tasks block, …) makes ccx tasks
print every problem with its line:column and exit 1.

Options:
  --status S   only rows with this status (${TASK_STATUSES.join(', ')})
  --all        also the rows \`ccx archive\` moved to STATE_DIR/archive/ (each with "archived": its file)
  --json       an array of rows: every field (defaults filled in) plus "problems". When the file
               itself has problems: {"problems": [...]} and exit 1.`,
  options: { status: { type: 'string' }, json: { type: 'boolean' }, all: { type: 'boolean' } },
  positionals: { min: 0, max: 0 },
  async run({ values, io }) {
    const status = stringOption(values, 'status');
    if (status !== undefined && !(TASK_STATUSES as readonly string[]).includes(status)) {
      throw new UsageError(`--status must be one of ${TASK_STATUSES.join(', ')}, but it is ${JSON.stringify(status)}.`);
    }
    const context = await initialisedContext(io);
    const board = await readBoardForCommand(context);
    const json = booleanOption(values, 'json');
    if (!board.valid) {
      const problems = board.problems.map(problemJson);
      if (json) io.stdout(`${JSON.stringify({ problems }, null, 2)}\n`);
      for (const problem of board.problems) io.stderr(`${formatProblem(context.paths.board, problem)}\n`);
      io.stderr('BOARD.md cannot be read as a whole, so nothing new is dispatched from it until it is fixed.\n');
      return 1;
    }
    const listed = listedRows(board);
    if (booleanOption(values, 'all')) listed.push(...(await archivedRows(context.paths.archive, new Set(listed.map((row) => row.fields['id'])))));
    const rows = listed.filter((row) => status === undefined || row.fields['status'] === status);
    if (json) {
      io.stdout(`${JSON.stringify(rows.map((row) => ({ ...row.fields, problems: row.problems.map(problemJson) })), null, 2)}\n`);
      return 0;
    }
    io.stdout(table(rows));
    const rowProblems = board.problems.filter((problem) => problem.level === 'row');
    if (rowProblems.length > 0) {
      io.stderr(`${rowProblems.length} problem${rowProblems.length === 1 ? '' : 's'}: the rows concerned are skipped until fixed.\n`);
      for (const problem of rowProblems) io.stderr(`${formatProblem(context.paths.board, problem)}\n`);
    }
    return 0;
  },
};

interface ListedRow {
  fields: Record<string, unknown>;
  problems: BoardProblem[];
}

/** Every row of the block in order: valid ones with defaults filled in, skipped ones as written. */
function listedRows(board: ParsedBoard): ListedRow[] {
  const valid = new Map(board.rows.map((row) => [row.id, row]));
  const seen = new Set<string>();
  const listed: ListedRow[] = board.rows.map((row) => ({ fields: rowJson(row), problems: [] }));
  for (const problem of board.problems) {
    if (problem.task !== null && valid.has(problem.task)) continue;
    const key = problem.task ?? `${problem.line}`;
    if (seen.has(key)) {
      listed.find((row) => row.fields['id'] === problem.task)?.problems.push(problem);
      continue;
    }
    seen.add(key);
    listed.push({ fields: { id: problem.task, status: null, line: problem.line }, problems: [problem] });
  }
  return listed;
}

/** The archived rows, oldest month first; a row still on the board (a move a crash interrupted) is shown once, from the board. */
async function archivedRows(archiveDir: string, onBoard: ReadonlySet<unknown>): Promise<ListedRow[]> {
  const seen = new Set(onBoard);
  const listed: ListedRow[] = [];
  for (const { file, board } of await readArchives(archiveDir)) {
    for (const row of board.rows) {
      if (seen.has(row.id)) continue;
      seen.add(row.id);
      listed.push({ fields: { ...rowJson(row), archived: file }, problems: [] });
    }
  }
  return listed;
}

function rowJson(row: TaskRow): Record<string, unknown> {
  return {
    ...row.fields,
    id: row.id,
    title: row.title,
    scope: row.scope,
    status: row.status,
    priority: row.priority,
    depends_on: row.dependsOn,
    brief: row.brief,
    mode: row.mode,
    loops: row.loops,
    max_cycles: row.maxCycles,
    min_severity: row.minSeverity,
    min_confidence: row.minConfidence,
    model_start: row.modelStart,
    max_cost_usd: row.maxCostUsd,
    codex_first: row.codexFirst,
    attempts: row.attempts,
    worktree: row.worktree,
    branch: row.branch,
    worker_pid: row.workerPid,
    started_at: row.startedAt,
    finished_at: row.finishedAt,
    exit_status: row.exitStatus,
    commit: row.commit,
    error: row.error,
    notes: row.notes,
    line: row.position.line,
  };
}

function problemJson(problem: BoardProblem) {
  return { line: problem.line, column: problem.column, message: problem.message, task: problem.task, level: problem.level };
}

function table(rows: ListedRow[]): string {
  if (rows.length === 0) return 'No tasks. Add one with `ccx add "<title>"`, or edit BOARD.md (`ccx board`).\n';
  const lines = rows.map((row) => {
    const fields = row.fields;
    const depends = Array.isArray(fields['depends_on']) && fields['depends_on'].length > 0 ? `  (after ${(fields['depends_on'] as string[]).join(', ')})` : '';
    const title = row.problems.length > 0 ? '(skipped: see the problem below)' : `${String(fields['title'])}${depends}`;
    return [String(fields['id'] ?? '?'), String(fields['status'] ?? '-'), String(fields['priority'] ?? '-'), title];
  });
  const widths = [0, 1, 2].map((column) => Math.max(...[['ID', 'STATUS', 'PRIORITY'], ...lines].map((line) => (line[column] ?? '').length)));
  const format = (line: string[]) => `${line.slice(0, 3).map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ')}  ${line[3] ?? ''}`.trimEnd();
  return `${[format(['ID', 'STATUS', 'PRIORITY', 'TITLE']), ...lines.map(format)].join('\n')}\n`;
}
