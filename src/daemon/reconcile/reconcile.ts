import type { ParsedBoard } from '../../board/parse/board.js';
import type { TaskRow } from '../../board/types.js';
import { CcxError } from '../../errors.js';
import { appendJournal, journalPath, readJournal } from '../journal/journal.js';
import { emptyFacts, foldJournal, type TaskFacts } from '../journal/state.js';
import type { RepoRuntime } from '../runtime/repo-runtime.js';
import { TaskWorker, type WorkerStart } from '../worker/task-worker.js';
import { RETRY_LATER } from '../worker/transition.js';
import { readBoardForDaemon } from './board-read.js';
import { converge, archiveJournal } from './converge.js';
import { decide, revertedFields, type Decision } from './decide.js';
import { dispatch } from './dispatch.js';
import { ingestInboxForDaemon } from './inbox.js';
import { cancelWithoutWorker, recover } from './recover.js';

export interface Candidate {
  row: TaskRow;
  start: WorkerStart;
}

/**
 * One level-triggered pass over a repository: take in config, ladder and inbox changes, read the
 * board, bring git and the file system to what the journals say (converge), compare every row's
 * intent with the journal's facts and act (cancel, write back what lags, accept a person's move),
 * then dispatch what may run now.
 */
export async function reconcilePass(runtime: RepoRuntime): Promise<void> {
  if (runtime.dirty.delete('config')) await runtime.reloadConfig();
  if (runtime.dirty.delete('ladder')) await runtime.reloadLadder();
  if (runtime.dirty.delete('inbox')) await ingestInboxForDaemon(runtime);
  runtime.dirty.delete('board');
  const board = await readBoardForDaemon(runtime);
  let facts = await runtime.journalledFacts();
  if (!runtime.recovered) {
    runtime.recovered = true;
    facts = await archiveOtherRuns(runtime, board, facts);
    await recover(runtime, facts, board);
  }
  await converge(runtime, facts);
  // Recovery and convergence may have ended tasks since the read above: decide on what the journals say now.
  facts = await runtime.journalledFacts();
  const candidates = board !== null && board.valid ? await applyDecisions(runtime, board.rows, facts) : [];
  runtime.facts = await runtime.journalledFacts();
  await dispatch(runtime, board === null ? null : withJournalStatuses(board, runtime.facts), candidates);
  runtime.statusWriter.schedule();
  runtime.services.passed();
}

/** Before recovery resumes anything: a row that is not its journal's run gets a fresh one, the old journal archived. */
async function archiveOtherRuns(runtime: RepoRuntime, board: ParsedBoard | null, facts: Map<string, TaskFacts>): Promise<Map<string, TaskFacts>> {
  if (board === null || !board.valid) return facts;
  let archived = false;
  for (const row of board.rows) {
    const known = facts.get(row.id);
    if (known === undefined) continue;
    const decision = decide(row, known, false);
    if (decision.kind === 'new-run') {
      await archiveJournal(runtime, row.id, decision.reason);
      archived = true;
    }
  }
  return archived ? runtime.journalledFacts() : facts;
}

async function applyDecisions(runtime: RepoRuntime, rows: readonly TaskRow[], facts: Map<string, TaskFacts>): Promise<Candidate[]> {
  const candidates: Candidate[] = [];
  const writeBack: string[] = [];
  const foreign: RepoRuntime['foreign'] = [];
  for (const row of rows) {
    let known = facts.get(row.id) ?? emptyFacts();
    const worker = runtime.workers.get(row.id);
    let decision: Decision = decide(row, known, worker !== undefined);
    // A worker runs beside this pass: one that ended after the journals were read left facts that no
    // longer hold. Acting on a task without its worker (ending or resuming it) needs its journal as it is now.
    if (worker === undefined && (decision.kind === 'cancel' || decision.kind === 'resume')) {
      const now = foldJournal(await readJournal(journalPath(runtime.paths.runs, row.id)));
      if (now.phase !== known.phase || now.attempt !== known.attempt) {
        runtime.request('board');
        continue;
      }
    }
    if (decision.kind === 'new-run') {
      await archiveJournal(runtime, row.id, decision.reason);
      known = emptyFacts();
      decision = decide(row, known, false);
    }
    switch (decision.kind) {
      case 'candidate':
        candidates.push({ row, start: 'new' });
        break;
      case 'retry':
        candidates.push({ row, start: 'retry' });
        break;
      case 'cancel':
        if (worker !== undefined) worker.cancel();
        else await cancelWithoutWorker(runtime, row, known);
        break;
      case 'write-back':
        writeBack.push(row.id);
        break;
      case 'accept': {
        const journal = journalPath(runtime.paths.runs, row.id);
        await appendJournal(journal, { type: 'board', fields: decision.fields });
        await appendJournal(journal, { type: 'board-shown', fields: decision.fields });
        // The audit log tells it too: the run ended by itself (its task.finished), then the person cancelled it, with nothing to stop.
        if (decision.fields.status === 'cancelled') runtime.audit.write('task.cancelled', { task: row.id, attempt: known.attempt, branch: known.branch, stopped: false });
        // ccx's own bookkeeping of the end still has to land beside the person's status: the next pass writes it.
        runtime.request('board');
        break;
      }
      case 'resume':
        // A worker that just stopped for a shutdown: it resumes at the next start, not now.
        if (!runtime.services.isStopping()) startWorker(runtime, known.row ?? row, 'resume');
        break;
      case 'foreign':
        foreign.push({ id: row.id, title: row.title, scope: row.scope, reason: decision.reason });
        break;
      case 'new-run':
      case 'none':
        break;
    }
    if (decision.kind !== 'write-back' && decision.kind !== 'accept') runtime.clearUnwritten(row.id);
  }
  runtime.foreign = foreign;
  if (writeBack.length > 0) await writeBackRows(runtime, writeBack);
  return candidates;
}

/**
 * Writes back what a row lags behind its journal, deciding each row again on the text the write
 * lands on (per-row compare-and-swap): a person's move made since the pass read the board is taken,
 * never overwritten. What landed is journalled `board-shown`; a board that cannot be written now
 * (an Emacs lock, a busy board) is retried soon, and shown as `waiting: board-busy`.
 */
async function writeBackRows(runtime: RepoRuntime, ids: readonly string[]): Promise<void> {
  const facts = await runtime.journalledFacts();
  // Decided on the text the write lands on, so only the last call for a row counts.
  const reverted = new Map<string, string[]>();
  try {
    const result = await runtime.store.updateRows(ids, (row) => {
      const known = facts.get(row.id) ?? emptyFacts();
      const decision = decide(row, known, runtime.workers.has(row.id));
      reverted.set(row.id, decision.kind === 'write-back' ? revertedFields(row, known, decision.fields) : []);
      return decision.kind === 'write-back' ? decision.fields : null;
    });
    for (const [id, fields] of result.shown) {
      await appendJournal(journalPath(runtime.paths.runs, id), { type: 'board-shown', fields });
      runtime.clearUnwritten(id);
      // Logged once, for a real revert only: a write that merely landed late restores nothing.
      const restored = reverted.get(id) ?? [];
      if (result.changed && restored.length > 0) runtime.audit.write('board.restored', { task: id, fields: restored });
    }
    for (const id of ids) if (!result.shown.has(id)) runtime.clearUnwritten(id);
    if (result.changed) runtime.services.log.info({ repo: runtime.config.repo, tasks: [...result.shown.keys()] }, 'wrote back fields the board lagged behind the journal');
    // A person's move seen only on the text written: act on it now.
    if ([...ids].some((id) => !result.shown.has(id))) runtime.request('board');
  } catch (error) {
    if (!(error instanceof CcxError) || !RETRY_LATER.includes(error.code)) throw error;
    for (const id of ids) runtime.deferredWrite(id, error.code, error.message);
  }
}

/**
 * The board as the scheduler should see it: a task the journal has finished shows the status ccx
 * gave it even when that write has not reached BOARD.md yet (an editor mid-save, a busy board).
 */
function withJournalStatuses(board: ParsedBoard, facts: Map<string, TaskFacts>): ParsedBoard {
  const rows = board.rows.map((row) => {
    const known = facts.get(row.id);
    const status = known?.phase === 'finished' ? known.finished?.status : undefined;
    // A person may set a blocked task back to pending (a retry), but nothing turns `merged` back.
    const keepRow = status === undefined || status === row.status || (row.status === 'pending' && status !== 'merged');
    return keepRow ? row : { ...row, status };
  });
  return { ...board, rows };
}

/** Starts a worker for `row`: it takes a slot, and gives it back (and asks for a new pass) when it ends. */
export function startWorker(runtime: RepoRuntime, row: TaskRow, start: WorkerStart): TaskWorker {
  const worker = new TaskWorker(runtime, row, start);
  runtime.workers.set(row.id, worker);
  runtime.services.slots.take();
  worker.begin(() => {
    runtime.workers.delete(row.id);
    runtime.services.slots.release();
    runtime.services.workerEnded();
    runtime.request();
  });
  return worker;
}
