/** The statuses of SPEC 3. */
export const TASK_STATUSES = ['draft', 'pending', 'running', 'merged', 'blocked', 'failed', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
/** ccx-loop's names for a task that was running when its supervisor stopped: read as `running`. */
export const LEGACY_RUNNING_STATUSES = ['assigned', 'review'] as const;

export const PRIORITIES = ['high', 'normal', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const MODES = ['loop', 'forever', 'duet', 'conductor'] as const;
export type LoopMode = (typeof MODES)[number];
export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const DEFAULT_PRIORITY: Priority = 'normal';
export const DEFAULT_MODE: LoopMode = 'loop';
export const DEFAULT_LOOPS = 2;
export const DEFAULT_MAX_CYCLES = 100;
export const DEFAULT_MIN_SEVERITY: Severity = 'low';
export const DEFAULT_MIN_CONFIDENCE = 0;
/** ccx-loop's per-task worker mode; null is its default worker (ccx's loop or forever). */
export const WORKER_MODES = ['duet', 'conductor'] as const;
/** `model_start: auto` (as ccx-loop writes it) means the ladder's default_start, like no model_start. */
export const MODEL_START_AUTO = 'auto';
export const MAX_LOOPS = 100;
export const MAX_CYCLES_LIMIT = 1000;
/** A title is one line of a commit subject and a table: longer text belongs in the brief. */
export const MAX_TITLE_CHARS = 500;

/** Fields only ccx writes (SPEC 3); `status` is written by both. */
export const CCX_OWNED_FIELDS = [
  'status',
  'brief',
  'attempts',
  'worktree',
  'branch',
  'worker_pid',
  'started_at',
  'finished_at',
  'exit_status',
  'commit',
  'error',
] as const;
export type OwnedField = (typeof CCX_OWNED_FIELDS)[number];
export type OwnedValue = string | number | null;
export type OwnedFields = Partial<Record<OwnedField, OwnedValue>>;

/** Every field a row may carry, person-owned and ccx-owned. */
export const ROW_FIELDS = [
  'id',
  'title',
  'scope',
  'priority',
  'depends_on',
  'mode',
  'worker_mode',
  'loops',
  'max_cycles',
  'min_severity',
  'min_confidence',
  'model_start',
  'max_cost_usd',
  'codex_first',
  'notes',
  ...CCX_OWNED_FIELDS,
] as const;

export interface Scope {
  include: string[];
  exclude: string[];
}

/** A position in BOARD.md, 1-based, as an editor shows it. */
export interface Position {
  line: number;
  column: number;
}

/** A valid task row, with defaults applied. */
export interface TaskRow {
  id: string;
  number: number;
  title: string;
  scope: Scope;
  status: TaskStatus;
  /** The status as written, when it differs (`assigned`, `review`). */
  statusAsWritten: string;
  priority: Priority;
  dependsOn: string[];
  brief: string | null;
  mode: LoopMode;
  loops: number;
  maxCycles: number;
  minSeverity: Severity;
  minConfidence: number;
  /** The starting rung's alias; null: the ladder's default_start (absent or `auto`). */
  modelStart: string | null;
  maxCostUsd: number | null;
  codexFirst: boolean;
  attempts: number;
  worktree: string | null;
  branch: string | null;
  workerPid: number | null;
  startedAt: string | null;
  finishedAt: string | null;
  exitStatus: string | null;
  commit: string | null;
  error: string | null;
  notes: string | null;
  /** Where the row starts in BOARD.md. */
  position: Position;
  /** The row exactly as its YAML reads (for `ccx tasks --json`). */
  fields: Record<string, unknown>;
}

/**
 * `file`: nothing new may be dispatched from this board, and ccx does not rewrite it.
 * `row`: that row is skipped; the others go on.
 */
export type ProblemLevel = 'file' | 'row';

export interface BoardProblem extends Position {
  level: ProblemLevel;
  message: string;
  /** The row's id, when the problem belongs to one row and it has an id. */
  task: string | null;
}
