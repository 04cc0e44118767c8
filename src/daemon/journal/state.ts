import type { OwnedFields, TaskRow, TaskStatus } from '../../board/types.js';
import type { JournalRecord } from './records.js';

/** Where a task stands, folded from its journal. */
export interface TaskFacts {
  /** none: never dispatched; active: an attempt or its merge is under way; finished: ended with `finished`. */
  phase: 'none' | 'active' | 'finished';
  attempt: number;
  rung: string | null;
  /** The row as it was at the last dispatch. */
  row: TaskRow | null;
  worktree: string | null;
  branch: string | null;
  base: string | null;
  /** The last checkpoint of the current attempt, null before its first completed turn. */
  checkpoint: unknown;
  /** Agent process groups that started and were not seen to end. */
  liveGroups: Array<{ pgid: number; token: string }>;
  lastAttempt: { exit: string; mergeable: boolean; head: string; message: string; cycles: number; commitBody: string } | null;
  merge: { state: 'none' | 'merging' | 'waiting' | 'conflict' | 'merged'; sha?: string; files?: string[]; resolveUsed: boolean; head?: string };
  finished: { status: TaskStatus; exitStatus: string; error: string | null } | null;
  /** The ccx-owned fields ccx last wrote to the row. */
  board: OwnedFields;
  costUsd: number;
}

export function emptyFacts(): TaskFacts {
  return { phase: 'none', attempt: 0, rung: null, row: null, worktree: null, branch: null, base: null, checkpoint: null, liveGroups: [], lastAttempt: null, merge: { state: 'none', resolveUsed: false }, finished: null, board: {}, costUsd: 0 };
}

export function foldJournal(records: readonly JournalRecord[]): TaskFacts {
  const facts = emptyFacts();
  for (const record of records) apply(facts, record);
  return facts;
}

function apply(facts: TaskFacts, record: JournalRecord): void {
  switch (record.type) {
    case 'dispatched':
      Object.assign(facts, { phase: 'active', attempt: record.attempt, rung: record.rung, row: record.row ?? facts.row, worktree: record.worktree, branch: record.branch, base: record.base, checkpoint: null, lastAttempt: null, finished: null });
      facts.merge = { state: 'none', resolveUsed: false };
      break;
    case 'board':
      facts.board = { ...facts.board, ...record.fields };
      break;
    case 'checkpoint':
      if (record.attempt === facts.attempt) facts.checkpoint = record.checkpoint;
      break;
    case 'group':
      facts.liveGroups.push({ pgid: record.pgid, token: record.token });
      break;
    case 'group-ended':
      facts.liveGroups = facts.liveGroups.filter((group) => group.pgid !== record.pgid);
      break;
    case 'attempt-ended':
      facts.lastAttempt = { exit: record.exit, mergeable: record.mergeable, head: record.head, message: record.message, cycles: record.cycles, commitBody: record.commitBody };
      facts.costUsd += record.costUsd;
      facts.checkpoint = null;
      break;
    case 'merging':
      facts.merge = { ...facts.merge, state: 'merging', head: record.head };
      break;
    case 'merge-waiting':
      facts.merge = { ...facts.merge, state: 'waiting', files: record.files };
      break;
    case 'conflict':
      facts.merge = { ...facts.merge, state: 'conflict', files: record.files };
      break;
    case 'resolved':
      facts.merge = { ...facts.merge, state: 'none', resolveUsed: true, head: record.head };
      if (facts.lastAttempt !== null) facts.lastAttempt = { ...facts.lastAttempt, head: record.head, mergeable: record.mergeable };
      break;
    case 'merged':
      facts.merge = { ...facts.merge, state: 'merged', sha: record.sha };
      break;
    case 'finished':
      facts.phase = 'finished';
      facts.finished = { status: record.status, exitStatus: record.exitStatus, error: record.error };
      facts.liveGroups = [];
      break;
    case 'retry':
      facts.phase = 'none';
      facts.finished = null;
      break;
  }
}
