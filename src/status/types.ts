import type { BoardProblem } from '../board/types.js';

/** A task with a worker: what it is doing now. */
export interface RunningTaskStatus {
  id: string;
  title: string;
  attempt: number;
  /** implement, test, review, fix, resolve, merge, waiting-merge, waiting-limit, starting. */
  phase: string;
  cycle: number;
  maxCycles: number;
  agent: string;
  model: string;
  startedAt: string;
  costUsd: number;
  /** Why it is held up, when it is (a dirty checkout, a usage limit). */
  note: string | null;
  /** SPEC 16: the runner this attempt runs on (absent: in the daemon itself). */
  runner?: string;
}

export interface FinishedTaskStatus {
  id: string;
  title: string;
  status: string;
  exitStatus: string;
  finishedAt: string;
  commit: string | null;
  cycles: number | null;
  /** Why it did not merge (a runner that could not fetch or push says so here). */
  error?: string;
}

/** A task held up by something outside it (SPEC 11: waits are states), shown as `waiting: <reason>`. */
export interface WaitingTaskStatus {
  id: string;
  title: string;
  /** dirty-checkout, base-moved, index-lock, board-busy. */
  reason: string;
  note: string;
  since: string;
}

/** A row that shows running but that no ccx run owns (ccx-loop's assigned/review, a hand edit). */
export interface ForeignTaskStatus {
  id: string;
  title: string;
  reason: string;
}

export interface RepoStatus {
  repo: string;
  stateDir: string;
  integration: string;
  board: { valid: boolean; problems: BoardProblem[] };
  /** Since when an editor's `.#BOARD.md` lock has held ccx's board writes back (absent when none does). */
  boardWriteDeferred?: { since: string } | null;
  /** config.yaml's problem when the last edit did not load (the last good one stays in force). */
  configProblem: string | null;
  running: RunningTaskStatus[];
  /** Pending tasks in dispatch order, each with why it waits. */
  queue: Array<{ id: string; title: string; reason: string }>;
  /** Tasks whose merge or transition waits (also after the daemon stopped: read from the journals). */
  waiting?: WaitingTaskStatus[];
  /** Rows another tool runs: left untouched, and nothing overlapping them starts. */
  foreign?: ForeignTaskStatus[];
  /** One-off things ccx did that a person should know (a reused id's old journal archived). */
  runNotices?: string[];
  /** The last finished tasks, newest first. */
  finished: FinishedTaskStatus[];
  orphans: { worktrees: string[]; branches: string[] };
  /** Rows whose scope means something else than it did in ccx-loop (a notice, not a problem). */
  notices?: Array<{ line: number; column: number; task: string; message: string }>;
  /** SPEC 16: the runners this repository's attempts go to, as their heartbeats last said. */
  runners?: RunnerStatus[];
}

export interface RunnerStatus {
  name: string;
  host: string;
  slots: number;
  busy: number;
  labels: string[];
  lastHeartbeat: string;
  /** No heartbeat for a while (or it said it leaves): its attempts go to other runners. */
  lost: boolean;
}

export interface DaemonStatus {
  pid: number;
  startedAt: string;
  /** Set when the daemon has stopped: tasks shown running resume when it starts again. */
  stoppedAt?: string;
  /** Agents paused by a usage limit, and until when. */
  paused: Array<{ agent: string; until: string }>;
  repos: RepoStatus[];
}
