import type { AuditLog } from '../../audit/index.js';
import type { OwnedFields, TaskStatus } from '../../board/types.js';
import { crashPoint } from '../../fs/crash-point.js';
import { removeTaskWorkspace, type GitRepo } from '../../git/index.js';
import { updateHandoff } from '../../loop/index.js';
import { appendJournal } from '../journal/journal.js';
import type { TaskFacts } from '../journal/state.js';
import type { WorkerHost } from './host.js';
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

/**
 * The task's last transition: the journal's `finished` (with the row's final fields, so a restart
 * can write them whatever step a crash interrupted), the handoff, the board, and then the audit
 * log's task.finished, followed by `announced` so a restart announces an end exactly once.
 */
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
  await appendJournal(worker.journal, { type: 'finished', status: ending.status, exitStatus: ending.exitStatus, error: ending.error, fields, cycles: ending.cycles ?? null, commit: ending.commit ?? null });
  if (facts.attempt > 0) {
    await updateHandoff(worker.runFolder(facts.attempt), { status: ending.status, ...(ending.commit === undefined ? {} : { merged: { sha: ending.commit, integration: host.config.integration } }) });
  }
  await writeTransition(host, worker.journal, id, fields);
  await announceFinished(host, worker.journal, id, worker.row.title, { ...facts, finished: { status: ending.status, exitStatus: ending.exitStatus, error: ending.error, cycles: ending.cycles ?? null, commit: ending.commit ?? null } }, now);
}

/**
 * task.finished (and task.cancelled) for a finished journal, then `announced`: called by finish(),
 * and by the reconciler for an end a crash left unannounced. A crash between the audit line and
 * `announced` is the one window in which a restart announces twice.
 */
export async function announceFinished(host: Pick<WorkerHost, 'audit' | 'recordFinished'>, journal: string, id: string, title: string, facts: TaskFacts, finishedAt: string): Promise<void> {
  const end = facts.finished;
  if (end === null) return;
  const ref = { task: id, attempt: facts.attempt };
  if (end.status === 'cancelled') host.audit.write('task.cancelled', { ...ref, branch: facts.branch, stopped: true });
  host.audit.write('task.finished', { ...ref, status: end.status, exit_status: end.exitStatus, cycles: end.cycles, commit: end.commit, cost_usd: facts.costUsd, error: end.error });
  crashPoint('audit:task.finished:after');
  await appendJournal(journal, { type: 'announced' });
  host.recordFinished({ id, title, status: end.status, exitStatus: end.exitStatus, finishedAt, commit: end.commit, cycles: end.cycles, ...(end.error === null || end.status === 'merged' ? {} : { error: end.error }) });
}

/**
 * A merged task's worktree and ccx/T-n branch go (idempotent: what is already gone is skipped),
 * then `workspace-removed` is journalled, so a restart after a crash anywhere here finishes it.
 */
export async function removeMergedWorkspace(repo: GitRepo, audit: AuditLog, journal: string, id: string, worktree: string): Promise<void> {
  crashPoint('merge:workspace-removal:before');
  const removed = await removeTaskWorkspace(repo, { id, path: worktree });
  crashPoint('merge:workspace-removal:after');
  if (removed.branch === 'checked-out-elsewhere') audit.write('recovery.orphan', { kind: 'branch', path: `ccx/${id} (checked out at ${removed.checkedOutAt ?? '?'})` });
  await appendJournal(journal, { type: 'workspace-removed' });
}
