import type { OwnedFields } from '../../board/types.js';
import { CcxError } from '../../errors.js';
import { appendJournal } from '../journal/journal.js';
import type { WorkerHost } from './host.js';

/** Board writes that can wait: the journal holds the intent and the reconciler writes it when it can. */
const RETRY_LATER = ['BOARD_BUSY', 'BOARD_MISSING', 'BOARD_INVALID', 'BOARD_UNREADABLE', 'TASK_NOT_FOUND'];

/**
 * A status transition of one row: journalled first (the truth a restarted daemon and the stale-
 * buffer check go by), then written to BOARD.md by compare-and-swap. A board that cannot be
 * written now (an editor mid-save, a broken board) is written later by the reconciler.
 */
export async function writeTransition(host: WorkerHost, journal: string, id: string, fields: OwnedFields): Promise<void> {
  await appendJournal(journal, { type: 'board', fields });
  try {
    const result = await host.store.setFields(id, fields);
    if (result.changed) host.audit.write('board.written', { task: id, status: String(fields.status ?? ''), fields: Object.keys(fields) });
  } catch (error) {
    if (!(error instanceof CcxError) || !RETRY_LATER.includes(error.code)) throw error;
    host.services.log.info({ task: id, reason: error.message }, 'board write deferred to the next reconcile');
    host.requestReconcile();
  }
}
