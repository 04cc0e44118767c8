import type { OwnedFields, TaskRow, TaskStatus } from '../../board/types.js';
import type { OpenAsk } from '../../ask/types.js';
import type { JournalRecord, MergeWaitReason } from './records.js';

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
  /** When the current attempt was journalled as dispatched (its task.dispatched is written just after). */
  dispatchedAt: string | null;
  /** The last checkpoint of the current attempt, null before its first completed turn. */
  checkpoint: unknown;
  /** Agent process groups that started and were not seen to end. */
  liveGroups: Array<{ pgid: number; token: string }>;
  lastAttempt: { exit: string; mergeable: boolean; head: string; message: string; cycles: number; commitBody: string } | null;
  merge: { state: 'none' | 'merging' | 'waiting' | 'conflict' | 'merged'; sha?: string; files?: string[]; resolveUsed: boolean; head?: string };
  /** What the merge waits for, while it waits (shown as `waiting: <reason>`). */
  wait: { reason: MergeWaitReason; note: string; checkout: string | null; files: string[]; since: string } | null;
  /** The merged task's worktree and branch were removed. */
  workspaceRemoved: boolean;
  finished: { status: TaskStatus; exitStatus: string; error: string | null; cycles: number | null; commit: string | null; at?: string } | null;
  /** task.finished went to the audit log for this end. */
  announced: boolean;
  /** The last attempt was stopped by the daemon's shutdown (it resumes; it was not cancelled). */
  interrupted: boolean;
  /** The ccx-owned fields ccx wants on the row (written, or still to be written). */
  board: OwnedFields;
  /**
   * The ccx-owned fields BOARD.md last really showed after a ccx write: a stale buffer is judged
   * against these, never against fields the board never held. Journals from before `board-shown`
   * existed use `board`.
   */
  shown: OwnedFields;
  costUsd: number;
  /** SPEC 15: the question waiting for the person, and whether its turn stopped (parked). */
  ask: { open: OpenAsk; parked: boolean } | null;
}

export function emptyFacts(): TaskFacts {
  return { phase: 'none', attempt: 0, rung: null, row: null, worktree: null, branch: null, base: null, dispatchedAt: null, checkpoint: null, liveGroups: [], lastAttempt: null, merge: { state: 'none', resolveUsed: false }, wait: null, workspaceRemoved: false, finished: null, announced: false, interrupted: false, board: {}, shown: {}, costUsd: 0, ask: null };
}

export function foldJournal(records: readonly JournalRecord[]): TaskFacts {
  const facts = emptyFacts();
  const hasShown = records.some((record) => record.type === 'board-shown');
  for (const record of records) {
    apply(facts, record);
    if (!hasShown && record.type === 'board') facts.shown = { ...facts.shown, ...record.fields };
  }
  return facts;
}

function apply(facts: TaskFacts, record: JournalRecord): void {
  switch (record.type) {
    case 'dispatched':
      Object.assign(facts, { phase: 'active', attempt: record.attempt, rung: record.rung, row: record.row ?? facts.row, worktree: record.worktree, branch: record.branch, base: record.base, dispatchedAt: record.at, checkpoint: null, lastAttempt: null, finished: null });
      facts.merge = { state: 'none', resolveUsed: false };
      Object.assign(facts, { wait: null, workspaceRemoved: false, announced: false, interrupted: false, ask: null });
      // The board showed the row as dispatched (a person's retry included): moves are judged from there.
      if (record.row !== undefined) facts.shown = { ...facts.shown, status: record.row.status };
      break;
    case 'board':
      facts.board = { ...facts.board, ...record.fields };
      break;
    case 'board-shown':
      facts.shown = { ...facts.shown, ...record.fields };
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
      facts.interrupted = false;
      break;
    case 'interrupted':
      if (record.attempt === facts.attempt) facts.interrupted = true;
      break;
    case 'merging':
      facts.merge = { ...facts.merge, state: 'merging', head: record.head };
      facts.wait = null;
      break;
    case 'merge-waiting': {
      const reason = record.reason ?? 'dirty-checkout';
      const since = facts.wait?.reason === reason ? facts.wait.since : record.at;
      facts.merge = { ...facts.merge, state: 'waiting', files: record.files };
      facts.wait = { reason, note: record.note ?? '', checkout: record.checkout ?? null, files: record.files, since };
      break;
    }
    case 'conflict':
      facts.merge = { ...facts.merge, state: 'conflict', files: record.files };
      facts.wait = null;
      break;
    case 'resolved':
      facts.wait = null;
      facts.merge = { ...facts.merge, state: 'none', resolveUsed: true, head: record.head };
      if (facts.lastAttempt !== null) facts.lastAttempt = { ...facts.lastAttempt, head: record.head, mergeable: record.mergeable };
      break;
    case 'merged':
      facts.merge = { ...facts.merge, state: 'merged', sha: record.sha };
      facts.wait = null;
      break;
    case 'workspace-removed':
      facts.workspaceRemoved = true;
      break;
    case 'finished':
      facts.phase = 'finished';
      facts.finished = { status: record.status, exitStatus: record.exitStatus, error: record.error, cycles: record.cycles ?? null, commit: record.commit ?? null, at: record.at };
      if (record.fields !== undefined) facts.board = { ...facts.board, ...record.fields };
      facts.liveGroups = [];
      facts.wait = null;
      facts.ask = null;
      // A journal from before `announced` existed: its end was announced, and a merge's workspace removed, before `finished`.
      facts.announced = record.fields === undefined;
      if (record.fields === undefined) facts.workspaceRemoved = true;
      break;
    case 'announced':
      facts.announced = true;
      break;
    case 'asked':
      facts.ask = { open: record.ask, parked: false };
      break;
    case 'ask-parked':
      if (facts.ask?.open.id === record.id) facts.ask = { ...facts.ask, parked: true };
      break;
    case 'answered':
    case 'ask-expired':
      if (record.id === null || facts.ask?.open.id === record.id) facts.ask = null;
      break;
    case 'retry':
      facts.shown = { ...facts.shown, status: 'pending' };
      facts.phase = 'none';
      facts.finished = null;
      facts.announced = false;
      break;
  }
}
