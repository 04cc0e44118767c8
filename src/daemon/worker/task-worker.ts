import { join } from 'node:path';
import type { TaskRow } from '../../board/types.js';
import type { RunningTaskStatus } from '../../status/types.js';
import { journalPath, readJournal } from '../journal/journal.js';
import { foldJournal, type TaskFacts } from '../journal/state.js';
import { finish, type Ending } from './finish.js';
import type { WorkerHost } from './host.js';
import { WAITING_QUESTION } from './ask-hooks.js';
import { initialStatus } from './live-status.js';
import { runTask, resumeTask } from './task-flow.js';

/** Why a worker's signal was aborted: a person cancelled the task, or the daemon is stopping (the task resumes later). */
export class WorkerStop extends Error {
  constructor(readonly why: 'cancel' | 'shutdown') {
    super(why === 'cancel' ? 'the task was cancelled' : 'the daemon is stopping');
  }
}

export type WorkerStart = 'new' | 'retry' | 'resume';

/** One task from dispatch to its final status, in the daemon's own process. */
export class TaskWorker {
  readonly id: string;
  readonly controller = new AbortController();
  readonly status: RunningTaskStatus;
  readonly journal: string;
  /** Set by requestShutdown: the attempt ends at its next checkpoint. */
  private stopAtCheckpoint = false;
  private done: Promise<void> = Promise.resolve();

  constructor(
    readonly host: WorkerHost,
    readonly row: TaskRow,
    readonly start: WorkerStart,
  ) {
    this.id = row.id;
    this.journal = journalPath(host.paths.runs, row.id);
    this.status = initialStatus(row.id, row.title, row.attempts + 1, row.mode === 'forever' ? row.maxCycles : row.loops);
  }

  get scope() {
    return this.row.scope;
  }

  begin(onEnd: () => void): void {
    this.done = this.run().finally(onEnd);
  }

  finished(): Promise<void> {
    return this.done;
  }

  /** A person flipped the row to cancelled: stop the turn now (its group gets TERM, then KILL). */
  cancel(): void {
    if (!this.controller.signal.aborted) this.controller.abort(new WorkerStop('cancel'));
  }

  /** The daemon is stopping: end after the turn under way, unless forceStop comes first. */
  requestShutdown(): void {
    this.stopAtCheckpoint = true;
    if (this.status.phase === 'waiting-merge' || this.status.phase === WAITING_QUESTION || this.status.note !== null) this.forceStop();
  }

  forceStop(): void {
    if (!this.controller.signal.aborted) this.controller.abort(new WorkerStop('shutdown'));
  }

  afterCheckpoint(): void {
    if (this.stopAtCheckpoint) this.forceStop();
  }

  stopReason(): 'cancel' | 'shutdown' | null {
    const reason: unknown = this.controller.signal.reason;
    return reason instanceof WorkerStop ? reason.why : null;
  }

  async facts(): Promise<TaskFacts> {
    return foldJournal(await readJournal(this.journal));
  }

  runFolder(attempt: number): string {
    return join(this.host.paths.runs, this.id, `a${attempt}`);
  }

  private async run(): Promise<void> {
    try {
      const ending = this.start === 'resume' ? await resumeTask(this) : await runTask(this);
      if (ending !== null) await finish(this, ending);
      if (ending?.status === 'merged') this.host.services.taskMerged();
      if (ending !== null) await this.host.remote?.()?.taskEnded(this.host.repo, this.id).catch(() => undefined);
    } catch (error) {
      const stop = this.stopReason();
      // The daemon is stopping: the task stays running on the board and resumes on the next start.
      if (stop === 'shutdown') return;
      const ending: Ending = stop === 'cancel'
        ? { status: 'cancelled', exitStatus: 'cancelled', error: null }
        : { status: 'failed', exitStatus: 'error', error: error instanceof Error ? error.message : String(error) };
      this.host.services.log.warn({ task: this.id, error: ending.error }, 'task ended by an error');
      if (this.start === 'resume' && stop === null) this.host.audit.write('recovery.failed', { task: this.id, reason: ending.error ?? 'unknown' });
      await finish(this, ending).catch((finishError: unknown) => this.host.services.log.error({ task: this.id, error: String(finishError) }, 'could not record the end of a task'));
    }
  }
}
