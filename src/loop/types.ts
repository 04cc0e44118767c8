/**
 * The loop engine's contract: one attempt of one task (SPEC 6 steps 2–7), driven by code.
 *
 *   runAttempt(input: AttemptInput): Promise<AttemptResult>
 *   runResolveTurn(input: ResolveInput): Promise<AttemptResult>
 *
 * Both resolve with how the attempt ended (agent, git and hook failures become exit `error`); they
 * reject only when the attempt cannot be set up: the run folder cannot be made, the worktree has no
 * commit, or `resume` belongs to another task or attempt. The engine knows nothing of the daemon, BOARD.md or the audit log: it reports
 * through `hooks` (typed events, a checkpoint after every completed turn, the live process group,
 * and a wait when an agent is limited). Everything it writes goes under `runDir` and its parent.
 */
import type { AgentAdapter, AgentType, OutcomeKind, TokenUsage } from '../agents/index.js';
import type { LoopMode, Scope, Severity } from '../board/types.js';
import type { AnsweredQuestion, Asker, OpenAsk } from '../ask/index.js';
import type { GitRepo } from '../git/index.js';

export type { LoopMode, Severity };

/** One rung of the model ladder (SPEC 6.7). */
export interface LadderRung {
  alias: string;
  /** `effort` '': not given, so claude uses its own default. */
  claude: { model: string; effort: string };
  /** `effort` absent: the rung's claude effort (codex spells max as xhigh; its adapter maps it). */
  codex: { model: string; effort?: string };
}

export interface Ladder {
  defaultStart: string;
  tiers: LadderRung[];
}

export interface AttemptTask {
  id: string;
  title: string;
  scope: Scope;
  mode: LoopMode;
  /** Cycles of loop, duet and conductor mode. */
  loops: number;
  /** The cap of forever mode. */
  maxCycles: number;
  minSeverity: Severity;
  minConfidence: number;
  /** Per task: earlier attempts' cost counts (AttemptInput.spentUsd). */
  maxCostUsd: number | null;
  codexFirst: boolean;
  /** k ≥ 1. */
  attempt: number;
}

/** The config positions: duet and codex_first decide per turn which of them works and which reviews. */
export type AgentSlot = 'implementer' | 'reviewer';

export interface LoopHooks {
  onEvent(event: LoopEvent): void;
  /** After every completed turn and check; the daemon journals it (plain JSON). */
  onCheckpoint(checkpoint: AttemptCheckpoint): Promise<void>;
  /** The live agent or test-command process group, and null when it has ended. */
  onProcessGroup?(group: { pgid: number; token: string } | null): void | Promise<void>;
  /**
   * Resolves when the same turn may run again; rejects when cancelled. `resetAt` is always set:
   * the agent's reset time when it gave one in the future, else the engine's backoff.
   */
  waitForLimit(agent: AgentType, resetAt: Date, message: string): Promise<void>;
}

export interface AttemptInput {
  repo: GitRepo;
  worktree: string;
  /** The commit the task branch started from: the diff base for prompts and scope. */
  base: string;
  task: AttemptTask;
  /** The brief, verbatim. */
  brief: string;
  /** BOARD.md's Direction section, '' when there is none. */
  direction: string;
  /** The person's own command line, run by the shell in the worktree; null: no test gate. */
  testCommand: string | null;
  agents: Record<AgentSlot, AgentAdapter>;
  rung: LadderRung;
  /** STATE_DIR/runs/<id>/a<k>/: created 0700, files 0600. Its parent gets ledger.json and .handoff.md. */
  runDir: string;
  stateDir: string;
  turnTimeoutMs: number;
  signal: AbortSignal;
  /** Cost of the task's earlier attempts (max_cost_usd is per task). */
  spentUsd?: number;
  /** Continue after the last completed turn (the worktree is put back at its head first). */
  resume?: AttemptCheckpoint;
  /**
   * git checked the worktree out a moment ago for this attempt (a new worktree, not one that was
   * already there): nothing in it can be a person's or an interrupted turn's, so there is nothing
   * to save or put back before the first turn.
   */
  worktreeCheckedOut?: boolean;
  hooks: LoopHooks;
  /** Implementer turns may ask a person (SPEC 15); absent: no ask_person, and a command agent's exit 76 fails the turn. */
  asker?: Asker;
  /** A question the run journal shows unanswered (the daemon stopped while a turn waited on it): answered before the next turn. */
  openAsk?: OpenAsk;
}

/** SPEC 6.8: the integration branch is merged into the task branch, the implementer resolves, tests run, the reviewer re-reviews. */
export interface ResolveInput extends AttemptInput {
  integration: string;
  /** What the failed merge check reported (the engine's own merge decides what is resolved). */
  conflicts: string[];
}

/** One review finding, normalised; ccx's own checks raise findings too (`source`). */
export interface Finding {
  severity: Severity;
  title: string;
  body: string;
  /** '' when it is not about one file. */
  file: string;
  lineStart: number | null;
  lineEnd: number | null;
  /** 0..1. */
  confidence: number;
  recommendation: string;
  source: 'reviewer' | 'scope' | 'tests' | 'conflict';
}

export type SeverityCounts = Record<Severity, number>;
export type Verdict = 'approve' | 'needs-attention';

export interface VerdictRecord {
  cycle: number;
  reviewer: AgentType;
  slot: AgentSlot;
  verdict: Verdict;
  /** Every finding the reviewer gave, by severity. */
  counts: SeverityCounts;
  /** Filtered out by min_severity / min_confidence. */
  skipped: number;
  /** Left in scope (reviewer's), before ccx's own findings are added. */
  open: number;
}

export type AttemptExit =
  | 'approved'
  | 'filtered-clean'
  /** forever mode only: nothing at or above the filter, but the reviewer did not approve (never merged). */
  | 'filtered-unapproved'
  | 'stuck'
  | 'cycle-cap'
  | 'test-failed'
  | 'out-of-scope'
  /** Only from runResolveTurn: conflict markers were left, or the merge could not be started. */
  | 'conflict'
  | 'budget'
  /** No answer to an implementer's question within ask.timeout (SPEC 15). */
  | 'question'
  | 'timeout'
  | 'error'
  | 'cancelled';

/** The steps of an attempt; a checkpoint names the next one. */
export type AttemptStep = 'implement' | 'fix' | 'resolve' | 'check' | 'review' | 'done';
/** What a person watches: the step a turn belongs to, and the test run. */
export type LoopPhase = 'implement' | 'fix' | 'resolve' | 'test' | 'review';

export interface SessionState {
  id: string;
  /** The agent has the session (resume it); false: start it under this id (claude, command). */
  started: boolean;
}

export interface TestRun {
  /** The turn commit it ran on (an empty turn reuses the last run). */
  head: string;
  passed: boolean;
  exitCode: number | null;
  durationMs: number;
  /** The log file's path. */
  log: string;
  /** The last lines of its output (for the finding). */
  tail: string;
}

export interface CheckState {
  /** The commit the checks ran on, null before the first. */
  head: string | null;
  outOfScope: string[];
  test: TestRun | null;
  /** Files still holding conflict markers after a resolve turn. */
  markers: string[];
}

/**
 * Plain JSON, journalled by the daemon after every completed turn. Enough to continue: the worktree
 * is put back at `head` (what an interrupted turn left is saved under refs/ccx/interrupted/<id>/<time>)
 * and `step` of `cycle` runs (again).
 */
export interface AttemptCheckpoint {
  version: 1;
  task: string;
  attempt: number;
  cycle: number;
  step: AttemptStep;
  base: string;
  /** The last turn commit (or where the attempt started). */
  head: string;
  /** Findings the next work turn gets and the next review re-checks. */
  open: Finding[];
  /** In-scope finding keys of the latest reviews, newest last (stuck detection). */
  keyHistory: string[][];
  /** Duet: the last clean review, by which slot, at which head. */
  duet: { approvedBy: AgentSlot | null; approvedHead: string | null };
  /** The kept implementer session per slot (null: none yet, or conductor mode). */
  sessions: Record<AgentSlot, SessionState | null>;
  verdicts: VerdictRecord[];
  skipped: Finding[];
  nextSteps: string[];
  checks: CheckState;
  /** The latest work turn: empty when it changed nothing; `note` is the agent's answer (bounded). */
  lastWork: { cycle: number; empty: boolean; note: string } | null;
  /** Completed turns (agent runs that were not limited). */
  turns: number;
  costUsd: number;
  tokens: TokenUsage;
  /** Set in a resolve run: what was merged into the task branch. */
  resolve: { integration: string; integrationHead: string; conflicts: string[] } | null;
  /** Refs where uncommitted leftovers were saved (on start or resume). */
  savedRefs: string[];
  /** SPEC 15: a question waiting for its answer, and answers the next work turn carries. */
  asks?: { pending: OpenAsk | null; answered: AnsweredQuestion[] };
}

export interface AttemptResult {
  exit: AttemptExit;
  /** approved/filtered-clean, tests passing (or none), nothing unresolved, nothing out of scope. */
  mergeable: boolean;
  /** The highest cycle in which an agent turn ran (0: none ran). */
  cycles: number;
  /** The last turn commit on the task branch. */
  head: string;
  /** The diff base (a resolve run's is the integration head it merged). */
  base: string;
  verdicts: VerdictRecord[];
  /** In-scope findings still open when the attempt ended (empty on a clean exit). */
  unresolved: Finding[];
  skipped: Finding[];
  nextSteps: string[];
  testsPassing: boolean | null;
  outOfScope: string[];
  /** This attempt's agent-reported cost; `taskCostUsd` adds the earlier attempts'. */
  costUsd: number;
  taskCostUsd: number;
  tokens: TokenUsage;
  /** One plain sentence on how it ended. */
  message: string;
  /** For the squash commit: cycles, verdicts, skipped findings. */
  commitBody: string;
  /** runs/<id>/.handoff.md, written at the attempt's end. */
  handoffPath: string;
  savedRefs: string[];
  /** The final state (a new attempt starts afresh; this is for the record). */
  checkpoint: AttemptCheckpoint;
}

interface At {
  cycle: number;
}

export type LoopEvent =
  | { type: 'attempt.started'; task: string; attempt: number; mode: LoopMode; maxCycles: number; rung: string; resumed: boolean; step: AttemptStep; cycle: number }
  | ({ type: 'cycle.started'; maxCycles: number } & At)
  | ({ type: 'phase'; phase: LoopPhase; maxCycles: number } & At)
  | ({ type: 'turn.started'; phase: LoopPhase; role: 'implementer' | 'reviewer'; agent: AgentType; model: string; effort: string; program?: string; try: number; promptBytes: number; session: 'new' | 'resumed' | 'fresh' } & At)
  | ({ type: 'turn.progress'; role: 'implementer' | 'reviewer'; line: string } & At)
  | ({
      type: 'turn.finished';
      phase: LoopPhase;
      role: 'implementer' | 'reviewer';
      agent: AgentType;
      model: string;
      effort: string;
      /** A command agent's argv[0], which the audit log shows instead of the model. */
      program?: string;
      try: number;
      outcome: OutcomeKind;
      exitCode: number | null;
      signal: string | null;
      durationMs: number;
      promptBytes: number;
      outputBytes: number;
      costUsd: number | null;
      tokens: TokenUsage | null;
      /** '' for ok; else the adapter's sentence. */
      message: string;
    } & At)
  /** sha null: the turn changed nothing. */
  | ({ type: 'turn.committed'; phase: LoopPhase; sha: string | null; files: number } & At)
  | ({ type: 'scope.violation'; paths: string[] } & At)
  | ({ type: 'test.finished'; passed: boolean; exitCode: number | null; durationMs: number; log: string; reused: boolean } & At)
  | ({ type: 'review.verdict'; reviewer: AgentType; verdict: Verdict; counts: SeverityCounts; skipped: number; open: number } & At)
  | ({ type: 'fix.empty'; unresolved: number } & At)
  | ({ type: 'task.stuck'; finding: string; reviews: number } & At)
  | ({ type: 'limit.paused'; role: 'implementer' | 'reviewer'; agent: AgentType; kind: OutcomeKind; until: string; message: string } & At)
  | ({ type: 'limit.resumed'; role: 'implementer' | 'reviewer'; agent: AgentType } & At)
  | { type: 'worktree.restored'; head: string; savedRef: string | null }
  | { type: 'attempt.finished'; exit: AttemptExit; mergeable: boolean; cycles: number; message: string; costUsd: number };
