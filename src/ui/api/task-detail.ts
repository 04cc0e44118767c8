import { join } from 'node:path';
import { scanAuditLog, type AuditRecord } from '../../audit/reader.js';
import { isTaskId } from '../../board/parse/row-fields.js';
import type { ParsedBoard } from '../../board/parse/board.js';
import type { TaskRow } from '../../board/types.js';
import { locateBrief } from '../../brief/location.js';
import { ApiError, notFound } from '../server/api-error.js';
import { costOf, readAttempts } from './attempts.js';
import { taskDiff } from './diff.js';
import { readTextInside } from './files.js';
import type { UiRepo } from './repos.js';
import { rowVersion } from './row-version.js';

/** The task's audit events the page gets at most (the newest). */
export const MAX_TASK_EVENTS = 2_000;

/** The board and one valid row of it: 404 for an id that is not a valid row, 409 when the board cannot be read. */
export async function boardRow(repo: UiRepo, id: string): Promise<{ board: ParsedBoard; row: TaskRow }> {
  if (!isTaskId(id)) throw notFound(`${JSON.stringify(id)} is not a task id; ids look like T-7.`);
  const read = await repo.store.read();
  if (read.kind !== 'ok') throw new ApiError(409, 'BOARD_UNREADABLE', read.message);
  const row = read.board.rows.find((candidate) => candidate.id === id);
  if (row === undefined) throw notFound(`the board of ${repo.key} has no valid row ${id}; GET /api/state lists its tasks.`);
  return { board: read.board, row };
}

/** A row as the API shows it: every field as written, the status as ccx reads it, and its version. */
export function rowView(board: ParsedBoard, row: TaskRow): Record<string, unknown> {
  return { ...row.fields, id: row.id, status: row.status, line: row.position.line, version: rowVersion(board, row.id) };
}

/** GET /api/repos/:key/tasks/:id. */
export async function taskDetail(repo: UiRepo, id: string): Promise<Record<string, unknown>> {
  const { board, row } = await boardRow(repo, id);
  const stateDir = repo.paths.stateDir;
  const briefPath = await locateBrief(stateDir, repo.config.repo, row);
  const [brief, handoff, ledger, attempts, diff, events] = await Promise.all([
    readTextInside(stateDir, briefPath),
    readTextInside(stateDir, join(repo.paths.runDir(id), '.handoff.md')),
    readTextInside(stateDir, join(repo.paths.runDir(id), 'ledger.json')),
    readAttempts(stateDir, id),
    taskDiff(repo.config.repo, repo.config.integration, row),
    taskEvents(repo.paths.audit, id),
  ]);
  return {
    repo: repo.key,
    row: rowView(board, row),
    brief: brief?.text ?? null,
    attempts,
    cost_usd: costOf(ledger?.text),
    diff,
    handoff: handoff?.text ?? null,
    events,
  };
}

async function taskEvents(auditPath: string, id: string): Promise<Array<AuditRecord & { offset: number }>> {
  const events: Array<AuditRecord & { offset: number }> = [];
  await scanAuditLog(auditPath, { task: id }, (record, place) => {
    events.push({ ...record, offset: place.offset });
    if (events.length > MAX_TASK_EVENTS) events.shift();
  });
  return events;
}
