import type { ParsedBoard } from '../../board/parse/board.js';
import type { OwnedFields, TaskRow } from '../../board/types.js';
import { CcxError } from '../../errors.js';
import { appendJournal, journalPath } from '../journal/journal.js';
import { emptyFacts, type TaskFacts } from '../journal/state.js';
import type { RepoRuntime } from '../runtime/repo-runtime.js';
import { finish } from '../worker/finish.js';
import { TaskWorker, type WorkerStart } from '../worker/task-worker.js';
import { readBoardForDaemon } from './board-read.js';
import { decide } from './decide.js';
import { dispatch } from './dispatch.js';
import { ingestInboxForDaemon } from './inbox.js';
import { recover } from './recover.js';

export interface Candidate {
  row: TaskRow;
  start: WorkerStart;
}

/**
 * One level-triggered pass over a repository: take in config, ladder and inbox changes, read the
 * board, compare every row's intent with the journal's facts and act (cancel, write back what a
 * stale editor buffer reverted, accept a person's retry), then dispatch what may run now.
 */
export async function reconcilePass(runtime: RepoRuntime): Promise<void> {
  if (runtime.dirty.delete('config')) await runtime.reloadConfig();
  if (runtime.dirty.delete('ladder')) await runtime.reloadLadder();
  if (runtime.dirty.delete('inbox')) await ingestInboxForDaemon(runtime);
  runtime.dirty.delete('board');
  const board = await readBoardForDaemon(runtime);
  const facts = await runtime.journalledFacts();
  if (!runtime.recovered) {
    runtime.recovered = true;
    await recover(runtime, facts, board);
  }
  const candidates = board !== null && board.valid ? await applyDecisions(runtime, board.rows, facts) : [];
  await dispatch(runtime, board === null ? null : withJournalStatuses(board, facts), candidates);
  runtime.statusWriter.schedule();
  runtime.services.passed();
}

async function applyDecisions(runtime: RepoRuntime, rows: readonly TaskRow[], facts: Map<string, TaskFacts>): Promise<Candidate[]> {
  const candidates: Candidate[] = [];
  const writeBack = new Map<string, OwnedFields>();
  for (const row of rows) {
    const known = facts.get(row.id) ?? emptyFacts();
    const worker = runtime.workers.get(row.id);
    const decision = decide(row, known, worker !== undefined);
    switch (decision.kind) {
      case 'candidate':
        candidates.push({ row, start: 'new' });
        break;
      case 'retry':
        candidates.push({ row, start: 'retry' });
        break;
      case 'cancel':
        if (worker !== undefined) worker.cancel();
        else await finish(new TaskWorker(runtime, row, 'new'), { status: 'cancelled', exitStatus: 'cancelled', error: null });
        break;
      case 'write-back':
        writeBack.set(row.id, decision.fields);
        break;
      case 'accept':
        await appendJournal(journalPath(runtime.paths.runs, row.id), { type: 'board', fields: decision.fields });
        break;
      case 'resume':
        // A worker that just stopped for a shutdown: it resumes at the next start, not now.
        if (!runtime.services.isStopping()) startWorker(runtime, known.row ?? row, 'resume');
        break;
      case 'fail-unknown':
        await finish(new TaskWorker(runtime, row, 'new'), { status: 'failed', exitStatus: 'error', error: decision.reason });
        break;
      case 'none':
        break;
    }
  }
  if (writeBack.size > 0) {
    try {
      await runtime.store.setMany(writeBack);
      runtime.services.log.info({ repo: runtime.config.repo, tasks: [...writeBack.keys()] }, 'wrote back fields a stale editor buffer reverted');
    } catch (error) {
      if (!(error instanceof CcxError)) throw error;
      runtime.request('board');
    }
  }
  return candidates;
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
