/**
 * The agent layer's contract. The loop engine codes against these types only; the adapters behind
 * them know nothing of loops, boards or tasks.
 *
 * One call of `AgentAdapter.runTurn` runs one agent process (its own process group) to its end and
 * resolves with a `TurnOutcome`; it never rejects for anything the agent or its CLI did. Every
 * process of the group (and any descendant that kept the turn's CCX_AGENT_TOKEN) is gone by the
 * time the promise resolves.
 *
 * What a caller does with each `kind`:
 * - `ok`: the turn finished; read `text` (and `structured` for a review: NOT validated here).
 * - `usage-limit`, `rate-limited`, `overloaded`: not a failure. Wait until `resetAt` (or back off
 *   when it is absent) and run the same turn again; spend no attempt.
 * - `auth`: a person must log in or fix the account; `message` says what to run.
 * - `max-turns`, `budget`, `context`: the agent stopped on one of its own limits.
 * - `timeout`, `cancelled`: ccx stopped the group (`timedOut` / `canceled` say which).
 * - `stalled`: ccx stopped the group after CCX_STALL_TIMEOUT_MS without an output event (codex
 *   retries an unreachable endpoint forever). A transient outage: back off and run the turn again.
 * - `error`: anything else, including a missing binary; `message` says what failed and what to do.
 */

export type AgentRole = 'implementer' | 'reviewer';
export type AgentType = 'claude' | 'codex' | 'command';

export interface TurnRequest {
  role: AgentRole;
  prompt: string;
  /** The agent's working directory; an implementer writes only here. */
  worktree: string;
  /** From the model ladder rung (command agents get them as CCX_MODEL / CCX_EFFORT). */
  model: string;
  effort: string;
  /**
   * claude: `--session-id <uuid>` when `resume` is false (the id must be a fresh UUID), `--resume <id>`
   * when true (from the same worktree).
   * codex: `resume` true runs `codex exec … resume <id>`; false starts a new thread (codex picks the id).
   * Omitted: a fresh session (conductor mode).
   */
  session?: { id: string; resume: boolean };
  /** ccx's own wall clock for the turn; the group is stopped when it runs out. */
  timeoutMs: number;
  /** Overrides the adapter's stall timeout (default CCX_STALL_TIMEOUT_MS, 5 min). */
  stallTimeoutMs?: number;
  /** Aborting stops the group (TERM, then KILL) and yields kind `cancelled`. */
  signal?: AbortSignal;
  /**
   * A JSON Schema for the final answer: codex `--output-schema` (it must be OpenAI-strict: every
   * property required, additionalProperties false), claude `--json-schema`.
   */
  outputSchema?: object;
  /**
   * What is left of the task's max_cost_usd (SPEC 8): claude gets `--max-budget-usd <it>`, so one
   * turn cannot blow through the budget. codex reports no cost; command agents ignore it.
   */
  maxBudgetUsd?: number;
  /** The configured test command; claude may run it (`Bash(<cmd>:*)` in `--allowedTools`). */
  testCommand?: string;
  /** Extra environment variables, e.g. the CCX_* variables a command agent reads. */
  env?: Record<string, string>;
  /** A private folder for schema and output files; the adapter removes what it put there. */
  scratchDir: string;
  /** Called once the process runs, so a daemon can journal the live group for a later reap; the prompt goes in once it settles. */
  onSpawn?: (group: { pgid: number; token: string }) => unknown;
  /** Live progress, one short human line at a time. */
  onProgress?: (line: string) => void;
  /** The implementer may ask a person (SPEC 15): how the adapter offers it. */
  ask?: TurnAsk;
}

/** How an implementer turn asks: claude and codex through `ccx mcp`, a command agent through a file and exit 76. */
export interface TurnAsk {
  /** Starts the MCP server (node, ccx's bin.js, `mcp`, `--dir`, the channel folder). */
  mcpArgv: string[];
  /** A command agent writes its question here (CCX_ASK_FILE) and exits 76. */
  questionFile: string;
  /** How long one ask_person call may take (the CLIs' own tool timeouts are raised to it). */
  toolTimeoutMs: number;
  /** True while a question waits for its answer: the stall timer does not run then. */
  isWaiting(): boolean;
}

export type OutcomeKind =
  | 'ok'
  | 'usage-limit'
  | 'rate-limited'
  | 'overloaded'
  | 'auth'
  | 'max-turns'
  | 'budget'
  | 'context'
  | 'timeout'
  | 'stalled'
  | 'cancelled'
  /** A command agent exited 76 with a question in CCX_ASK_FILE (`question` holds it, unchecked). */
  | 'asked'
  | 'error';

export interface TokenUsage {
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
  reasoning?: number;
}

export interface TurnOutcome {
  kind: OutcomeKind;
  /** Empty for `ok`; otherwise a sentence saying what happened and what to do. */
  message: string;
  /** When a limit lifts (usage-limit, rate-limited, exit 75 retry-after); absent: back off. */
  resetAt?: Date;
  /** The agent's final answer. */
  text: string;
  /** Parsed structured output (codex -o file, claude structured_output, a command's JSON stdout). */
  structured?: unknown;
  /** kind `asked`: the JSON the agent wrote, as parsed (the loop checks it). */
  question?: unknown;
  /** The session to resume next turn (claude session_id, codex thread_id). */
  sessionId?: string;
  costUsd?: number;
  /** This turn's tokens (codex reports thread totals on resume; the adapter subtracts what it saw). */
  tokens?: TokenUsage;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  canceled: boolean;
  durationMs: number;
  apiDurationMs?: number;
  /** Raw output, for artifacts (very long output keeps its tail). */
  stdout: string;
  stderr: string;
}

export interface AgentAdapter {
  readonly type: AgentType;
  /** A command agent's argv[0]: what the audit log and status show instead of a ladder model. */
  readonly program?: string;
  runTurn(request: TurnRequest): Promise<TurnOutcome>;
}

/** Options every adapter takes. */
export interface ProcessOptions {
  /** How long a group gets between SIGTERM and SIGKILL (default 5 s). */
  killGraceMs?: number;
  /** How long a turn may go without an output event before it is stopped as stalled (default CCX_STALL_TIMEOUT_MS). */
  stallTimeoutMs?: number;
  /**
   * The environment agents start from (default: ccx's own, since agents use the person's logins);
   * each request's `env` goes on top.
   */
  baseEnv?: Record<string, string | undefined>;
}

export interface ClaudeAgentConfig extends ProcessOptions {
  type: 'claude';
  /** Default: CCX_CLAUDE_BIN, else `claude`. */
  bin?: string;
  /**
   * The implementer's permission mode (default acceptEdits; reviewers always run read-only).
   * `bypassPermissions` refuses to run as root unless the environment sets IS_SANDBOX=1: set it,
   * or keep acceptEdits.
   */
  permissionMode?: string;
  /** Replaces the implementer's default tool list; the test command is still added. */
  allowedTools?: string[];
  /** Default 60. */
  maxTurns?: number;
}

export interface CodexAgentConfig extends ProcessOptions {
  type: 'codex';
  /** Default: CCX_CODEX_BIN, else `codex`. */
  bin?: string;
}

export interface CommandAgentConfig extends ProcessOptions {
  type: 'command';
  /** The program and its arguments (no shell). */
  argv: string[];
}

export type AgentConfig = ClaudeAgentConfig | CodexAgentConfig | CommandAgentConfig;
