import type { OpenAsk } from '../../ask/types.js';
import type { OwnedFields, TaskRow, TaskStatus } from '../../board/types.js';

/** Why a merge waits (SPEC 11): each is shown as `waiting: <reason>` until it lands. */
export type MergeWaitReason = 'dirty-checkout' | 'base-moved' | 'index-lock' | 'board-busy';

/**
 * One line of a task's run journal (STATE_DIR/runs/T-<n>/journal.jsonl). The journal is the
 * daemon's truth about a task: a restarted daemon reads it to know exactly where every task stands,
 * and every start and reconcile pass brings the board, git and the file system to it
 * (docs/STATE-MACHINE.md).
 */
export type JournalRecord =
  /** `row`: the task as the board had it, so it can resume even while BOARD.md does not parse, and so a reused id is recognised. */
  | { type: 'dispatched'; at: string; attempt: number; rung: string; worktree: string; branch: string; base: string; row?: TaskRow }
  /** The ccx-owned fields ccx wants on the row (journalled before the write is tried). */
  | { type: 'board'; at: string; fields: OwnedFields }
  /** The ccx-owned fields a write really landed on BOARD.md: what a stale editor buffer is compared with. */
  | { type: 'board-shown'; at: string; fields: OwnedFields }
  | { type: 'checkpoint'; at: string; attempt: number; checkpoint: unknown }
  | { type: 'group'; at: string; attempt: number; pgid: number; token: string }
  | { type: 'group-ended'; at: string; pgid: number }
  | { type: 'attempt-ended'; at: string; attempt: number; exit: string; mergeable: boolean; head: string; costUsd: number; message: string; cycles: number; commitBody: string }
  /** The daemon stopped (SIGTERM/SIGINT) mid-attempt: the attempt resumes from its last checkpoint on the next start. */
  | { type: 'interrupted'; at: string; attempt: number }
  | { type: 'merging'; at: string; head: string }
  | { type: 'merge-waiting'; at: string; reason?: MergeWaitReason; note?: string; checkout?: string; files: string[] }
  | { type: 'conflict'; at: string; files: string[] }
  | { type: 'resolved'; at: string; head: string; mergeable: boolean }
  | { type: 'merged'; at: string; sha: string }
  /** The merged task's worktree and ccx/T-n branch are gone. */
  | { type: 'workspace-removed'; at: string }
  /** `fields`: the row's final ccx-owned fields (older journals have them only in the `board` record after it). */
  | { type: 'finished'; at: string; status: TaskStatus; exitStatus: string; error: string | null; fields?: OwnedFields; cycles?: number | null; commit?: string | null }
  /** task.finished (and task.cancelled) went to the audit log: a restart does not announce the end again. */
  | { type: 'announced'; at: string }
  /** A person flipped the finished task back to pending: the next dispatch is a retry. */
  | { type: 'retry'; at: string }
  /** SPEC 15: an implementer's question went to the person (asks/T-<n>.md is written). */
  | { type: 'asked'; at: string; ask: OpenAsk }
  /** ask.wait passed: the asking turn stopped; the task waits for the answer without a slot. */
  | { type: 'ask-parked'; at: string; id: string }
  /** The question was answered (by the answerer, `auto`, or the person). */
  | { type: 'answered'; at: string; id: string | null; by: 'auto' | 'person' }
  /** ask.timeout passed with no answer: the attempt ends `question`. */
  | { type: 'ask-expired'; at: string; id: string };

export type JournalRecordType = JournalRecord['type'];
