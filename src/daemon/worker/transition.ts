import type { OwnedFields, TaskRow } from '../../board/types.js';
import { CcxError } from '../../errors.js';
import { appendJournal, readJournal } from '../journal/journal.js';
import { foldJournal } from '../journal/state.js';
import { personMoved } from '../reconcile/decide.js';
import type { WorkerHost } from './host.js';

/** Board writes that can wait: the journal holds the intent and the reconciler writes it when it can. */
export const RETRY_LATER = ['BOARD_BUSY', 'BOARD_MISSING', 'BOARD_INVALID', 'BOARD_UNREADABLE', 'TASK_NOT_FOUND'];

export type TransitionOutcome =
  /** The board shows the fields now. */
  | { kind: 'shown' }
  /** A person's status change on the row was kept; ccx's bookkeeping landed beside it. */
  | { kind: 'person-kept'; status: string }
  /** The board could not be written now (an Emacs lock, a broken or missing board): the reconciler writes it later. */
  | { kind: 'deferred'; code: string; reason: string }
  /** The row is not on the board (deleted, or skipped for a problem). */
  | { kind: 'absent' };

/**
 * A status transition of one row: journalled first (`board`, the fields ccx wants: the truth a
 * restarted daemon goes by), then written to BOARD.md by a per-row compare-and-swap that decides
 * the row again on the text the write lands on: a status a person set since the board last showed
 * ccx's (SPEC 3: running → cancelled, a retry, draft ↔ pending) is kept, not overwritten; only a
 * `merged` (a fact on the integration branch) is written over it. What landed is journalled as
 * `board-shown`, the only thing a stale editor buffer is ever compared with.
 */
export async function writeTransition(host: WorkerHost, journal: string, id: string, fields: OwnedFields): Promise<TransitionOutcome> {
  await appendJournal(journal, { type: 'board', fields });
  const outcome = await landFields(host, journal, id, () => fields, fields.status === 'merged');
  if (outcome.kind === 'shown') host.audit.write('board.written', { task: id, status: String(fields.status ?? ''), fields: Object.keys(fields) });
  return outcome;
}

/**
 * Writes what `want` gives for the row as it stands on the text being written (re-decided after
 * every lost compare-and-swap), keeping a person's status move unless `overPerson`; journals what
 * landed. A board that cannot be written now is left to the reconciler (it asks for a pass).
 */
export async function landFields(host: WorkerHost, journal: string, id: string, want: (row: TaskRow) => OwnedFields | null, overPerson = false): Promise<TransitionOutcome> {
  const facts = foldJournal(await readJournal(journal));
  let kept: string | null = null;
  try {
    const result = await host.store.updateRows([id], (row) => {
      kept = null;
      const fields = want(row);
      if (fields === null) return null;
      if (overPerson || fields.status === undefined || fields.status === row.status || !personMoved(row, facts)) return fields;
      kept = row.status;
      const { status: _status, ...bookkeeping } = fields;
      return bookkeeping;
    });
    const shown = result.shown.get(id);
    if (shown === undefined) return { kind: 'absent' };
    // A kept person's status is not journalled as shown: the reconciler still sees it as their move, and acts on it.
    await appendJournal(journal, { type: 'board-shown', fields: shown });
    if (kept !== null) host.requestReconcile();
    return kept === null ? { kind: 'shown' } : { kind: 'person-kept', status: kept };
  } catch (error) {
    if (!(error instanceof CcxError) || !RETRY_LATER.includes(error.code)) throw error;
    host.services.log.info({ task: id, reason: error.message }, 'board write deferred to the next reconcile');
    host.deferredWrite(id, error.code, error.message);
    return { kind: 'deferred', code: error.code, reason: error.message };
  }
}
