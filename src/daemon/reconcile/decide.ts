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
  /** The row lags behind the journal (a stale editor buffer, or a write that could not land yet): write ccx's values. */
  | { kind: 'write-back'; fields: OwnedFields }
  /** A person made a change SPEC 3 allows on a finished task (e.g. blocked → cancelled): note it as the new intent. */
  | { kind: 'accept'; fields: OwnedFields }
  /** The journal says the task is under way but no worker runs it (the daemon restarted): resume it. */
  | { kind: 'resume' }
  /** The row is not the run its journal describes (an id used again for a new task): archive the journal, start afresh. */
  | { kind: 'new-run'; reason: string }
  /**
   * Running on the board with no run journal: ccx-loop's assigned/review (another tool's run) or a
   * hand edit. Left untouched; nothing whose scope overlaps it starts; a person's `pending` takes it over.
   */
  | { kind: 'foreign'; reason: string };

/** The status changes SPEC 3 gives a person, from what the board showed. */
const PERSON_MOVES: Record<TaskStatus, readonly TaskStatus[]> = {
  draft: ['pending', 'cancelled'],
  pending: ['draft', 'cancelled'],
  running: ['cancelled'],
  blocked: ['pending', 'draft', 'cancelled'],
  failed: ['pending', 'draft', 'cancelled'],
  cancelled: ['pending', 'draft'],
  merged: [],
};

export function decide(row: TaskRow, facts: TaskFacts, workerActive: boolean): Decision {
  if (facts.phase === 'active') {
    // ccx never writes `cancelled` while a task runs: on its row it is a person's cancel, whatever else the buffer held.
    if (row.status === 'cancelled') return { kind: 'cancel' };
    // Set back to draft before ccx's `running` landed: not ready after all, so the run stops like a cancel.
    if (row.status === 'draft' && personMoved(row, facts)) return { kind: 'cancel' };
    if (!workerActive) return { kind: 'resume' };
    return differs(row, facts.board) && !personMoved(row, facts) ? { kind: 'write-back', fields: facts.board } : { kind: 'none' };
  }
  if (facts.phase === 'finished') {
    const other = otherRun(row, facts);
    if (other !== null) return { kind: 'new-run', reason: other };
    return decideFinished(row, facts);
  }
  if (row.status === 'pending') return { kind: 'candidate' };
  if (row.status === 'running') {
    const whose = row.statusAsWritten === 'running' ? 'a hand edit, or another tool' : 'ccx-loop\'s in-flight status: another tool may be running it';
    return { kind: 'foreign', reason: `${row.id} shows ${row.statusAsWritten} but ccx has no run of it (${whose}); ccx leaves it alone and starts nothing whose scope overlaps it; set it to pending for ccx to run it` };
  }
  return { kind: 'none' };
}

function decideFinished(row: TaskRow, facts: TaskFacts): Decision {
  const intended = facts.board;
  if (!differs(row, intended)) return { kind: 'none' };
  const final = facts.finished?.status;
  const allowed = final !== 'merged' && final !== undefined && (row.status === final || PERSON_MOVES[final].includes(row.status));
  if (allowed && (personMoved(row, facts) || movedOnRunRow(row, facts))) {
    if (row.status === 'pending') return { kind: 'retry' };
    return { kind: 'accept', fields: { status: row.status } };
  }
  return { kind: 'write-back', fields: intended };
}

/**
 * Whether the row's status is a person's move away from what the board last SHOWED (never from
 * fields ccx wants but could not write yet): a status SPEC 3 lets a person set from there, with
 * ccx's bookkeeping as the board showed it (a stale buffer brings back old bookkeeping too).
 */
export function personMoved(row: TaskRow, facts: TaskFacts): boolean {
  if (facts.phase === 'active' && row.status === 'cancelled') return true;
  const baseline = shownBaseline(facts);
  const from = baseline.status;
  if (typeof from !== 'string' || from === row.status) return false;
  if (!(PERSON_MOVES[from as TaskStatus] ?? []).includes(row.status)) return false;
  const { status: _status, ...bookkeeping } = baseline;
  return !differs(row, bookkeeping);
}

/**
 * A status other than running beside a worker_pid: ccx writes a worker_pid only with running, so no
 * buffer ccx wrote holds this row; a person set the status by hand on a row that still showed the
 * run (a stale buffer's, say, after the task ended). On a finished task a status other than the one
 * ccx wants is their intent, as a move from the status the task ended with (chaos seed 1128639458
 * it 5: a blocked → pending made through running → cancelled → pending on a stale-reverted row was
 * put back to blocked).
 */
function movedOnRunRow(row: TaskRow, facts: TaskFacts): boolean {
  // Once taken, the status is ccx's intent too: what is left is ccx's bookkeeping to write beside it.
  return row.workerPid !== null && row.status !== 'running' && row.status !== facts.board.status;
}

/** What the board last showed of ccx's fields (the fold starts it from the row as dispatched, and a retry). */
export function shownBaseline(facts: TaskFacts): OwnedFields {
  const dispatchedStatus = facts.row === null ? {} : { status: facts.row.status };
  return { ...dispatchedStatus, ...facts.shown };
}

/**
 * A finished journal belongs to another run when the row's title is not the title it was
 * dispatched with (a merged T-1 deleted and a new T-1 written): SPEC 3, a journal is one run of one row.
 */
function otherRun(row: TaskRow, facts: TaskFacts): string | null {
  const dispatched = facts.row;
  if (dispatched === null || dispatched.title.trim() === row.title.trim()) return null;
  return `${row.id} is now "${row.title}", not "${dispatched.title}" that its journal ran`;
}

/**
 * The fields of a write-back that a stale buffer really reverted: the row shows neither what ccx
 * wants nor what the board last showed. A field that still shows the last shown value only lags (a
 * write that could not land yet), and is no revert.
 */
export function revertedFields(row: TaskRow, facts: TaskFacts, fields: OwnedFields): string[] {
  const baseline = shownBaseline(facts);
  return CCX_OWNED_FIELDS.filter((field) => {
    const wanted = fields[field];
    const shown = baseline[field];
    if (wanted === undefined || shown === undefined) return false;
    const now = shownValue(row, field);
    return !sameValue(now, wanted) && !sameValue(now, shown);
  });
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
