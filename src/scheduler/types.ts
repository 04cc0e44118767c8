import type { Scope, TaskRow } from '../board/types.js';

/** Why a pending task is not running yet: what STATUS.md says beside it. */
export type WaitReason =
  | { kind: 'depends'; on: string[]; drafts?: string[] }
  | { kind: 'overlap'; with: string; files: string[]; example?: string }
  | { kind: 'repo-slots'; parallel: number }
  | { kind: 'global-slots'; maxWorkers: number }
  | { kind: 'agent-paused'; agent: string; until: Date | null }
  | { kind: 'board-invalid' };

/** A task that holds a worker of the repository (running, or merging). */
export interface RunningTask {
  id: string;
  scope: Scope;
  /** Waits for a person's answer with no turn running (SPEC 15): holds its scope, not a slot. */
  parked?: boolean;
}

export interface DispatchInput {
  /** The valid rows of the board, in board order (their statuses decide depends_on). */
  rows: readonly TaskRow[];
  /** The pending rows that may start (default: every pending row); a daemon passes those its journal has not started. */
  candidates?: readonly TaskRow[];
  /** Whether the board has a file-level problem: then nothing new is dispatched. */
  boardValid: boolean;
  running: readonly RunningTask[];
  /** `parallel` of config.yaml. */
  parallel: number;
  /** Workers free across every repository (CCX_MAX_WORKERS minus those busy). */
  globalFree: number;
  /** Agent types paused by a usage limit, and until when (null: until a backoff ends). */
  pausedAgents: ReadonlyMap<string, Date | null>;
  /** The agent types a task of this repository needs. */
  agentsNeeded: readonly string[];
  /** Whether two scopes overlap (SPEC 7), and on which files. */
  overlap: (a: Scope, b: Scope) => Promise<{ overlap: boolean; files: string[]; example?: string }>;
}

export interface DispatchPlan {
  /** Tasks to start now, in order. */
  start: TaskRow[];
  /** Every other pending task, in dispatch order, with why it waits. */
  waiting: Array<{ row: TaskRow; reason: WaitReason }>;
}
