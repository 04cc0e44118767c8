import type { OwnedFields, TaskRow, TaskStatus } from '../../board/types.js';

/**
 * One line of a task's run journal (STATE_DIR/runs/T-<n>/journal.jsonl). The journal is the
 * daemon's truth about a task: a restarted daemon reads it to know exactly where every task stands.
 */
export type JournalRecord =
  /** `row`: the task as the board had it, so it can resume even while BOARD.md does not parse. */
  | { type: 'dispatched'; at: string; attempt: number; rung: string; worktree: string; branch: string; base: string; row?: TaskRow }
  /** The ccx-owned fields ccx wrote to (or wants on) the row: what a stale editor buffer is compared with. */
  | { type: 'board'; at: string; fields: OwnedFields }
  | { type: 'checkpoint'; at: string; attempt: number; checkpoint: unknown }
  | { type: 'group'; at: string; attempt: number; pgid: number; token: string }
  | { type: 'group-ended'; at: string; pgid: number }
  | { type: 'attempt-ended'; at: string; attempt: number; exit: string; mergeable: boolean; head: string; costUsd: number; message: string; cycles: number; commitBody: string }
  | { type: 'merging'; at: string; head: string }
  /** Why the merge waits (a person's checkout, the base left the integration branch, a git lock), as STATUS.md says it. */
  | { type: 'merge-waiting'; at: string; reason?: 'dirty-checkout' | 'base-moved' | 'index-lock' | 'board-busy'; note?: string; checkout?: string; files: string[] }
  | { type: 'conflict'; at: string; files: string[] }
  | { type: 'resolved'; at: string; head: string; mergeable: boolean }
  | { type: 'merged'; at: string; sha: string }
  | { type: 'finished'; at: string; status: TaskStatus; exitStatus: string; error: string | null }
  /** A person flipped the finished task back to pending: the next dispatch is a retry. */
  | { type: 'retry'; at: string };

export type JournalRecordType = JournalRecord['type'];
