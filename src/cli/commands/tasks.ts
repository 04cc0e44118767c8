import { formatProblem, TASK_STATUSES, type BoardProblem, type ParsedBoard, type TaskRow } from '../../board/index.js';
import { readFile } from 'node:fs/promises';
import { readArchives } from '../../archive/archive.js';
import { orphanBriefs } from '../../brief/ids.js';
import { UsageError } from '../../errors.js';
import { scopeMeaningNotices, type ScopeMeaningNotice } from '../../git/scope/default-meaning.js';
import type { WaitingTaskStatus } from '../../status/types.js';
import { draftWaits } from '../../scheduler/draft-dependencies.js';
import { describeTaskWait, taskWaits } from '../../status/waits.js';
import { readBoardAndLadder } from '../board-access.js';
import { booleanOption, stringOption, type Command } from '../command.js';
import { initialisedContext } from '../context.js';
import { printable } from '../../text/printable.js';

export const tasks: Command = {
  usage: 'ccx tasks [--status S] [--json] [--all]',
  details: `Reads BOARD.md and lists its rows, then every brief in tasks/ that no row names (ORPHAN, as
ccx-loop calls it; shown without --status). A row with a problem (a missing title, an unknown status,
a dependency cycle, a scope git rejects, …) is listed with the problem and skipped by the daemon.
A problem with the whole file (YAML that does not parse, no ## Tasks block, …) makes ccx tasks
print every problem with its line:column and exit 1.

Options:
  --status S   only rows with this status (${TASK_STATUSES.join(', ')})
  --all        also the rows \`ccx archive\` moved to STATE_DIR/archive/ (each with "archived": its file)
  --json       an array of rows: every field (defaults filled in) plus "problems" and "notices"
               (a scope whose meaning differs from ccx-loop's, which is not a problem). When the file
               itself has problems: {"problems": [...]} and exit 1.`,
  options: { status: { type: 'string' }, json: { type: 'boolean' }, all: { type: 'boolean' } },
  positionals: { min: 0, max: 0 },
  async run({ values, io }) {
    const status = stringOption(values, 'status');
    if (status !== undefined && !(TASK_STATUSES as readonly string[]).includes(status)) {
      throw new UsageError(`--status must be one of ${TASK_STATUSES.join(', ')}, but it is ${JSON.stringify(status)}.`);
    }
    const context = await initialisedContext(io, { readOnly: true });
    const { board, ladder } = await readBoardAndLadder(context);
    const json = booleanOption(values, 'json');
    if (!board.valid) {
      const problems = board.problems.map(problemJson);
      if (json) io.stdout(`${JSON.stringify({ problems }, null, 2)}\n`);
      for (const problem of board.problems) io.stderr(`${formatProblem(context.paths.board, problem)}\n`);
      io.stderr('BOARD.md cannot be read as a whole, so nothing new is dispatched from it until it is fixed.\n');
      return 1;
    }
    const waits = await taskWaits(context.paths.stateDir, await liveWaits(context.paths.statusJson));
    const listed = listedRows(board, ladder.defaultStart);
    if (booleanOption(values, 'all')) listed.push(...(await archivedRows(context.paths.archive, new Set(listed.map((row) => row.fields['id'])), ladder.defaultStart)));
    const rows = listed.filter((row) => status === undefined || row.fields['status'] === status);
    const drafts = draftWaits(board.rows);
    for (const row of rows) {
      const wait = waits.get(String(row.fields['id']));
      if (wait !== undefined && row.fields['status'] === 'running') row.fields['waiting'] = describeTaskWait(wait);
      const draft = drafts.get(String(row.fields['id']));
      if (draft !== undefined && row.fields['status'] === 'pending' && row.problems.length === 0) row.fields['waiting'] = draft;
    }
    const orphans = status === undefined ? await orphanBriefs({ tasks: context.paths.tasks, archive: context.paths.archive }, new Set(board.usedNumbers.map((number) => `T-${number}`))) : [];
    const orphanRows = orphans.map((id) => ({ fields: { id, status: ORPHAN, brief: `tasks/${id}.md` }, problems: [] }));
    const listedIds = new Set(rows.map((row) => row.fields['id']));
    const notices = await scopeMeaningNotices(context.repo, board.rows.filter((row) => listedIds.has(row.id)));
    if (json) {
      const noticesOf = (id: unknown) => notices.filter((notice) => notice.task === id).map(noticeJson);
      // Added to each row's own fresh object (rowJson's), last, as the output has always had them.
      const output = [...rows, ...orphanRows].map((row) => Object.assign(row.fields, { problems: row.problems.map(problemJson), notices: noticesOf(row.fields['id']) }));
      io.stdout(`${JSON.stringify(output, null, 2)}\n`);
      return 0;
    }
    io.stdout(table([...rows, ...orphanRows]));
    for (const notice of notices) io.stderr(`notice: ${context.paths.board}:${notice.line}:${notice.column}: ${printable(notice.message)}\n`);
    const rowProblems = board.problems.filter((problem) => problem.level === 'row');
    if (rowProblems.length > 0) {
      io.stderr(`${rowProblems.length} problem${rowProblems.length === 1 ? '' : 's'}: the rows concerned are skipped until fixed.\n`);
      for (const problem of rowProblems) io.stderr(`${formatProblem(context.paths.board, problem)}\n`);
    }
    return 0;
  },
};

/** ccx-loop's word for a brief in tasks/ that no board row (and no archive) names. */
const ORPHAN = 'ORPHAN';

interface ListedRow {
  fields: Record<string, unknown>;
  problems: BoardProblem[];
}

/** Every row of the block in order: valid ones with defaults filled in, skipped ones as written. */
function listedRows(board: ParsedBoard, defaultStart: string): ListedRow[] {
  const valid = new Map(board.rows.map((row) => [row.id, row]));
  const seen = new Set<string>();
  const listed: ListedRow[] = board.rows.map((row) => ({ fields: rowJson(row, defaultStart), problems: [] }));
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
async function archivedRows(archiveDir: string, onBoard: ReadonlySet<unknown>, defaultStart: string): Promise<ListedRow[]> {
  const seen = new Set(onBoard);
  const listed: ListedRow[] = [];
  for (const { file, board } of await readArchives(archiveDir)) {
    for (const row of board.rows) {
      if (seen.has(row.id)) continue;
      seen.add(row.id);
      listed.push({ fields: { ...rowJson(row, defaultStart), archived: file }, problems: [] });
    }
  }
  return listed;
}

/**
 * A row as `tasks --json` prints it: the fields as written, in their order, each with its value as
 * read (defaults filled in), then the fields left out. Built key by key: an object spread with this
 * many keys costs V8 some 50 µs a row, most of `ccx tasks --json` on a 1,000-row board.
 */
function rowJson(row: TaskRow, defaultStart: string): Record<string, unknown> {
  const read: Record<string, unknown> = {
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
    model_start: row.modelStart ?? defaultStart,
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
  const json: Record<string, unknown> = {};
  for (const key of Object.keys(row.fields)) json[key] = Object.hasOwn(read, key) ? read[key] : row.fields[key];
  for (const key of Object.keys(read)) if (!Object.hasOwn(json, key)) json[key] = read[key];
  return json;
}

function noticeJson(notice: ScopeMeaningNotice) {
  return { line: notice.line, column: notice.column, message: notice.message, task: notice.task };
}

function problemJson(problem: BoardProblem) {
  return { line: problem.line, column: problem.column, message: problem.message, task: problem.task, level: problem.level };
}

function table(rows: ListedRow[]): string {
  if (rows.length === 0) return 'No tasks. Add one with `ccx add "<title>"`, or edit BOARD.md (`ccx board`).\n';
  const lines = rows.map((row) => {
    const fields = row.fields;
    const depends = Array.isArray(fields['depends_on']) && fields['depends_on'].length > 0 ? `  (after ${(fields['depends_on'] as string[]).join(', ')})` : '';
    const waiting = typeof fields['waiting'] === 'string' ? `  — ${fields['waiting']}` : '';
    const title = fields['status'] === ORPHAN ? `(a brief, ${String(fields['brief'])}, that no board row names)` : row.problems.length > 0 ? '(skipped: see the problem below)' : `${String(fields['title'])}${depends}${waiting}`;
    // Rows are a person's (or an agent's) text: print them, never let them drive the terminal.
    return [String(fields['id'] ?? '?'), String(fields['status'] ?? '-'), String(fields['priority'] ?? '-'), title].map((cell) => printable(cell));
  });
  const widths = [0, 1, 2].map((column) => Math.max(...[['ID', 'STATUS', 'PRIORITY'], ...lines].map((line) => (line[column] ?? '').length)));
  const format = (line: string[]) => `${line.slice(0, 3).map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ')}  ${line[3] ?? ''}`.trimEnd();
  return `${[format(['ID', 'STATUS', 'PRIORITY', 'TITLE']), ...lines.map(format)].join('\n')}\n`;
}

/** The board-busy waits the running daemon last wrote to status.json (none when it does not run). */
async function liveWaits(statusJson: string): Promise<WaitingTaskStatus[]> {
  try {
    const live = JSON.parse(await readFile(statusJson, 'utf8')) as { daemon?: { stoppedAt?: string }; repo?: { waiting?: WaitingTaskStatus[] } };
    return live.daemon?.stoppedAt === undefined ? (live.repo?.waiting ?? []) : [];
  } catch {
    return [];
  }
}
