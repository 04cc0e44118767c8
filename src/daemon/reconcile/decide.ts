import { CCX_OWNED_FIELDS, type OwnedFields, type OwnedValue, type TaskRow, type TaskStatus } from '../../board/types.js';
import type { TaskFacts } from '../journal/state.js';

/** What the daemon does about one row, comparing the board's intent with the journal's facts. */
export type Decision =
  | { kind: 'none' }
  /** Pending and never dispatched (or retried): the scheduler decides when. */
  | { kind: 'candidate' }
  /** A person flipped a blocked/failed/cancelled task back to pending: record the retry, then schedule it. */
  | { kind: 'retry' }
  /** A person flipped a running task to cancelled. */
  | { kind: 'cancel' }
  /** The row shows values a stale editor buffer put back: write ccx's own values again. */
  | { kind: 'write-back'; fields: OwnedFields }
  /** A person made a change SPEC 3 allows on a finished task (e.g. blocked → cancelled): note it as the new intent. */
  | { kind: 'accept'; fields: OwnedFields }
  /** The journal says the task is under way but no worker runs it (the daemon restarted): resume it. */
  | { kind: 'resume' }
  /** Running on the board with no record of it (ccx-loop's assigned/review, a hand edit): nothing to resume. */
  | { kind: 'fail-unknown'; reason: string };

const PERSON_STATUSES: readonly TaskStatus[] = ['draft', 'pending', 'cancelled'];

export function decide(row: TaskRow, facts: TaskFacts, workerActive: boolean): Decision {
  if (facts.phase === 'active') {
    if (row.status === 'cancelled') return { kind: 'cancel' };
    if (!workerActive) return { kind: 'resume' };
    return differs(row, facts.board) ? { kind: 'write-back', fields: facts.board } : { kind: 'none' };
  }
  if (facts.phase === 'finished') return decideFinished(row, facts);
  if (row.status === 'pending') return { kind: 'candidate' };
  if (row.status === 'running') {
    return { kind: 'fail-unknown', reason: `${row.id} shows ${row.statusAsWritten} but ccx has no record of running it (a ccx-loop board, or a hand edit), so there is nothing to resume; set it to pending to start it again` };
  }
  return { kind: 'none' };
}

function decideFinished(row: TaskRow, facts: TaskFacts): Decision {
  const intended = facts.board;
  const { status: _status, ...bookkeeping } = intended;
  if (!differs(row, intended)) return { kind: 'none' };
  // A person's edit changes the status only; a stale buffer also brings back old bookkeeping.
  const onlyStatusChanged = !differs(row, bookkeeping);
  if (onlyStatusChanged && PERSON_STATUSES.includes(row.status)) {
    if (row.status === 'pending' && facts.finished?.status !== 'merged') return { kind: 'retry' };
    if (row.status !== 'pending') return { kind: 'accept', fields: { status: row.status } };
  }
  return { kind: 'write-back', fields: intended };
}

/** Whether any field ccx intends differs from what the row shows. */
export function differs(row: TaskRow, intended: OwnedFields): boolean {
  for (const field of CCX_OWNED_FIELDS) {
    const wanted = intended[field];
    if (wanted === undefined) continue;
    if (!sameValue(shownValue(row, field), wanted)) return true;
  }
  return false;
}

function shownValue(row: TaskRow, field: (typeof CCX_OWNED_FIELDS)[number]): OwnedValue {
  switch (field) {
    case 'status':
      return row.status;
    case 'brief':
      return row.brief;
    case 'attempts':
      return row.attempts;
    case 'worktree':
      return row.worktree;
    case 'branch':
      return row.branch;
    case 'worker_pid':
      return row.workerPid;
    case 'started_at':
      return row.startedAt;
    case 'finished_at':
      return row.finishedAt;
    case 'exit_status':
      return row.exitStatus;
    case 'commit':
      return row.commit;
    case 'error':
      return row.error;
  }
}

function sameValue(shown: OwnedValue, wanted: OwnedValue): boolean {
  if (shown === null || wanted === null) return shown === wanted;
  return String(shown) === String(wanted);
}
