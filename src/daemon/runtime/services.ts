import type { Logger } from 'pino';
import type { CcxEnv } from '../../config/env.js';
import type { Notifier } from '../../notify/notifier.js';
import type { DaemonStatus } from '../../status/types.js';
import type { LimitGate } from '../limits/limit-gate.js';

/** CCX_MAX_WORKERS across every repository the daemon serves. */
export class WorkerSlots {
  private used = 0;

  constructor(readonly max: number) {}

  free(): number {
    return Math.max(0, this.max - this.used);
  }

  take(): void {
    this.used += 1;
  }

  release(): void {
    this.used = Math.max(0, this.used - 1);
  }
}

/** What every repository's runtime shares: one daemon's process, limits, slots and log. */
export interface DaemonServices {
  env: CcxEnv;
  pid: number;
  startedAt: string;
  limits: LimitGate;
  slots: WorkerSlots;
  log: Logger;
  /** How long an agent group gets between TERM and KILL when a task is cancelled or the daemon stops. */
  agentKillGraceMs: number;
  /** Set once SIGTERM/SIGINT arrived: nothing new is dispatched. */
  isStopping(): boolean;
  /** Some repository changed in a way that may free a slot for another (a worker ended). */
  workerEnded(): void;
  /** The daemon's part of STATUS.md (pid, uptime, paused agents); `repos` is left empty. */
  daemonStatus(): DaemonStatus;
  /** A repository finished a reconcile pass (`--once` checks whether everything is idle). */
  passed(): void;
  /** `ccx daemon --start-tier <alias>`: every task's starting rung for this run; null: each row's own. */
  startTier: string | null;
  /** `ccx daemon --max-tasks M` has seen its M merges: nothing new is dispatched. */
  dispatchClosed(): boolean;
  /** A task of some repository was merged (counted for --max-tasks). */
  taskMerged(): void;
  /** Notifications (SPEC 15): each repository's audit log is followed, sinks never awaited. */
  notify: Notifier;
}
