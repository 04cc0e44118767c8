import type { OwnedFields, TaskStatus } from '../../board/types.js';
import { updateHandoff } from '../../loop/index.js';
import { appendJournal } from '../journal/journal.js';
import type { TaskWorker } from './task-worker.js';
import { writeTransition } from './transition.js';

export interface Ending {
  status: TaskStatus;
  exitStatus: string;
  error: string | null;
  commit?: string;
  /** The worktree and branch were removed (after a merge). */
  removedWorkspace?: boolean;
  cycles?: number;
}

/** The task's last transition: journal, board, audit log, and the "recently finished" list. */
export async function finish(worker: TaskWorker, ending: Ending): Promise<void> {
  const { host, id } = worker;
  const facts = await worker.facts();
  const now = new Date().toISOString();
  const fields: OwnedFields = {
    status: ending.status,
    attempts: Math.max(facts.attempt, worker.row.attempts),
    worker_pid: null,
    finished_at: now,
    exit_status: ending.exitStatus,
    error: ending.error,
  };
  if (ending.commit !== undefined) fields.commit = ending.commit;
  if (ending.removedWorkspace === true) Object.assign(fields, { worktree: null, branch: null });
  await appendJournal(worker.journal, { type: 'finished', status: ending.status, exitStatus: ending.exitStatus, error: ending.error });
  if (facts.attempt > 0) {
    await updateHandoff(worker.runFolder(facts.attempt), { status: ending.status, ...(ending.commit === undefined ? {} : { merged: { sha: ending.commit, integration: host.config.integration } }) });
  }
  await writeTransition(host, worker.journal, id, fields);
  const ref = { task: id, attempt: facts.attempt };
  if (ending.status === 'cancelled') host.audit.write('task.cancelled', { ...ref, branch: facts.branch, stopped: true });
  host.audit.write('task.finished', { ...ref, status: ending.status, exit_status: ending.exitStatus, cycles: ending.cycles ?? null, commit: ending.commit ?? null, cost_usd: facts.costUsd, error: ending.error });
  host.recordFinished({ id, title: worker.row.title, status: ending.status, exitStatus: ending.exitStatus, finishedAt: now, commit: ending.commit ?? null, cycles: ending.cycles ?? null });
}
